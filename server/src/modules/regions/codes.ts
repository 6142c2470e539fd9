/**
 * Region codes. Community and above use the 12-digit statistical division code
 * (2 province, 2 city, 2 county, 3 township, 3 village); a grid is its community's code plus a
 * 3-digit sequence (15 digits), a micro-grid its grid's code plus 3 more (18 digits).
 * Because the code is hierarchical, a node's materialised path is its significant prefix.
 */
export const LEVELS = ['city', 'district', 'street', 'community', 'grid', 'microgrid'] as const;
export type Level = (typeof LEVELS)[number];

/** Significant digits of a code at each level: the prefix every descendant shares. */
export const SIGNIFICANT: Record<Level, number> = { city: 4, district: 6, street: 9, community: 12, grid: 15, microgrid: 18 };

export const LEVEL_LABEL_ZH: Record<Level, string> = {
  city: '市',
  district: '区县',
  street: '街道/乡镇',
  community: '社区/村',
  grid: '网格',
  microgrid: '微网格',
};

export interface ParsedCode {
  /** Canonical code: 12 digits for community and above, 15 for grids, 18 for micro-grids. */
  code: string;
  level: Level;
  /** Materialised path: the significant prefix. */
  path: string;
  parentCode: string | null;
}

/** Pad a significant prefix back to its canonical code. */
export function canonicalFromPath(path: string): string {
  return path.length <= 12 ? path.padEnd(12, '0') : path;
}

/**
 * Parse a region code. Short forms (4-digit city, 6-digit county, 9-digit township) are padded
 * to 12 digits. Returns null for anything that cannot be a region code.
 */
export function parseRegionCode(input: string): ParsedCode | null {
  if (!/^\d+$/.test(input)) return null;
  let code = input;
  if (code.length === 4 || code.length === 6 || code.length === 9) code = code.padEnd(12, '0');
  let level: Level;
  if (code.length === 12) {
    if (code.slice(0, 2) === '00' || code.slice(2, 4) === '00') return null;
    if (code.slice(4) === '00000000') level = 'city';
    else if (code.slice(6) === '000000') level = 'district';
    else if (code.slice(9) === '000') level = 'street';
    else level = 'community';
    // A gap (e.g. county 00 with a township) cannot be placed in the tree.
    if (level !== 'city' && code.slice(4, 6) === '00') return null;
    if (level === 'community' && code.slice(6, 9) === '000') return null;
  } else if (code.length === 15) {
    level = 'grid';
    if (code.slice(12) === '000' || !parseRegionCode(code.slice(0, 12))) return null;
    if (parseRegionCode(code.slice(0, 12))!.level !== 'community') return null;
  } else if (code.length === 18) {
    level = 'microgrid';
    if (code.slice(15) === '000' || parseRegionCode(code.slice(0, 15))?.level !== 'grid') return null;
  } else {
    return null;
  }
  const path = code.slice(0, SIGNIFICANT[level]);
  return { code, level, path, parentCode: parentOf(level, code) };
}

function parentOf(level: Level, code: string): string | null {
  switch (level) {
    case 'city':
      return null;
    case 'district':
      return code.slice(0, 4).padEnd(12, '0');
    case 'street':
      return code.slice(0, 6).padEnd(12, '0');
    case 'community':
      return code.slice(0, 9).padEnd(12, '0');
    case 'grid':
      return code.slice(0, 12);
    case 'microgrid':
      return code.slice(0, 15);
  }
}

/** The level a child of `level` has, or null for a micro-grid. Grids may also hold micro-grids. */
export function childLevel(level: Level): Level | null {
  const i = LEVELS.indexOf(level);
  return LEVELS[i + 1] ?? null;
}

/** Code of the n-th (1-based) grid of a community, or micro-grid of a grid. */
export function childCode(parent: ParsedCode, seq: number): string {
  if (parent.level !== 'community' && parent.level !== 'grid') throw new Error(`no numbered children under ${parent.level}`);
  if (!Number.isInteger(seq) || seq < 1 || seq > 999) throw new Error(`sequence out of range: ${seq}`);
  return parent.code + String(seq).padStart(3, '0');
}

/** All ancestor codes of a node, root first (not including the node). */
export function ancestorCodes(parsed: ParsedCode): string[] {
  const out: string[] = [];
  let p = parsed.parentCode;
  while (p) {
    out.unshift(p);
    p = parseRegionCode(p)?.parentCode ?? null;
  }
  return out;
}

/** Is `path` inside (or equal to) the subtree rooted at `rootPath`? */
export function pathWithin(path: string, rootPath: string): boolean {
  return path.startsWith(rootPath);
}

export type DivisionKind = 'street' | 'town' | 'township' | 'residents_committee' | 'villagers_committee' | 'other';

/**
 * Kind of a township or village node: the name decides (街道/镇/乡/苏木, 社区/居委会 vs 村/嘎查);
 * the code's conventional range (township 001-099 street, 100-199 town, 200-399 township;
 * village 001-199 residents', 200-399 villagers') only produces a warning when it disagrees,
 * because real data breaks the ranges.
 */
export function divisionKind(level: 'street' | 'community', code: string, name: string): { kind: DivisionKind; warning?: string } {
  if (level === 'street') {
    const n = Number(code.slice(6, 9));
    const byCode: DivisionKind = n < 100 ? 'street' : n < 200 ? 'town' : n < 400 ? 'township' : 'other';
    const byName: DivisionKind | null = /街道|街道办事处$/.test(name)
      ? 'street'
      : /镇$/.test(name)
        ? 'town'
        : /(乡|苏木)$/.test(name)
          ? 'township'
          : null;
    const kind = byName ?? byCode;
    return byName && byName !== byCode ? { kind, warning: `${code} ${name}: 名称表明为${byName}，但代码段为${byCode}` } : { kind };
  }
  const n = Number(code.slice(9, 12));
  const byCode: DivisionKind = n < 200 ? 'residents_committee' : n < 400 ? 'villagers_committee' : 'other';
  const byName: DivisionKind | null = /(社区|居委会|居民委员会)/.test(name)
    ? 'residents_committee'
    : /(村委会|村民委员会|嘎查|村$)/.test(name)
      ? 'villagers_committee'
      : null;
  const kind = byName ?? byCode;
  return byName && byName !== byCode ? { kind, warning: `${code} ${name}: 名称表明为${byName}，但代码段为${byCode}` } : { kind };
}
