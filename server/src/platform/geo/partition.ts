import Flatbush from 'flatbush';
import {
  centroid,
  clipConvexByHalfPlane,
  closeRing,
  openRing,
  pointInRing,
  projectOntoSegment,
  ringBBox,
  toCounterClockwise,
} from './polygon.js';
import type { Rng } from './random.js';
import type { Position, Ring } from './types.js';

const DEG = Math.PI / 180;
const KM_PER_DEG_LAT = 110.574;
const KM_PER_DEG_LNG_AT_EQUATOR = 111.32;

export interface PartitionOptions {
  /** Lloyd relaxation rounds (seeds move to cell centroids); more rounds give rounder, more even cells. Default 2. */
  lloydIterations?: number;
  /**
   * Factor applied to x differences when measuring distance. Defaults to cos(mid-latitude)
   * so that, for lng/lat input, cells are compact on the ground rather than in degrees.
   */
  xScale?: number;
}

/** Rejection sampling in the ring's bounding box; fine for the compact shapes we generate. */
export function randomPointInRing(ring: Ring, rng: Rng, maxTries = 10_000): Position {
  const [minX, minY, maxX, maxY] = ringBBox(ring);
  for (let i = 0; i < maxTries; i++) {
    const x = rng.float(minX, maxX);
    const y = rng.float(minY, maxY);
    if (pointInRing(x, y, ring)) return [x, y];
  }
  throw new Error(`randomPointInRing: no interior point found in ${maxTries} tries (degenerate ring?)`);
}

/** Convex hull (Andrew's monotone chain) as a closed counter-clockwise ring; collinear points dropped. */
export function convexHull(points: readonly Position[]): Ring {
  const pts = points.slice().sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  if (pts.length < 3) return closeRing(pts);
  const cross = (o: Position, a: Position, b: Position) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const chain = (seq: Position[]) => {
    const out: Position[] = [];
    for (const p of seq) {
      while (out.length >= 2 && cross(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop(); // the last point starts the other chain
    return out;
  };
  return closeRing([...chain(pts), ...chain(pts.slice().reverse())]);
}

/**
 * Whether the ring turns the same way at every vertex. The tolerance (on the sine of
 * the turn angle) accepts the float noise left in the cells partitionConvex returns,
 * so those can be partitioned again.
 */
export function isConvex(ring: readonly Position[], tolerance = 1e-9): boolean {
  const pts = openRing(ring);
  const n = pts.length;
  if (n < 3) return false;
  let sign = 0;
  for (let i = 0; i < n; i++) {
    const a = pts[i]!;
    const b = pts[(i + 1) % n]!;
    const c = pts[(i + 2) % n]!;
    const ux = b[0] - a[0];
    const uy = b[1] - a[1];
    const vx = c[0] - b[0];
    const vy = c[1] - b[1];
    const sine = (ux * vy - uy * vx) / (Math.hypot(ux, uy) * Math.hypot(vx, vy) || 1);
    if (Math.abs(sine) <= tolerance) continue;
    if (sign === 0) sign = Math.sign(sine);
    else if (Math.sign(sine) !== sign) return false;
  }
  return sign !== 0;
}

/**
 * An irregular convex outline of roughly `radiusKm` around `center`: `vertices` points at
 * jittered angles and radii, then their hull. Gives a demo city something to subdivide.
 */
export function makeCityOutline(center: Position, radiusKm: number, rng: Rng, vertices = 16): Ring {
  const [lng, lat] = center;
  const kmPerDegLng = KM_PER_DEG_LNG_AT_EQUATOR * Math.cos(lat * DEG);
  const points: Position[] = [];
  for (let k = 0; k < vertices; k++) {
    // Angle jitter below half a step keeps the points in angular order, so the hull keeps most of them.
    const angle = ((k + rng.float(-0.35, 0.35)) / vertices) * 2 * Math.PI;
    const r = radiusKm * rng.float(0.75, 1);
    points.push([lng + (r * Math.cos(angle)) / kmPerDegLng, lat + (r * Math.sin(angle)) / KM_PER_DEG_LAT]);
  }
  return convexHull(points);
}

/**
 * Split a convex polygon into `n` convex cells that tile it exactly: random seeds, their
 * Voronoi cells (the parent clipped by the perpendicular bisector against every other
 * seed), a few Lloyd rounds, then vertex snapping so neighbours share bit-identical
 * vertices (which the half-open point-in-polygon rule needs to split edges cleanly).
 * Cells of different parents do not share vertices along the parents' common edge; run
 * conformRings over the finest level of a hierarchy before indexing it.
 * Cells are closed, counter-clockwise and ordered north-west first (latitude bands from
 * north to south, west to east within a band), so sequential numbering reads naturally.
 */
export function partitionConvex(polygon: Ring, n: number, rng: Rng, opts: PartitionOptions = {}): Ring[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`partitionConvex: n must be a positive integer, got ${n}`);
  const parent = toCounterClockwise(closeRing(polygon));
  if (!isConvex(parent)) throw new RangeError('partitionConvex: polygon must be convex');
  if (n === 1) return [parent];

  const [minX, minY, maxX, maxY] = ringBBox(parent);
  const xScale = opts.xScale ?? Math.cos(((minY + maxY) / 2) * DEG);
  let seeds = sampleSeeds(parent, n, rng);
  let cells = voronoiCells(parent, seeds, xScale);
  for (let k = 0; k < (opts.lloydIterations ?? 2); k++) {
    seeds = cells.map((cell) => centroid({ type: 'Polygon', coordinates: [cell] }));
    cells = voronoiCells(parent, seeds, xScale);
  }
  const tol = 1e-9 * Math.max(maxX - minX, maxY - minY);
  // Parent first, so its vertices become the representatives the cells snap to.
  const snapped = snapVertices([openRing(parent), ...cells.map((cell) => openRing(cell))], tol).slice(1);
  return sortNorthWestFirst(snapped.map((cell) => toCounterClockwise(finishRing(cell))), xScale);
}

/** n distinct interior points (coincident seeds would have no bisector). */
function sampleSeeds(parent: Ring, n: number, rng: Rng): Position[] {
  const seen = new Set<string>();
  const seeds: Position[] = [];
  while (seeds.length < n) {
    const p = randomPointInRing(parent, rng);
    const key = `${p[0]},${p[1]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    seeds.push(p);
  }
  return seeds;
}

function voronoiCells(parent: Ring, seeds: Position[], xScale: number): Ring[] {
  const k2 = xScale * xScale;
  const dist2 = (p: Position, q: Position) => k2 * (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2;
  return seeds.map((p, i) => {
    // Nearest seeds first: they shrink the cell fastest, so later clips touch few vertices.
    const others = seeds.filter((_, j) => j !== i).sort((q, r) => dist2(p, q) - dist2(p, r));
    let cell = parent;
    for (const q of others) {
      // Keep points nearer p than q. Built from the difference and the midpoint so that
      // q's half-plane is the exact negation of p's and both clip along the same line.
      const a = k2 * (q[0] - p[0]);
      const b = q[1] - p[1];
      const c = a * ((p[0] + q[0]) / 2) + b * ((p[1] + q[1]) / 2);
      cell = clipConvexByHalfPlane(cell, a, b, c);
    }
    return cell;
  });
}

/**
 * Merge vertices closer than `tol` to one representative (earlier rings win ties),
 * so rounding differences between independently computed neighbours disappear.
 * Takes and returns open vertex lists of the same shape.
 */
function snapVertices(rings: Position[][], tol: number): Position[][] {
  const snapped = rings.map((ring) => ring.slice());
  const refs = rings.flatMap((ring, r) => ring.map((p, v) => ({ r, v, p, done: false })));
  refs.sort((s, t) => s.p[0] - t.p[0]); // stable: earlier rings stay ahead on equal x
  for (let i = 0; i < refs.length; i++) {
    const rep = refs[i]!;
    if (rep.done) continue;
    for (let j = i + 1; j < refs.length && refs[j]!.p[0] - rep.p[0] <= tol; j++) {
      const q = refs[j]!;
      if (!q.done && Math.abs(q.p[1] - rep.p[1]) <= tol) {
        q.done = true;
        snapped[q.r]![q.v] = rep.p;
      }
    }
  }
  return snapped;
}

/** Open vertex list → closed ring without repeated vertices. */
function finishRing(vertices: Position[]): Ring {
  const out: Position[] = [];
  for (const p of vertices) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push([p[0], p[1]]);
  }
  return closeRing(out);
}

/**
 * Make rings that tile an area share their boundaries vertex for vertex: snap vertices
 * within `tolerance` (degrees) together, then insert into each edge every other ring's
 * vertex lying on it. Needed after partitioning level by level: cells of neighbouring
 * parents meet along the parents' common edge at different points (T-junctions), and the
 * half-open point-in-polygon rule only splits an edge cleanly when both sides share it
 * exactly. Ring order and orientation are kept.
 */
export function conformRings(rings: readonly Ring[], tolerance = 1e-9): Ring[] {
  const open = snapVertices(rings.map((ring) => openRing(ring)), tolerance);
  const unique = new Map<string, Position>();
  for (const ring of open) for (const p of ring) unique.set(`${p[0]},${p[1]}`, p);
  const vertices = [...unique.values()];
  if (vertices.length === 0) return rings.map((ring) => closeRing(ring));
  const tree = new Flatbush(vertices.length);
  for (const [x, y] of vertices) tree.add(x, y, x, y);
  tree.finish();
  return open.map((ring) => {
    const out: Position[] = [];
    ring.forEach((a, i) => {
      const b = ring[(i + 1) % ring.length]!;
      out.push(a);
      const onEdge = tree
        .search(Math.min(a[0], b[0]) - tolerance, Math.min(a[1], b[1]) - tolerance, Math.max(a[0], b[0]) + tolerance, Math.max(a[1], b[1]) + tolerance)
        .map((k) => ({ p: vertices[k]!, ...projectOntoSegment(vertices[k]!, a, b) }))
        .filter(({ t, distance }) => t > 0 && t < 1 && distance <= tolerance)
        .sort((u, w) => u.t - w.t);
      for (const { p } of onEdge) out.push(p);
    });
    return finishRing(out);
  });
}

/** Bands of roughly square ground shape, north to south; west to east inside a band. */
function sortNorthWestFirst(cells: Ring[], xScale: number): Ring[] {
  const keyed = cells.map((cell) => ({ cell, c: centroid({ type: 'Polygon', coordinates: [cell] }) }));
  const minY = Math.min(...keyed.map((k) => k.c[1]));
  const maxY = Math.max(...keyed.map((k) => k.c[1]));
  const width = (Math.max(...keyed.map((k) => k.c[0])) - Math.min(...keyed.map((k) => k.c[0]))) * xScale;
  const height = maxY - minY;
  const bands = Math.max(1, Math.round(Math.sqrt((cells.length * height) / (width || height || 1))));
  const bandOf = (y: number) => (height > 0 ? Math.min(bands - 1, Math.floor(((maxY - y) / height) * bands)) : 0);
  return keyed
    .map((k) => ({ ...k, band: bandOf(k.c[1]) }))
    .sort((s, t) => s.band - t.band || s.c[0] - t.c[0] || t.c[1] - s.c[1])
    .map((k) => k.cell);
}
