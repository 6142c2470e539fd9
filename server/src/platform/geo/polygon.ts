import type { BBox, PolygonalGeometry, Position, Ring } from './types.js';

/** IUGG mean Earth radius in metres; on a sphere this keeps city areas within ~0.2% of the ellipsoid. */
export const EARTH_RADIUS_M = 6371008.8;

const DEG = Math.PI / 180;

// ---------------------------------------------------------------------------
// Rings and bounding boxes
// ---------------------------------------------------------------------------

/** The polygons of a geometry as ring lists, so callers need not branch on the type. */
export function polygonsOf(geometry: PolygonalGeometry): Ring[][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

export function isRingClosed(ring: readonly Position[]): boolean {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
}

/** A closed copy of the ring (appends the first position when missing). */
export function closeRing(ring: readonly Position[]): Ring {
  const out = ring.map((p): Position => [p[0], p[1]]);
  const first = out[0];
  if (first !== undefined && !isRingClosed(out)) out.push([first[0], first[1]]);
  return out;
}

/** The ring's distinct vertices: the closing duplicate is dropped (internal algorithms work on open lists). */
export function openRing(ring: readonly Position[]): Position[] {
  return isRingClosed(ring) && ring.length > 1 ? ring.slice(0, -1) : ring.slice();
}

export function emptyBBox(): BBox {
  return [Infinity, Infinity, -Infinity, -Infinity];
}

export function extendBBox(box: BBox, ring: readonly Position[]): BBox {
  for (const [x, y] of ring) {
    if (x < box[0]) box[0] = x;
    if (y < box[1]) box[1] = y;
    if (x > box[2]) box[2] = x;
    if (y > box[3]) box[3] = y;
  }
  return box;
}

export function ringBBox(ring: readonly Position[]): BBox {
  return extendBBox(emptyBBox(), ring);
}

/** The box as a closed counter-clockwise ring. */
export function bboxToRing([minX, minY, maxX, maxY]: BBox): Ring {
  return [
    [minX, minY],
    [maxX, minY],
    [maxX, maxY],
    [minX, maxY],
    [minX, minY],
  ];
}

/** Bounding box of a geometry (outer rings suffice: holes lie inside them). */
export function bboxOf(geometry: PolygonalGeometry): BBox {
  const box = emptyBBox();
  for (const rings of polygonsOf(geometry)) if (rings[0]) extendBBox(box, rings[0]);
  return box;
}

// ---------------------------------------------------------------------------
// Point in polygon
// ---------------------------------------------------------------------------

/**
 * Whether the rightward ray from (x, y) crosses edge a–b under the half-open rule
 * (an edge owns its lower endpoint, not its upper one). The edge is first oriented
 * bottom-to-top so the two cells sharing it compute bit-identical answers; that is
 * what makes a point on a shared edge belong to exactly one of them.
 */
function crossesRay(ax: number, ay: number, bx: number, by: number, x: number, y: number): boolean {
  if (ay > y === by > y) return false;
  if (ay > by) return (ax - bx) * (y - by) - (x - bx) * (ay - by) > 0;
  return (bx - ax) * (y - ay) - (x - ax) * (by - ay) > 0;
}

/** Even-odd test against one ring (open or closed). Boundary points follow the half-open rule. */
export function pointInRing(lng: number, lat: number, ring: readonly Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j]!;
    const b = ring[i]!;
    if (crossesRay(a[0], a[1], b[0], b[1], lng, lat)) inside = !inside;
  }
  return inside;
}

/** Outer ring plus holes: parity over all rings, so a hole's edge splits like any shared edge. */
export function pointInPolygonRings(lng: number, lat: number, rings: readonly Ring[]): boolean {
  let inside = false;
  for (const ring of rings) if (pointInRing(lng, lat, ring)) inside = !inside;
  return inside;
}

export function pointInGeometry(lng: number, lat: number, geometry: PolygonalGeometry): boolean {
  for (const rings of polygonsOf(geometry)) if (pointInPolygonRings(lng, lat, rings)) return true;
  return false;
}

// ---------------------------------------------------------------------------
// Area and centroid
// ---------------------------------------------------------------------------

/**
 * Signed planar area in square degrees, positive when counter-clockwise.
 * Coordinates are taken relative to the first vertex to avoid cancellation at lng ≈ 100.
 */
export function ringArea(ring: readonly Position[]): number {
  const first = ring[0];
  if (!first || ring.length < 3) return 0;
  const [x0, y0] = first;
  let sum = 0;
  for (let i = 1; i + 1 < ring.length; i++) {
    const p = ring[i]!;
    const q = ring[i + 1]!;
    sum += (p[0] - x0) * (q[1] - y0) - (q[0] - x0) * (p[1] - y0);
  }
  return sum / 2;
}

export function isCounterClockwise(ring: readonly Position[]): boolean {
  return ringArea(ring) > 0;
}

/** The ring reoriented counter-clockwise (as RFC 7946 recommends for outer rings). */
export function toCounterClockwise(ring: Ring): Ring {
  return ringArea(ring) < 0 ? ring.slice().reverse() : ring;
}

/**
 * Unsigned area of a ring on the sphere in m² (Chamberlain & Duquette, the formula
 * turf and d3 use). The constant term of the textbook version sums to zero over a
 * closed ring that does not cross the antimeridian, so it is left out for precision.
 */
function ringAreaSphere(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j]!;
    const b = ring[i]!;
    sum += (b[0] - a[0]) * DEG * (Math.sin(a[1] * DEG) + Math.sin(b[1] * DEG));
  }
  return Math.abs((sum * EARTH_RADIUS_M * EARTH_RADIUS_M) / 2);
}

/** Area in m² on the sphere: outer rings minus holes. */
export function areaM2(geometry: PolygonalGeometry): number {
  let total = 0;
  for (const rings of polygonsOf(geometry)) {
    rings.forEach((ring, r) => {
      total += r === 0 ? ringAreaSphere(ring) : -ringAreaSphere(ring);
    });
  }
  return total;
}

/**
 * Area-weighted planar centroid in lng/lat (fine at city scale). Degenerate
 * (zero-area) input falls back to the mean of the outer vertices.
 */
export function centroid(geometry: PolygonalGeometry): Position {
  const polygons = polygonsOf(geometry);
  const origin = polygons[0]?.[0]?.[0];
  if (!origin) return [NaN, NaN];
  const [x0, y0] = origin;
  let area = 0;
  let mx = 0;
  let my = 0;
  for (const rings of polygons) {
    rings.forEach((ring, r) => {
      let a = 0;
      let cx = 0;
      let cy = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const px = ring[j]![0] - x0;
        const py = ring[j]![1] - y0;
        const qx = ring[i]![0] - x0;
        const qy = ring[i]![1] - y0;
        const cross = px * qy - qx * py;
        a += cross;
        cx += (px + qx) * cross;
        cy += (py + qy) * cross;
      }
      // Outer rings add, holes subtract, whatever their winding.
      const sign = (r === 0 ? 1 : -1) * (a < 0 ? -1 : 1);
      area += (sign * a) / 2;
      mx += (sign * cx) / 6;
      my += (sign * cy) / 6;
    });
  }
  if (Math.abs(area) > 0) return [x0 + mx / area, y0 + my / area];
  const outer = openRing(polygons[0]![0]!);
  const sum = outer.reduce((s, p) => [s[0] + p[0], s[1] + p[1]], [0, 0]);
  return [sum[0] / outer.length, sum[1] / outer.length];
}

/**
 * Where p projects onto segment a–b: parameter t (0 at a, 1 at b, unclamped) and the
 * planar distance from p to the segment's line, in the input units.
 */
export function projectOntoSegment(p: Position, a: Position, b: Position): { t: number; distance: number } {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return { t: 0, distance: Math.hypot(p[0] - a[0], p[1] - a[1]) };
  const px = p[0] - a[0];
  const py = p[1] - a[1];
  return { t: (px * dx + py * dy) / len2, distance: Math.abs(dx * py - dy * px) / Math.sqrt(len2) };
}

// ---------------------------------------------------------------------------
// Clipping
// ---------------------------------------------------------------------------

/** Point where segment p–q meets the line, given signed distances dp, dq of opposite sign. */
function lineCrossing(p: Position, q: Position, dp: number, dq: number): Position {
  // Interpolate from a canonical endpoint so a neighbour clipping the same edge in the
  // opposite direction lands on the same coordinates.
  if (p[0] > q[0] || (p[0] === q[0] && p[1] > q[1])) return lineCrossing(q, p, dq, dp);
  const t = dp / (dp - dq);
  return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
}

/**
 * Sutherland–Hodgman clip of a ring to the half-plane a·x + b·y ≤ c. Returns a closed
 * ring, or [] when nothing (or only a degenerate sliver) remains. Exact for convex input.
 */
export function clipConvexByHalfPlane(ring: readonly Position[], a: number, b: number, c: number): Ring {
  const pts = openRing(ring);
  const out: Position[] = [];
  let prev = pts[pts.length - 1];
  if (!prev) return [];
  let dPrev = a * prev[0] + b * prev[1] - c;
  for (const cur of pts) {
    const dCur = a * cur[0] + b * cur[1] - c;
    // Points on the line count as inside; a crossing is emitted only for a strict sign change.
    if ((dPrev < 0 && dCur > 0) || (dPrev > 0 && dCur < 0)) out.push(lineCrossing(prev, cur, dPrev, dCur));
    if (dCur <= 0) out.push([cur[0], cur[1]]);
    prev = cur;
    dPrev = dCur;
  }
  return out.length >= 3 ? closeRing(out) : [];
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

/** One problem found in a submitted geometry; `field` is a path such as `geometry.coordinates[0][3]`. */
export interface GeometryIssue {
  field: string;
  /** Machine-readable rule: type, required, position, finite, lng_range, lat_range, min_positions, closed, self_intersection, zero_area. */
  rule: string;
  message_zh: string;
  message_en: string;
}

/** Cap so a garbage 100k-vertex upload yields a readable answer, not a 100k-line one. */
const MAX_ISSUES = 20;
/** Below this (square degrees, ≈ 1e-4 m²) a ring is treated as having no area. */
const MIN_RING_AREA_DEG2 = 1e-14;

type AddIssue = (field: string, rule: string, zh: string, en: string) => void;

/**
 * Structural and topological checks for a region boundary: type, closed rings of ≥ 4
 * finite in-range positions, no self-intersecting ring, non-zero area. Returns [] when valid.
 * Does not check rings against each other (holes crossing the shell).
 */
export function validateGeometry(geometry: unknown, path = 'geometry'): GeometryIssue[] {
  const issues: GeometryIssue[] = [];
  const add: AddIssue = (field, rule, zh, en) => {
    if (issues.length < MAX_ISSUES) issues.push({ field, rule, message_zh: zh, message_en: en });
  };
  if (typeof geometry !== 'object' || geometry === null || Array.isArray(geometry)) {
    add(path, 'type', '几何必须是 GeoJSON 对象', 'geometry must be a GeoJSON object');
    return issues;
  }
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    add(`${path}.type`, 'type', `几何类型必须是 Polygon 或 MultiPolygon（实际为 ${String(type)}）`, `geometry type must be Polygon or MultiPolygon (got ${String(type)})`);
    return issues;
  }
  const coordsPath = `${path}.coordinates`;
  if (!isNonEmptyArray(coordinates)) {
    add(coordsPath, 'required', '坐标不能为空', 'coordinates must be a non-empty array');
    return issues;
  }
  if (type === 'Polygon') {
    validatePolygonRings(coordinates, coordsPath, add);
  } else {
    coordinates.forEach((rings, p) => {
      if (isNonEmptyArray(rings)) validatePolygonRings(rings, `${coordsPath}[${p}]`, add);
      else add(`${coordsPath}[${p}]`, 'required', '多边形必须包含至少一个环', 'polygon must contain at least one ring');
    });
  }
  return issues;
}

function isNonEmptyArray(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.length > 0;
}

function validatePolygonRings(rings: unknown[], path: string, add: AddIssue): void {
  rings.forEach((raw, r) => {
    const ringPath = `${path}[${r}]`;
    const ring = checkRingStructure(raw, ringPath, add);
    if (!ring) return;
    const edges = findSelfIntersection(distinctVertices(ring));
    if (edges) {
      add(ringPath, 'self_intersection', `边界自相交（第 ${edges[0]} 条边与第 ${edges[1]} 条边）`, `ring intersects itself (edges ${edges[0]} and ${edges[1]})`);
    } else if (Math.abs(ringArea(ring)) <= MIN_RING_AREA_DEG2) {
      add(ringPath, 'zero_area', '环的面积为零', 'ring has zero area');
    }
  });
}

/** Checks one ring's shape and positions; returns it typed when sound, else null after reporting. */
function checkRingStructure(raw: unknown, path: string, add: AddIssue): Ring | null {
  if (!Array.isArray(raw)) {
    add(path, 'type', '环必须是坐标数组', 'ring must be an array of positions');
    return null;
  }
  let ok = true;
  for (let k = 0; k < raw.length; k++) {
    if (!checkPosition(raw[k], `${path}[${k}]`, add)) {
      ok = false;
      break; // one bad position per ring is enough to act on
    }
  }
  if (raw.length < 4) {
    add(path, 'min_positions', `环至少需要 4 个坐标点（实际 ${raw.length} 个）`, `ring must have at least 4 positions (has ${raw.length})`);
    ok = false;
  }
  if (ok && !isRingClosed(raw as Ring)) {
    add(path, 'closed', '环未闭合：首尾坐标必须相同', 'ring is not closed: first and last positions must be equal');
    ok = false;
  }
  return ok ? (raw as Ring) : null;
}

function checkPosition(pos: unknown, path: string, add: AddIssue): boolean {
  if (!Array.isArray(pos) || pos.length < 2 || pos.length > 3) {
    add(path, 'position', '坐标点必须是 [经度, 纬度]', 'position must be [longitude, latitude]');
    return false;
  }
  if (!pos.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    add(path, 'finite', '坐标必须是有限数值', 'coordinates must be finite numbers');
    return false;
  }
  const [lng, lat] = pos as number[];
  if (lng! < -180 || lng! > 180) {
    add(path, 'lng_range', `经度 ${lng} 超出 [-180, 180]`, `longitude ${lng} is outside [-180, 180]`);
    return false;
  }
  if (lat! < -90 || lat! > 90) {
    add(path, 'lat_range', `纬度 ${lat} 超出 [-90, 90]`, `latitude ${lat} is outside [-90, 90]`);
    return false;
  }
  return true;
}

/** Open vertex list without consecutive repeats, which real-world data often contains. */
function distinctVertices(ring: Ring): Position[] {
  const out: Position[] = [];
  for (const p of openRing(ring)) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first![0] === last![0] && first![1] === last![1]) out.pop();
  return out;
}

function orient(a: Position, b: Position, c: Position): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/** c is collinear with a–b (orient = 0) and within its bounding box. */
function onSegment(a: Position, b: Position, c: Position): boolean {
  return (
    Math.min(a[0], b[0]) <= c[0] && c[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= c[1] && c[1] <= Math.max(a[1], b[1])
  );
}

/** Closed-segment intersection, touching and collinear overlap included. */
function segmentsIntersect(p1: Position, p2: Position, p3: Position, p4: Position): boolean {
  const d1 = orient(p3, p4, p1);
  const d2 = orient(p3, p4, p2);
  const d3 = orient(p1, p2, p3);
  const d4 = orient(p1, p2, p4);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (
    (d1 === 0 && onSegment(p3, p4, p1)) ||
    (d2 === 0 && onSegment(p3, p4, p2)) ||
    (d3 === 0 && onSegment(p1, p2, p3)) ||
    (d4 === 0 && onSegment(p1, p2, p4))
  );
}

/**
 * First pair of intersecting non-adjacent edges (edge i runs from vertex i to i+1), or
 * adjacent edges that fold back over each other. Edges are swept in order of min x,
 * so typical rings cost far less than the O(n²) worst case.
 */
function findSelfIntersection(pts: Position[]): [number, number] | null {
  const n = pts.length;
  if (n < 3) return null;
  const start = (i: number) => pts[i]!;
  const end = (i: number) => pts[(i + 1) % n]!;
  const minX = (i: number) => Math.min(start(i)[0], end(i)[0]);
  const maxX = (i: number) => Math.max(start(i)[0], end(i)[0]);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => minX(i) - minX(j));
  for (let oi = 0; oi < n; oi++) {
    const i = order[oi]!;
    const iMaxX = maxX(i);
    for (let oj = oi + 1; oj < n && minX(order[oj]!) <= iMaxX; oj++) {
      const j = order[oj]!;
      const [lo, hi] = i < j ? [i, j] : [j, i];
      let hit: boolean;
      if (hi === lo + 1 || (lo === 0 && hi === n - 1)) {
        // Adjacent: they share a vertex; only a fold-back (collinear, pointing the same way) counts.
        const [a, shared, b] = hi === lo + 1 ? [start(lo), end(lo), end(hi)] : [start(hi), start(lo), end(lo)];
        hit = n > 3 && orient(a, shared, b) === 0 && (a[0] - shared[0]) * (b[0] - shared[0]) + (a[1] - shared[1]) * (b[1] - shared[1]) > 0;
      } else {
        hit = segmentsIntersect(start(i), end(i), start(j), end(j));
      }
      if (hit) return [lo, hi];
    }
  }
  return null;
}
