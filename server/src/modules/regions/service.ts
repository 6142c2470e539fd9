import type { Db } from '../../platform/db/client.js';
import { AppError, invalidField } from '../../platform/errors/index.js';
import { authorize, scopeOf, type Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import {
  SpatialIndex,
  areaM2,
  centroid,
  pointInGeometry,
  transformGeometry,
  validateGeometry,
  wgs84ToGcj02,
  type PolygonalGeometry as Geometry,
} from '../../platform/geo/index.js';
import { ancestorCodes, childCode, parseRegionCode, type Level, type ParsedCode } from './codes.js';
import { regionRepo, type BuildingRow, type RegionWithCount } from './repo.js';
import { bumpCounter, getSetting } from '../../platform/settings/index.js';

/** Bumped whenever grid geometry changes, so every process rebuilds its spatial index. */
export const GEO_VERSION_KEY = 'geo.version';

export interface RegionDto {
  code: string;
  name: string;
  level: Level;
  parentCode: string | null;
  kind: string | null;
  childCount: number;
  center: [number, number] | null;
  areaKm2: number | null;
  ancestors?: { code: string; name: string; level: string }[];
}

export interface BuildingDto {
  id: number;
  name: string;
  regionCode: string;
  address: string | null;
  floors: number | null;
  entrances: number | null;
  lng: number;
  lat: number;
}

export interface LocateResult {
  grid: { code: string; name: string };
  microgrid: { code: string; name: string } | null;
  community: { code: string; name: string };
  street: { code: string; name: string };
  district: { code: string; name: string };
}

export function toRegionDto(r: RegionWithCount): RegionDto {
  return {
    code: r.code,
    name: r.name,
    level: r.level as Level,
    parentCode: r.parentCode,
    kind: r.kind,
    childCount: r.childCount,
    center: r.centerLng != null && r.centerLat != null ? [r.centerLng, r.centerLat] : null,
    areaKm2: r.areaM2 != null ? Math.round(r.areaM2 / 10_000) / 100 : null,
  };
}

export function toBuildingDto(b: BuildingRow): BuildingDto {
  return {
    id: b.id,
    name: b.name,
    regionCode: b.regionCode,
    address: b.address,
    floors: b.floors,
    entrances: b.entrances,
    lng: b.lng,
    lat: b.lat,
  };
}

/** Parse a code from a request, or answer 400 naming the field. */
export function requireCode(code: string, field = 'code'): ParsedCode {
  const parsed = parseRegionCode(code);
  if (!parsed) {
    throw new AppError('region.invalid_code', {
      fields: [
        {
          field,
          rule: 'region_code',
          message: {
            zh: '应为 12 位统计区划代码（网格 15 位，微网格 18 位）',
            en: 'must be a 12-digit division code (15 for a grid, 18 for a micro-grid)',
          },
        },
      ],
    });
  }
  return parsed;
}

function geometryOrThrow(geometry: unknown, field = 'geometry'): Geometry {
  const problems = validateGeometry(geometry as Geometry);
  if (problems.length) {
    throw new AppError('region.geometry_invalid', {
      fields: problems.map((p) => ({
        field: p.field.startsWith('geometry') ? field + p.field.slice('geometry'.length) : `${field}.${p.field}`,
        rule: p.rule,
        message: { zh: p.message_zh, en: p.message_en },
      })),
    });
  }
  return geometry as Geometry;
}

/** How often a process re-checks whether another process changed grid geometry. */
const GEO_VERSION_CHECK_MS = 2000;
/** Largest side (degrees) of the box GET /api/geo/grids.geojson answers for: ≈ 5.5 km north–south. */
export const GRIDS_AROUND_MAX_DEG = 0.05;

export class RegionService {
  /** Grids and micro-grids by point, with the names along their chains (both change with geo.version). */
  private index: { grids: SpatialIndex<string>; micro: SpatialIndex<string>; names: Map<string, string>; shapes: Map<string, Geometry>; version: number } | null = null;
  private indexLoading: Promise<void> | null = null;
  private versionCheckedAt = 0;

  constructor(private readonly db: Db) {}

  /** Load a node and check the actor may act on it. Unknown codes inside scope are 404. */
  private async load(actor: Actor | undefined, action: 'region.read' | 'region.write', code: string, field = 'code') {
    const parsed = requireCode(code, field);
    authorize(actor, action, { path: parsed.path });
    const row = await regionRepo.get(this.db, parsed.code);
    if (!row) throw new AppError('region.not_found', { extra: { regionCode: parsed.code } });
    return row;
  }

  async get(actor: Actor | undefined, code: string): Promise<RegionDto> {
    const row = await this.load(actor, 'region.read', code);
    const parsed = parseRegionCode(row.code)!;
    const anc = await regionRepo.getMany(this.db, ancestorCodes(parsed));
    const byCode = new Map(anc.map((a) => [a.code, a]));
    return {
      ...toRegionDto(row),
      ancestors: ancestorCodes(parsed)
        .map((c) => byCode.get(c))
        .filter((a): a is NonNullable<typeof a> => !!a),
    };
  }

  async children(actor: Actor | undefined, code: string): Promise<RegionDto[]> {
    const row = await this.load(actor, 'region.read', code);
    return (await regionRepo.children(this.db, row.code)).map(toRegionDto);
  }

  async search(actor: Actor | undefined, q: string, limit: number): Promise<RegionDto[]> {
    const scope = scopeOf(actor, 'region.read');
    const term = q.trim();
    if (!term) return [];
    return (await regionRepo.search(this.db, scope, term, limit)).map(toRegionDto);
  }

  async geojson(actor: Actor | undefined, code: string, level: Level, crs: 'wgs84' | 'gcj02') {
    const row = await this.load(actor, 'region.read', code);
    const items = await regionRepo.geometriesUnder(this.db, row.path, level);
    return {
      type: 'FeatureCollection' as const,
      features: items
        .filter((i) => i.geometry)
        .map((i) => ({
          type: 'Feature' as const,
          id: i.code,
          geometry: crs === 'gcj02' ? transformGeometry(i.geometry as Geometry, wgs84ToGcj02) : (i.geometry as Geometry),
          properties: { code: i.code, name: i.name, level: i.level, parentCode: i.parentCode },
        })),
    };
  }

  async buildings(actor: Actor | undefined, code: string, afterId: number, limit: number) {
    const parsed = requireCode(code);
    authorize(actor, 'building.read', { path: parsed.path });
    if (!(await regionRepo.get(this.db, parsed.code))) throw new AppError('region.not_found');
    const rows = await regionRepo.buildingsUnder(this.db, parsed.path, afterId, limit + 1);
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(toBuildingDto);
    return { items, nextCursor: more ? String(items[items.length - 1]!.id) : null };
  }

  async buildingsGeojson(actor: Actor | undefined, code: string, crs: 'wgs84' | 'gcj02', max = 20_000) {
    const { items, nextCursor } = await this.buildings(actor, code, 0, max);
    return {
      type: 'FeatureCollection' as const,
      /** True when more than `max` buildings exist: the client should zoom in to a smaller region. */
      truncated: nextCursor !== null,
      features: items.map((b) => ({
        type: 'Feature' as const,
        id: b.id,
        geometry: { type: 'Point' as const, coordinates: crs === 'gcj02' ? wgs84ToGcj02(b.lng, b.lat) : [b.lng, b.lat] },
        properties: { id: b.id, name: b.name, regionCode: b.regionCode, floors: b.floors },
      })),
    };
  }

  async createBuilding(
    actor: Actor | undefined,
    input: { regionCode: string; name: string; address?: string; floors?: number; entrances?: number; lng: number; lat: number },
    ctx: AuditContext,
  ): Promise<BuildingDto> {
    const parsed = requireCode(input.regionCode, 'regionCode');
    authorize(actor, 'building.write', { path: parsed.path });
    if (parsed.level !== 'grid' && parsed.level !== 'microgrid') {
      throw invalidField('regionCode', 'level', { zh: '楼栋只能挂在网格或微网格下', en: 'must be a grid or micro-grid' });
    }
    const region = await regionRepo.getWithGeometry(this.db, parsed.code);
    if (!region) throw new AppError('region.not_found');
    if (region.geometry && !pointInGeometry(input.lng, input.lat, region.geometry as Geometry)) {
      throw invalidField('lng', 'outside_region', { zh: '坐标不在所选网格范围内', en: 'the point is outside the chosen grid' });
    }
    return this.db.transaction(async (tx) => {
      const [b] = await regionRepo.insertBuildings(tx, [
        {
          regionCode: parsed.code,
          regionPath: parsed.path,
          name: input.name.trim(),
          address: input.address?.trim() || null,
          floors: input.floors ?? null,
          entrances: input.entrances ?? null,
          lng: input.lng,
          lat: input.lat,
        },
      ]);
      const dto = toBuildingDto(b!);
      await recordAudit(tx, ctx, { action: 'building.create', entityType: 'building', entityId: dto.id, scopePath: parsed.path, after: dto });
      return dto;
    });
  }

  /** Add a grid under a community, or a micro-grid under a grid, with the next free code. */
  async createCell(
    actor: Actor | undefined,
    input: { parentCode: string; name: string; level: 'grid' | 'microgrid'; geometry?: unknown },
    ctx: AuditContext,
  ): Promise<RegionDto> {
    const parent = requireCode(input.parentCode, 'parentCode');
    authorize(actor, 'region.write', { path: parent.path });
    const expectedParent = input.level === 'grid' ? 'community' : 'grid';
    if (parent.level !== expectedParent) {
      throw new AppError('region.bad_parent', {
        fields: [
          {
            field: 'parentCode',
            rule: 'parent_level',
            message: { zh: `${input.level === 'grid' ? '网格' : '微网格'}的上级应为${expectedParent === 'community' ? '社区' : '网格'}`, en: `must be a ${expectedParent}` },
          },
        ],
      });
    }
    const geometry = input.geometry === undefined ? null : geometryOrThrow(input.geometry);
    const dto = await this.db.transaction(async (tx) => {
      // Lock the parent so two grids created at once cannot take the same sequence number.
      if (!(await regionRepo.lockForUpdate(tx, parent.code))) throw new AppError('region.not_found', { detail: { zh: '上级不存在', en: 'parent not found' } });
      const max = await regionRepo.maxChildCode(tx, parent.code);
      const seq = max ? Number(max.slice(-3)) + 1 : 1;
      if (seq > 999) throw new AppError('region.code_exhausted');
      const code = childCode(parent, seq);
      const parsed = parseRegionCode(code)!;
      const c = geometry ? centroid(geometry) : null;
      await regionRepo.insert(tx, {
        code,
        name: input.name.trim(),
        level: input.level,
        parentCode: parent.code,
        path: parsed.path,
        geometry: geometry as never,
        centerLng: c?.[0] ?? null,
        centerLat: c?.[1] ?? null,
        areaM2: geometry ? areaM2(geometry) : null,
        sort: seq,
      });
      if (geometry) await bumpCounter(tx, GEO_VERSION_KEY);
      const row = (await regionRepo.get(tx, code))!;
      const out = toRegionDto(row);
      await recordAudit(tx, ctx, { action: 'region.create', entityType: 'region', entityId: code, scopePath: parsed.path, after: { ...out, geometry } });
      return out;
    });
    if (geometry) this.index = null;
    return dto;
  }

  async update(actor: Actor | undefined, code: string, patch: { name?: string; geometry?: unknown }, ctx: AuditContext): Promise<RegionDto> {
    const parsed = requireCode(code);
    authorize(actor, 'region.write', { path: parsed.path });
    const geometry = patch.geometry === undefined ? undefined : patch.geometry === null ? null : geometryOrThrow(patch.geometry);
    if (geometry !== undefined && parsed.level !== 'grid' && parsed.level !== 'microgrid') {
      // Division boundaries above the grid come from imports, not hand edits.
      throw invalidField('geometry', 'level', { zh: '只能修改网格和微网格的边界', en: 'only grid and micro-grid boundaries can be edited' });
    }
    const out = await this.db.transaction(async (tx) => {
      const before = await regionRepo.getWithGeometry(tx, parsed.code);
      if (!before) throw new AppError('region.not_found');
      const c = geometry ? centroid(geometry) : null;
      await regionRepo.update(tx, parsed.code, {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(geometry !== undefined
          ? { geometry: geometry as never, centerLng: c?.[0] ?? null, centerLat: c?.[1] ?? null, areaM2: geometry ? areaM2(geometry) : null }
          : {}),
      });
      // The point → grid index carries names too, so a rename reloads it like a new boundary.
      if (geometry !== undefined || patch.name !== undefined) await bumpCounter(tx, GEO_VERSION_KEY);
      const after = (await regionRepo.getWithGeometry(tx, parsed.code))!;
      await recordAudit(tx, ctx, {
        action: 'region.update',
        entityType: 'region',
        entityId: parsed.code,
        scopePath: parsed.path,
        before: { name: before.name, ...(geometry !== undefined ? { geometry: before.geometry } : {}) },
        after: { name: after.name, ...(geometry !== undefined ? { geometry: after.geometry } : {}) },
      });
      return toRegionDto((await regionRepo.get(tx, parsed.code))!);
    });
    if (geometry !== undefined || patch.name !== undefined) this.index = null;
    return out;
  }

  /** Exists and level, for other modules (e.g. validating a user's scope). No scope check: callers authorise. */
  async lookup(code: string): Promise<{ code: string; name: string; level: Level; path: string } | null> {
    const parsed = parseRegionCode(code);
    if (!parsed) return null;
    const row = await regionRepo.get(this.db, parsed.code);
    return row ? { code: row.code, name: row.name, level: row.level as Level, path: row.path } : null;
  }

  /** A building for other modules (houses hang under it). No scope check: callers authorise with its path. */
  async buildingInfo(id: number): Promise<(BuildingDto & { regionPath: string }) | null> {
    const b = await regionRepo.getBuilding(this.db, id);
    return b ? { ...toBuildingDto(b), regionPath: b.regionPath } : null;
  }

  async buildingsInfo(ids: number[]): Promise<Map<number, BuildingDto & { regionPath: string }>> {
    const rows = await regionRepo.getBuildings(this.db, ids);
    return new Map(rows.map((b) => [b.id, { ...toBuildingDto(b), regionPath: b.regionPath }]));
  }

  /** Children without a scope check, for system tasks (seeding); callers authorise. */
  async childrenUnchecked(code: string): Promise<RegionDto[]> {
    return (await regionRepo.children(this.db, code)).map(toRegionDto);
  }

  /** Names of every region under a path prefix, by path (for caches that label places). */
  async namesUnder(pathPrefix: string): Promise<{ path: string; name: string }[]> {
    return regionRepo.namesUnder(this.db, pathPrefix);
  }

  async namesOf(codes: string[]) {
    return regionRepo.getMany(this.db, codes);
  }

  // ---- point → grid ------------------------------------------------------------------------

  private async ensureIndex(): Promise<NonNullable<RegionService['index']>> {
    const now = Date.now();
    if (this.index && now - this.versionCheckedAt > GEO_VERSION_CHECK_MS) {
      this.versionCheckedAt = now;
      const v = (await getSetting<number>(this.db, GEO_VERSION_KEY)) ?? 0;
      if (v !== this.index.version) this.index = null;
    }
    if (this.index) return this.index;
    this.indexLoading ??= (async () => {
      const version = (await getSetting<number>(this.db, GEO_VERSION_KEY)) ?? 0;
      const [cells, named] = await Promise.all([regionRepo.allCellGeometries(this.db), regionRepo.namesFromDistrict(this.db)]);
      const names = new Map(named.map((r) => [r.code, r.name]));
      const grids = new SpatialIndex(cells.filter((c) => c.level === 'grid').map((c) => ({ id: c.code, geometry: c.geometry as Geometry })));
      const micro = new SpatialIndex(cells.filter((c) => c.level === 'microgrid').map((c) => ({ id: c.code, geometry: c.geometry as Geometry })));
      const shapes = new Map(cells.filter((c) => c.level === 'grid').map((c) => [c.code, c.geometry as Geometry]));
      this.index = { grids, micro, names, shapes, version };
      this.versionCheckedAt = Date.now();
    })().finally(() => {
      this.indexLoading = null;
    });
    await this.indexLoading;
    return this.index!;
  }

  /** Which grid (and micro-grid) contains a point. Used by the locate endpoint and by intake. */
  async locatePoint(lng: number, lat: number): Promise<LocateResult | null> {
    const idx = await this.ensureIndex();
    const gridCode = idx.grids.locate(lng, lat);
    if (!gridCode) return null;
    const microCode = idx.micro.locate(lng, lat);
    const grid = parseRegionCode(gridCode)!;
    const chain = [...ancestorCodes(grid), gridCode, ...(microCode ? [microCode] : [])];
    const pick = (level: Level) => {
      const c = chain.find((x) => parseRegionCode(x)?.level === level);
      const name = c ? idx.names.get(c) : undefined;
      return c && name !== undefined ? { code: c, name } : null;
    };
    const community = pick('community');
    const street = pick('street');
    const district = pick('district');
    const g = pick('grid');
    if (!community || !street || !district || !g) return null;
    return { grid: g, microgrid: microCode ? pick('microgrid') : null, community, street, district };
  }

  /**
   * Grid boundaries around a point of view (a map on a phone), for anyone who may locate: where
   * the grids run is public geography, and without map tiles it is all a resident sees to place
   * a report. At most GRIDS_AROUND_MAX_DEG a side, so nobody downloads a city through it.
   */
  async gridsAround(actor: Actor | undefined, bbox: [number, number, number, number], crs: 'wgs84' | 'gcj02') {
    authorize(actor, 'geo.locate');
    const [w, s, e, n] = bbox;
    if (!(w < e && s < n)) throw invalidField('bbox', 'order', { zh: '范围应为 西,南,东,北', en: 'give west,south,east,north' });
    if (e - w > GRIDS_AROUND_MAX_DEG || n - s > GRIDS_AROUND_MAX_DEG) {
      throw invalidField('bbox', 'too_large', { zh: '范围过大，请放大地图', en: `at most ${GRIDS_AROUND_MAX_DEG}° a side: zoom in` });
    }
    const idx = await this.ensureIndex();
    return {
      type: 'FeatureCollection' as const,
      features: idx.grids.within(w, s, e, n).map((code) => {
        const g = idx.shapes.get(code)!;
        return {
          type: 'Feature' as const,
          id: code,
          geometry: crs === 'gcj02' ? transformGeometry(g, wgs84ToGcj02) : g,
          properties: { code, name: idx.names.get(code) ?? code, level: 'grid' as const, parentCode: parseRegionCode(code)!.parentCode },
        };
      }),
    };
  }

  async locate(actor: Actor | undefined, lng: number, lat: number): Promise<LocateResult> {
    // Grid boundaries are public geography (residents need them to report), so this is role-checked only.
    authorize(actor, 'geo.locate');
    const r = await this.locatePoint(lng, lat);
    if (!r) throw new AppError('geo.outside', { extra: { lng, lat } });
    return r;
  }
}
