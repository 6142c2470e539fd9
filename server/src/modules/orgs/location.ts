import { AppError, invalidField } from '../../platform/errors/index.js';
import { authorize, scopeOf, type Action, type Actor } from '../../platform/scope/index.js';
import { canonicalFromPath, LEVEL_LABEL_ZH, parseRegionCode, type Level } from '../regions/codes.js';
import { requireCode, type RegionService } from '../regions/service.js';

/** Where registry records sit in the region tree; shared by organisations, sites and party organisations. */
export interface RegionNode {
  code: string;
  name: string;
  level: Level;
  path: string;
}

export type RegionRefOf = (path: string) => { code: string; name: string; level: string };

/**
 * A region named in a request: parsed, inside the actor's scope (403 before any lookup, so an
 * outside code is refused whether it exists or not), of an allowed level, and existing.
 */
export async function regionFromCode(
  regions: RegionService,
  actor: Actor | undefined,
  action: Action,
  code: string,
  field: string,
  levels?: readonly Level[],
): Promise<RegionNode> {
  const parsed = requireCode(code, field);
  authorize(actor, action, { path: parsed.path });
  if (levels && !levels.includes(parsed.level)) {
    throw invalidField(field, 'level', {
      zh: `应为${levels.map((l) => LEVEL_LABEL_ZH[l]).join('、')}代码`,
      en: `must be a ${levels.join(' / ')} code`,
    });
  }
  const node = await regions.lookup(parsed.code);
  if (!node) throw new AppError('region.not_found', { fields: [{ field, rule: 'exists', message: { zh: '区划或网格不存在', en: 'no such region or grid' } }] });
  return node;
}

/**
 * Place a record from a region code, or else from a point (the grid, or micro-grid, containing it).
 * The code wins when both are given; the point is then only stored.
 */
export async function resolveLocation(
  regions: RegionService,
  actor: Actor | undefined,
  action: Action,
  input: { regionCode?: string | undefined; lng?: number | null | undefined; lat?: number | null | undefined },
  levels: readonly Level[],
): Promise<RegionNode> {
  if (input.regionCode) return regionFromCode(regions, actor, action, input.regionCode, 'regionCode', levels);
  const hasLng = input.lng != null;
  const hasLat = input.lat != null;
  if (hasLng !== hasLat) throw invalidField(hasLng ? 'lat' : 'lng', 'required', { zh: '经度和纬度需同时提供', en: 'lng and lat go together' });
  if (!hasLng) {
    throw invalidField('regionCode', 'required', { zh: '请指定所在网格（regionCode）或坐标（lng/lat）', en: 'give regionCode or lng/lat' });
  }
  const hit = await regions.locatePoint(input.lng!, input.lat!);
  if (!hit) throw invalidField('lng', 'outside_grids', { zh: '该坐标不在任何网格内，请直接指定所在网格', en: 'the point is outside every grid; give regionCode' });
  return regionFromCode(regions, actor, action, (hit.microgrid ?? hit.grid).code, 'lng', levels);
}

/** The subtree a list covers: the `region` filter (authorised) or the actor's whole scope. */
export async function listScope(regions: RegionService, actor: Actor | undefined, action: Action, region?: string): Promise<string> {
  if (!region) return scopeOf(actor, action);
  return (await regionFromCode(regions, actor, action, region, 'region')).path;
}

/** Names the regions of many records with one query. */
export async function regionRefs(regions: RegionService, paths: string[]): Promise<RegionRefOf> {
  const codes = [...new Set(paths)].map(canonicalFromPath);
  const byCode = new Map((await regions.namesOf(codes)).map((r) => [r.code, r]));
  return (path) => {
    const code = canonicalFromPath(path);
    const r = byCode.get(code);
    return r ?? { code, name: code, level: parseRegionCode(code)?.level ?? '' };
  };
}

/** Trimmed text, or null for blank: blank strings never count as a guidance officer or address. */
export function blankToNull(s: string | null | undefined): string | null {
  const t = s?.trim();
  return t ? t : null;
}
