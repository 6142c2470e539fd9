import type { Db } from '../../platform/db/client.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import { bumpCounter } from '../../platform/settings/index.js';
import {
  areaM2,
  centroid,
  conformRings,
  createRng,
  makeCityOutline,
  partitionConvex,
  pointInRing,
  randomPointInRing,
  type Polygon,
  type Position,
  type Rng,
  type Ring,
} from '../../platform/geo/index.js';
import { childCode, parseRegionCode } from './codes.js';
import { regionRepo, type NewBuildingRow, type NewRegionRow, type RegionWithCount } from './repo.js';
import { GEO_VERSION_KEY } from './service.js';

/**
 * Approximate centres of each province's capital area, so a generated city lands in the right
 * part of China. Wuhai has its own entry: it is the reference demo city.
 */
const CENTERS: Record<string, Position> = {
  '1503': [106.82, 39.62],
  '11': [116.4, 39.9], '12': [117.2, 39.12], '13': [114.5, 38.04], '14': [112.55, 37.87], '15': [111.75, 40.84],
  '21': [123.43, 41.8], '22': [125.32, 43.9], '23': [126.64, 45.76], '31': [121.47, 31.23], '32': [118.78, 32.06],
  '33': [120.15, 30.27], '34': [117.23, 31.82], '35': [119.3, 26.08], '36': [115.89, 28.68], '37': [117.0, 36.65],
  '41': [113.62, 34.75], '42': [114.31, 30.59], '43': [112.94, 28.23], '44': [113.26, 23.13], '45': [108.37, 22.82],
  '46': [110.35, 20.02], '50': [106.55, 29.56], '51': [104.07, 30.67], '52': [106.71, 26.58], '53': [102.71, 25.04],
  '54': [91.13, 29.65], '61': [108.94, 34.34], '62': [103.83, 36.06], '63': [101.78, 36.62], '64': [106.23, 38.49],
  '65': [87.62, 43.83],
};

function cityCenter(cityCode: string, rng: Rng): Position {
  const exact = CENTERS[cityCode];
  if (exact) return exact;
  const [lng, lat] = CENTERS[cityCode.slice(0, 2)] ?? [110, 33];
  // Other cities of the province scatter around its capital by their city number.
  const n = Number(cityCode.slice(2, 4));
  const angle = n * 2.399963 + rng.float(0, 0.3);
  const r = n === 1 ? 0 : 0.8 + (n % 5) * 0.35;
  return [lng + r * Math.cos(angle), lat + r * Math.sin(angle) * 0.75];
}

const polygon = (ring: Ring): Polygon => ({ type: 'Polygon', coordinates: [ring] });

function geomColumns(ring: Ring) {
  const g = polygon(ring);
  const [lng, lat] = centroid(g);
  return { geometry: g as never, centerLng: lng, centerLat: lat, areaM2: areaM2(g) };
}

/** 多福巷社区居委会 → 多福巷社区: the committee suffix is noise in a grid's name. */
function shortName(name: string): string {
  return name.replace(/(居民委员会|居委会|村民委员会|村委会)$/, '') || name;
}

/**
 * Wuhai-like housing stock: mostly 4-6 storey walk-ups with 1-3 entrances, some bungalows and
 * low-rise, a tenth high-rise. About 21 dwellings a building on average (2 per floor and entrance).
 */
function buildingShape(rng: Rng): { floors: number; entrances: number } {
  const r = rng.next();
  if (r < 0.15) return { floors: rng.int(1, 3), entrances: rng.int(1, 2) };
  if (r < 0.9) return { floors: rng.int(4, 6), entrances: rng.int(1, 3) };
  return { floors: rng.int(11, 26), entrances: rng.int(1, 2) };
}

const NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五'];

export interface DemoGeometryOptions {
  seed?: string;
  gridsPerCommunity?: [number, number];
  /** Share of grids split into micro-grids. */
  microgridShare?: number;
  buildingsPerGrid?: [number, number];
}

export interface DemoGeometryReport {
  grids: number;
  microgrids: number;
  buildings: number;
  skippedCommunities: number;
}

/**
 * Give an imported city plausible geometry: the city outline is split into districts, streets,
 * communities and 10-15 grids per community (convex cells that exactly tile their parent),
 * micro-grids in some grids, and building points. Deterministic for a seed. Communities that
 * already have grids are left alone, so re-running adds nothing twice.
 */
export async function generateDemoGeometry(db: Db, cityCode: string, ctx: AuditContext, opts: DemoGeometryOptions = {}): Promise<DemoGeometryReport> {
  const seed = opts.seed ?? `gridwork-demo-${cityCode}`;
  const [gMin, gMax] = opts.gridsPerCommunity ?? [10, 15];
  const microShare = opts.microgridShare ?? 0.12;
  const [bMin, bMax] = opts.buildingsPerGrid ?? [6, 18];
  const root = createRng(seed);
  const city = parseRegionCode(cityCode)!;
  const cityRow = await regionRepo.get(db, city.code);
  if (!cityRow) throw new Error(`city ${cityCode} is not imported`);

  const childrenOf = (code: string) => regionRepo.children(db, code);
  const districts = await childrenOf(city.code);
  const streetsBy = new Map<string, RegionWithCount[]>();
  const communitiesBy = new Map<string, RegionWithCount[]>();
  let communityCount = 0;
  for (const d of districts) {
    const ss = await childrenOf(d.code);
    streetsBy.set(d.code, ss);
    for (const s of ss) {
      const cs = (await childrenOf(s.code)).filter((c) => c.level === 'community');
      communitiesBy.set(s.code, cs);
      communityCount += cs.length;
    }
  }
  const radiusKm = Math.min(60, Math.max(6, 2.6 * Math.sqrt(Math.max(communityCount, 1))));
  const outline = makeCityOutline(cityCenter(cityCode, root.fork('center')), radiusKm, root.fork('outline'), 18);

  const upserts: NewRegionRow[] = [];
  const buildingRows: NewBuildingRow[] = [];
  const report: DemoGeometryReport = { grids: 0, microgrids: 0, buildings: 0, skippedCommunities: 0 };
  const node = (r: RegionWithCount, ring: Ring): NewRegionRow => ({
    code: r.code,
    name: r.name,
    level: r.level,
    parentCode: r.parentCode,
    path: r.path,
    kind: r.kind,
    sort: r.sort,
    ...geomColumns(ring),
  });

  upserts.push(node(cityRow, outline));
  const split = <T>(ring: Ring, items: T[], label: string): [T, Ring][] => {
    if (!items.length) return [];
    const cells = items.length === 1 ? [ring] : partitionConvex(ring, items.length, root.fork(label), { lloydIterations: 3 });
    return items.map((it, i) => [it, cells[i]!]);
  };

  for (const [d, dRing] of split(outline, districts, `d:${city.code}`)) {
    upserts.push(node(d, dRing));
    for (const [s, sRing] of split(dRing, streetsBy.get(d.code) ?? [], `s:${d.code}`)) {
      upserts.push(node(s, sRing));
      for (const [c, cRing] of split(sRing, communitiesBy.get(s.code) ?? [], `c:${s.code}`)) {
        upserts.push(node(c, cRing));
        if (c.childCount > 0) {
          report.skippedCommunities++;
          continue;
        }
        const rng = root.fork(`g:${c.code}`);
        const parsedC = parseRegionCode(c.code)!;
        const gridRings = partitionConvex(cRing, rng.int(gMin, gMax), rng, { lloydIterations: 3 });
        gridRings.forEach((gRing, gi) => {
          const gCode = childCode(parsedC, gi + 1);
          const gParsed = parseRegionCode(gCode)!;
          upserts.push({
            code: gCode,
            name: `${shortName(c.name)}第${NUMERALS[gi + 1] ?? gi + 1}网格`,
            level: 'grid',
            parentCode: c.code,
            path: gParsed.path,
            sort: gi + 1,
            ...geomColumns(gRing),
          });
          report.grids++;
          const micro: { code: string; path: string; ring: Ring }[] = [];
          if (rng.next() < microShare) {
            partitionConvex(gRing, rng.int(2, 4), rng, { lloydIterations: 2 }).forEach((mRing, mi) => {
              const mCode = childCode(gParsed, mi + 1);
              const mPath = parseRegionCode(mCode)!.path;
              upserts.push({ code: mCode, name: `第${NUMERALS[mi + 1]}微网格`, level: 'microgrid', parentCode: gCode, path: mPath, sort: mi + 1, ...geomColumns(mRing) });
              micro.push({ code: mCode, path: mPath, ring: mRing });
              report.microgrids++;
            });
          }
          const nb = rng.int(bMin, bMax);
          for (let b = 1; b <= nb; b++) {
            const [lng, lat] = randomPointInRing(gRing, rng);
            const m = micro.find((x) => pointInRing(lng, lat, x.ring));
            buildingRows.push({
              regionCode: m?.code ?? gCode,
              regionPath: m?.path ?? gParsed.path,
              name: `${gi + 1}-${b}号楼`,
              address: `${s.name}${shortName(c.name)}${gi + 1}-${b}号楼`,
              ...buildingShape(rng),
              lng: Math.round(lng * 1e6) / 1e6,
              lat: Math.round(lat * 1e6) / 1e6,
            });
          }
        });
      }
    }
  }

  // Cells of neighbouring parents meet at different vertices; make shared edges identical so a
  // point on a boundary belongs to exactly one grid.
  for (const level of ['grid', 'microgrid']) {
    const rows = upserts.filter((r) => r.level === level);
    const conformed = conformRings(rows.map((r) => (r.geometry as unknown as Polygon).coordinates[0]!));
    rows.forEach((r, i) => Object.assign(r, geomColumns(conformed[i]!)));
  }

  await db.transaction(async (tx) => {
    await regionRepo.upsertMany(tx, upserts);
    await regionRepo.insertBuildings(tx, buildingRows);
    await bumpCounter(tx, GEO_VERSION_KEY);
    await recordAudit(tx, ctx, {
      action: 'region.generate_demo_geometry',
      entityType: 'region',
      entityId: city.code,
      scopePath: city.path,
      after: { seed, grids: report.grids, microgrids: report.microgrids, buildings: buildingRows.length },
    });
  });
  report.buildings = buildingRows.length;
  return report;
}
