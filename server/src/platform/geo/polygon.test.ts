import { describe, it, expect } from 'vitest';
import {
  areaM2,
  bboxOf,
  bboxToRing,
  centroid,
  clipConvexByHalfPlane,
  closeRing,
  pointInGeometry,
  pointInRing,
  ringArea,
  validateGeometry,
} from './polygon.js';
import type { MultiPolygon, Polygon, Position, Ring } from './types.js';

const square = (x0: number, y0: number, x1: number, y1: number): Ring => bboxToRing([x0, y0, x1, y1]);
const poly = (...rings: Ring[]): Polygon => ({ type: 'Polygon', coordinates: rings });

describe('point in polygon', () => {
  const withHole = poly(square(0, 0, 10, 10), square(4, 4, 6, 6).reverse());

  it('handles holes', () => {
    expect(pointInGeometry(1, 1, withHole)).toBe(true);
    expect(pointInGeometry(5, 5, withHole)).toBe(false);
    expect(pointInGeometry(3.9, 5, withHole)).toBe(true);
    expect(pointInGeometry(11, 5, withHole)).toBe(false);
  });

  it('handles multipolygons', () => {
    const mp: MultiPolygon = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [square(5, 5, 6, 6)]] };
    expect(pointInGeometry(0.5, 0.5, mp)).toBe(true);
    expect(pointInGeometry(5.5, 5.5, mp)).toBe(true);
    expect(pointInGeometry(3, 3, mp)).toBe(false);
  });

  it('accepts open rings too', () => {
    expect(pointInRing(0.5, 0.5, square(0, 0, 1, 1).slice(0, -1))).toBe(true);
  });

  it('gives every point on a shared edge to exactly one neighbour', () => {
    // A 2×2 block of squares, a hole filled by its own cell, and two triangles on a diagonal,
    // with the rings wound in both directions.
    const cells: Polygon[] = [
      poly(square(0, 0, 1, 1)),
      poly(square(1, 0, 2, 1).reverse()),
      poly(square(0, 1, 1, 2)),
      poly(square(1, 1, 2, 2)),
    ];
    const tris: Polygon[] = [
      poly([[3, 0], [4.3, 0.7], [3.1, 1.9], [3, 0]]),
      poly([[3, 0], [4.3, 0.7], [5, 0], [3, 0]]), // clockwise
    ];
    const ring = poly(square(10, 10, 20, 20), square(12, 13, 17, 18));
    const plug = poly(square(12, 13, 17, 18));
    const claimants = (x: number, y: number, set: Polygon[]) => set.filter((g) => pointInGeometry(x, y, g)).length;

    for (const t of [0.1, 0.25, 0.5, 1 / 3, 0.9]) {
      expect(claimants(1, t, cells)).toBe(1); // vertical shared edge
      expect(claimants(t, 1, cells)).toBe(1); // horizontal shared edge
      expect(claimants(1 + t, 1, cells)).toBe(1);
      // Along the diagonals, computed points sit a rounding error to either side of the line.
      expect(claimants(3 + 1.3 * t, 0.7 * t, tris)).toBe(1);
      expect(claimants(12 + 5 * t, 13, [ring, plug])).toBe(1); // hole edge vs the cell filling it
      expect(claimants(12, 13 + 5 * t, [ring, plug])).toBe(1);
    }
    expect(claimants(1, 1, cells)).toBe(1); // the shared corner
  });
});

describe('area and centroid', () => {
  it('signs planar ring area by orientation', () => {
    expect(ringArea(square(0, 0, 2, 3))).toBe(6);
    expect(ringArea(square(0, 0, 2, 3).reverse())).toBe(-6);
  });

  it('matches the WGS-84 ellipsoid to well under 1% at city scale', () => {
    // Ellipsoidal area of a small lat/lng box ≈ M·N·cos φ·Δφ·Δλ at its centre.
    const a = 6378137;
    const e2 = 0.00669437999014;
    const box = square(106.8, 39.6, 106.83, 39.62);
    const phi = (39.61 * Math.PI) / 180;
    const w = 1 - e2 * Math.sin(phi) ** 2;
    const m = (a * (1 - e2)) / w ** 1.5;
    const n = a / Math.sqrt(w);
    const rad = Math.PI / 180;
    const expected = m * n * Math.cos(phi) * (0.02 * rad) * (0.03 * rad);
    const got = areaM2(poly(box));
    expect(Math.abs(got - expected) / expected).toBeLessThan(0.005);
    // Holes subtract, orientation does not matter.
    expect(areaM2(poly(box.slice().reverse(), square(106.81, 39.605, 106.82, 39.615)))).toBeLessThan(got);
  });

  it('weights centroids by area and subtracts holes', () => {
    expect(centroid(poly(square(0, 0, 2, 4)))).toEqual([1, 2]);
    const [x] = centroid(poly(square(0, 0, 4, 4), square(2, 0.5, 3.5, 3.5)));
    expect(x).toBeLessThan(2);
    const mp: MultiPolygon = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [square(2, 0, 3, 1)]] };
    const c = centroid(mp);
    expect(c[0]).toBeCloseTo(1.5, 12);
    expect(c[1]).toBeCloseTo(0.5, 12);
  });

  it('computes bounding boxes', () => {
    const mp: MultiPolygon = { type: 'MultiPolygon', coordinates: [[square(0, 1, 1, 2)], [square(5, -3, 6, 0)]] };
    expect(bboxOf(mp)).toEqual([0, -3, 6, 2]);
  });
});

describe('clipConvexByHalfPlane', () => {
  const unit = square(0, 0, 1, 1);

  it('keeps a·x + b·y ≤ c', () => {
    const left = clipConvexByHalfPlane(unit, 1, 0, 0.25);
    expect(ringArea(left)).toBeCloseTo(0.25, 15);
    expect(left[0]).toEqual(left[left.length - 1]);
    expect(left.every(([x]) => x <= 0.25)).toBe(true);
    const corner = clipConvexByHalfPlane(unit, -1, -1, -1.5); // x + y ≥ 1.5
    expect(ringArea(corner)).toBeCloseTo(0.125, 15);
  });

  it('returns the ring or nothing when the line misses it', () => {
    expect(ringArea(clipConvexByHalfPlane(unit, 1, 0, 5))).toBe(1);
    expect(clipConvexByHalfPlane(unit, 1, 0, -5)).toEqual([]);
    expect(clipConvexByHalfPlane(unit, 1, 0, 0)).toEqual([]); // only an edge left
  });
});

describe('closeRing', () => {
  it('closes open rings and copies closed ones', () => {
    const open: Position[] = [
      [0, 0],
      [1, 0],
      [1, 1],
    ];
    expect(closeRing(open)).toEqual([...open, [0, 0]]);
    const closed = square(0, 0, 1, 1);
    expect(closeRing(closed)).toEqual(closed);
    expect(closeRing(closed)).not.toBe(closed);
  });
});

describe('validateGeometry', () => {
  const fields = (g: unknown) => validateGeometry(g).map((i) => [i.field, i.rule]);

  it('accepts valid polygons and multipolygons, repeated points included', () => {
    expect(validateGeometry(poly(square(106, 39, 107, 40)))).toEqual([]);
    const dup: Ring = [[0, 0], [1, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
    expect(validateGeometry(poly(dup))).toEqual([]);
    expect(validateGeometry({ type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [square(2, 2, 3, 3)]] })).toEqual([]);
  });

  it('rejects wrong types', () => {
    expect(fields({ type: 'Point', coordinates: [1, 2] })).toEqual([['geometry.type', 'type']]);
    expect(fields(null)).toEqual([['geometry', 'type']]);
    expect(fields({ type: 'Polygon' })).toEqual([['geometry.coordinates', 'required']]);
  });

  it('rejects an open ring', () => {
    expect(fields(poly([[0, 0], [1, 0], [1, 1], [0, 1]]))).toEqual([['geometry.coordinates[0]', 'closed']]);
  });

  it('rejects too few positions', () => {
    expect(fields(poly([[0, 0], [1, 0], [0, 0]]))).toEqual([['geometry.coordinates[0]', 'min_positions']]);
  });

  it('rejects a bowtie', () => {
    const issues = validateGeometry(poly([[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]));
    expect(issues.map((i) => [i.field, i.rule])).toEqual([['geometry.coordinates[0]', 'self_intersection']]);
    expect(issues[0]!.message_zh).toContain('自相交');
    expect(issues[0]!.message_en).toContain('intersects itself');
  });

  it('rejects a spike that folds back on itself', () => {
    expect(fields(poly([[0, 0], [2, 0], [2, 2], [2, 3], [2, 1], [0, 2], [0, 0]]))).toEqual([['geometry.coordinates[0]', 'self_intersection']]);
  });

  it('names the offending position for bad numbers', () => {
    expect(fields(poly([[0, 0], [1, 0], [1, 95], [0, 0]]))).toEqual([['geometry.coordinates[0][2]', 'lat_range']]);
    expect(fields(poly([[0, 0], [181, 0], [1, 1], [0, 0]]))).toEqual([['geometry.coordinates[0][1]', 'lng_range']]);
    expect(fields(poly([[0, 0], [1, Number.NaN], [1, 1], [0, 0]]))).toEqual([['geometry.coordinates[0][1]', 'finite']]);
    expect(fields({ type: 'Polygon', coordinates: [[[0, 0], [1], [1, 1], [0, 0]]] })).toEqual([['geometry.coordinates[0][1]', 'position']]);
  });

  it('rejects zero area', () => {
    expect(fields(poly([[0, 0], [1, 0], [2, 0], [0, 0]]))).toEqual([['geometry.coordinates[0]', 'zero_area']]);
  });

  it('uses full paths inside multipolygons and holes', () => {
    const mp = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [square(2, 2, 3, 3), [[2.2, 2.2], [2.8, 2.8], [2.8, 2.2], [2.2, 2.8], [2.2, 2.2]]]] };
    expect(fields(mp)).toEqual([['geometry.coordinates[1][1]', 'self_intersection']]);
    expect(validateGeometry(poly([[0, 0], [1, 0]]), 'body.boundary')[0]!.field).toBe('body.boundary.coordinates[0]');
  });

  it('checks a 5,000-vertex ring quickly', () => {
    const ring: Ring = Array.from({ length: 5000 }, (_, i): Position => {
      const t = (i / 5000) * 2 * Math.PI;
      return [106.8 + 0.1 * Math.cos(t), 39.6 + 0.1 * Math.sin(t)];
    });
    const started = performance.now();
    expect(validateGeometry(poly(closeRing(ring)))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
