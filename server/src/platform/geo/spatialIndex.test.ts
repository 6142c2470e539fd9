import { describe, it, expect } from 'vitest';
import { conformRings, makeCityOutline, partitionConvex } from './partition.js';
import { bboxToRing, ringBBox } from './polygon.js';
import { createRng } from './random.js';
import { SpatialIndex, type IndexedItem } from './spatialIndex.js';
import type { MultiPolygon, Polygon } from './types.js';

const polygon = (ring: Polygon['coordinates'][number]): Polygon => ({ type: 'Polygon', coordinates: [ring] });

/** Two-level generated city: ~10 streets of 8–12 grids each, conformed as the seeder should. */
function generatedGrids(): IndexedItem<string>[] {
  const rng = createRng('index-test');
  const outline = makeCityOutline([106.8, 39.6], 20, rng, 14);
  const grids = partitionConvex(outline, 10, rng).flatMap((street) => partitionConvex(street, rng.int(8, 12), rng));
  return conformRings(grids).map((grid, i) => ({ id: `G${i}`, geometry: polygon(grid) }));
}

describe('SpatialIndex', () => {
  const items = generatedGrids();
  const index = new SpatialIndex(items);

  it('agrees with brute force on 10,000 random points', () => {
    const rng = createRng('points');
    const [minX, minY, maxX, maxY] = ringBBox(items.flatMap((it) => (it.geometry as Polygon).coordinates[0]!));
    let disagreements = 0;
    let found = 0;
    for (let i = 0; i < 10_000; i++) {
      // A margin around the city so some points fall outside every grid.
      const x = rng.float(minX - 0.05, maxX + 0.05);
      const y = rng.float(minY - 0.05, maxY + 0.05);
      const hit = index.locate(x, y);
      if (hit !== SpatialIndex.bruteForceLocate(items, x, y)) disagreements++;
      if (hit !== null) found++;
    }
    expect(disagreements).toBe(0);
    expect(found).toBeGreaterThan(3000);
    expect(found).toBeLessThan(10_000);
  });

  it('agrees with brute force on grid edges and vertices, never answering two grids', () => {
    let checked = 0;
    for (const { geometry } of items) {
      const ring = (geometry as Polygon).coordinates[0]!;
      for (let i = 0; i + 1 < ring.length; i++) {
        const [a, b] = [ring[i]!, ring[i + 1]!];
        for (const t of [0, 0.5, 0.3]) {
          const x = a[0] + t * (b[0] - a[0]);
          const y = a[1] + t * (b[1] - a[1]);
          if (index.locate(x, y) !== SpatialIndex.bruteForceLocate(items, x, y) || index.locateAll(x, y).length > 1) {
            throw new Error(`edge point (${x}, ${y}) answered inconsistently`);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('reports its size and handles holes, multipolygons, overlaps and empty input', () => {
    expect(index.size).toBe(items.length);
    const donut: Polygon = { type: 'Polygon', coordinates: [bboxToRing([0, 0, 10, 10]), bboxToRing([4, 4, 6, 6])] };
    const islands: MultiPolygon = { type: 'MultiPolygon', coordinates: [[bboxToRing([20, 0, 21, 1])], [bboxToRing([40, 40, 41, 41])]] };
    const small = new SpatialIndex([
      { id: 'donut', geometry: donut },
      { id: 'islands', geometry: islands },
      { id: 'overlay', geometry: polygon(bboxToRing([0, 0, 2, 2])) },
    ]);
    expect(small.size).toBe(3);
    expect(small.locate(5, 5)).toBeNull();
    expect(small.locate(40.5, 40.5)).toBe('islands');
    expect(small.locate(30, 30)).toBeNull(); // inside the islands' overall bbox, outside both parts
    expect(small.locate(1, 1)).toBe('donut'); // first given wins
    expect(small.locateAll(1, 1)).toEqual(['donut', 'overlay']);
    expect(small.locate(Number.NaN, 1)).toBeNull();
    const empty = new SpatialIndex<string>([]);
    expect(empty.size).toBe(0);
    expect(empty.locate(1, 1)).toBeNull();
    expect(empty.locateAll(1, 1)).toEqual([]);
  });

  it('builds 10,000 polygons well within a second', () => {
    const grid = Array.from({ length: 10_000 }, (_, i) => ({
      id: i,
      geometry: polygon(bboxToRing([i % 100, Math.floor(i / 100), (i % 100) + 1, Math.floor(i / 100) + 1])),
    }));
    const started = performance.now();
    const big = new SpatialIndex(grid);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(big.locate(37.5, 42.5)).toBe(4237);
  });
});
