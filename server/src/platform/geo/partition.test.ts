import { describe, it, expect } from 'vitest';
import { conformRings, convexHull, isConvex, makeCityOutline, partitionConvex, randomPointInRing } from './partition.js';
import { bboxToRing, centroid, isRingClosed, pointInRing, projectOntoSegment, ringArea, ringBBox } from './polygon.js';
import { createRng } from './random.js';
import type { Position, Ring } from './types.js';

const WUHAI: Position = [106.8, 39.6];
const centroidOf = (ring: Ring) => centroid({ type: 'Polygon', coordinates: [ring] });

type Edge = [Position, Position];

/** Split the rings' edges into those another ring also has (reversed) and the rest. */
function classifyEdges(rings: Ring[]): { shared: Edge[]; unshared: Edge[] } {
  const key = (a: Position, b: Position) => `${a[0]},${a[1]}|${b[0]},${b[1]}`;
  const all = rings.flatMap((ring) => ring.slice(1).map((b, i): Edge => [ring[i]!, b]));
  const keys = new Set(all.map(([a, b]) => key(a, b)));
  const shared = all.filter(([a, b]) => keys.has(key(b, a)));
  return { shared, unshared: all.filter(([a, b]) => !keys.has(key(b, a))) };
}

/** The distinct numbers of rings claiming points spread along the given edges. */
function claimCounts(rings: Ring[], edges: Edge[]): number[] {
  const counts = new Set<number>();
  for (const [a, b] of edges) {
    for (const t of [0.5, 0.1, 1 / 3, 0.77]) {
      const x = a[0] + t * (b[0] - a[0]);
      const y = a[1] + t * (b[1] - a[1]);
      counts.add(rings.filter((r) => pointInRing(x, y, r)).length);
    }
  }
  return [...counts];
}

/** Parents to tile: a plain square and irregular city outlines. */
const parents: [string, Ring][] = [
  ['unit square', bboxToRing([0, 0, 1, 1])],
  ['outline A', makeCityOutline(WUHAI, 40, createRng('outline-a'), 16)],
  ['outline B', makeCityOutline([121.47, 31.23], 3, createRng('outline-b'), 9)],
];

describe('partitionConvex', () => {
  for (const [name, parent] of parents) {
    it(`tiles ${name} exactly for n = 2..20 and several seeds`, () => {
      const parentArea = ringArea(parent);
      for (const seed of ['s1', 's2', 's3']) {
        for (let n = 2; n <= 20; n++) {
          const rng = createRng(`${name}/${seed}/${n}`);
          const cells = partitionConvex(parent, n, rng);
          expect(cells).toHaveLength(n);
          for (const cell of cells) {
            expect(isRingClosed(cell)).toBe(true);
            expect(ringArea(cell)).toBeGreaterThan(0); // counter-clockwise
            expect(isConvex(cell)).toBe(true);
          }
          const sum = cells.reduce((s, c) => s + ringArea(c), 0);
          expect(Math.abs(sum - parentArea) / parentArea).toBeLessThan(1e-9);
          let misplaced = 0; // one expect per tiling, not per point, keeps this test fast
          for (let i = 0; i < 2000; i++) {
            const [x, y] = randomPointInRing(parent, rng);
            if (cells.filter((c) => pointInRing(x, y, c)).length !== 1) misplaced++;
          }
          expect(misplaced, `${seed} n=${n}`).toBe(0);
        }
      }
    });
  }

  it('gives points on shared edges to exactly one cell', () => {
    const cells = partitionConvex(parents[1]![1], 15, createRng('edges'));
    const { shared } = classifyEdges(cells);
    expect(shared.length).toBeGreaterThan(20);
    expect(claimCounts(cells, shared)).toEqual([1]);
  });

  it('is deterministic and numbers cells north-west first', () => {
    const parent = parents[1]![1];
    const a = partitionConvex(parent, 12, createRng('order'));
    expect(partitionConvex(parent, 12, createRng('order'))).toEqual(a);
    expect(partitionConvex(parent, 12, createRng('order2'))).not.toEqual(a);
    const lats = a.map((c) => centroidOf(c)[1]);
    const mean = lats.reduce((s, y) => s + y, 0) / lats.length;
    expect(lats[0]).toBeGreaterThan(mean);
    expect(lats[lats.length - 1]).toBeLessThan(mean);
    expect(centroidOf(a[0]!)[0]).toBeLessThan(centroidOf(a[1]!)[0]); // west to east within the top band
  });

  it('partitions its own cells again (hierarchy)', () => {
    const rng = createRng('hierarchy');
    const streets = partitionConvex(parents[1]![1], 7, rng);
    for (const street of streets) {
      const communities = partitionConvex(street, 4, rng, { lloydIterations: 3 });
      const sum = communities.reduce((s, c) => s + ringArea(c), 0);
      expect(Math.abs(sum - ringArea(street)) / ringArea(street)).toBeLessThan(1e-9);
    }
  });

  it('returns the parent for n = 1 and rejects bad input', () => {
    const square = bboxToRing([0, 0, 1, 1]);
    expect(partitionConvex(square, 1, createRng('x'))).toEqual([square]);
    expect(() => partitionConvex(square, 0, createRng('x'))).toThrow(RangeError);
    const notConvex: Ring = [[0, 0], [2, 0], [1, 0.5], [2, 2], [0, 2], [0, 0]];
    expect(() => partitionConvex(notConvex, 3, createRng('x'))).toThrow(/convex/);
  });
});

describe('conformRings', () => {
  it('removes T-junctions between cells of neighbouring parents', () => {
    const outline = parents[1]![1];
    const rng = createRng('conform');
    const grids = partitionConvex(outline, 6, rng).flatMap((street) => partitionConvex(street, rng.int(5, 9), rng));
    const onOutline = ([a, b]: [Position, Position]) => {
      const mid: Position = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      return outline.slice(1).some((q, i) => projectOntoSegment(mid, outline[i]!, q).distance < 1e-9);
    };

    // Before: some edges inside the city have no twin, because the neighbour's vertices differ.
    expect(classifyEdges(grids).unshared.filter((e) => !onOutline(e)).length).toBeGreaterThan(0);

    const conformed = conformRings(grids);
    const { shared, unshared } = classifyEdges(conformed);
    expect(unshared.filter((e) => !onOutline(e))).toEqual([]);
    expect(claimCounts(conformed, shared)).toEqual([1]);
    conformed.forEach((ring, i) => {
      expect(ringArea(ring)).toBeCloseTo(ringArea(grids[i]!), 15);
      expect(isConvex(ring)).toBe(true);
    });
  });
});

describe('outlines and hulls', () => {
  it('makes a convex, closed, counter-clockwise city outline of about the given radius', () => {
    const outline = makeCityOutline(WUHAI, 40, createRng('outline'), 16);
    expect(isRingClosed(outline)).toBe(true);
    expect(isConvex(outline)).toBe(true);
    expect(ringArea(outline)).toBeGreaterThan(0);
    const [minX, minY, maxX, maxY] = ringBBox(outline);
    const heightKm = (maxY - minY) * 110.574;
    expect(heightKm).toBeGreaterThan(55);
    expect(heightKm).toBeLessThanOrEqual(80);
    expect(pointInRing(WUHAI[0], WUHAI[1], outline)).toBe(true);
    expect((maxX + minX) / 2).toBeCloseTo(WUHAI[0], 0);
  });

  it('drops interior and collinear points from the hull', () => {
    const hull = convexHull([[0, 0], [1, 0], [2, 0], [2, 2], [0, 2], [1, 1], [0.5, 1.5]]);
    expect(hull).toEqual([[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]);
  });
});
