import { describe, it, expect } from 'vitest';
import { gcj02ToWgs84, outOfChina, transformGeometry, wgs84ToGcj02 } from './gcj02.js';
import { bboxToRing } from './polygon.js';
import { createRng } from './random.js';
import type { MultiPolygon } from './types.js';

describe('GCJ-02', () => {
  it('matches published reference values', () => {
    // Test vectors from the wandergis/coordtransform and googollee/eviltransform projects.
    expect(wgs84ToGcj02(116.404, 39.915)).toEqual([116.41024449916938, 39.91640428150164]);
    const [lng, lat] = wgs84ToGcj02(121.5272106, 31.1774276);
    expect(lng).toBeCloseTo(121.531541859215, 9);
    expect(lat).toBeCloseTo(31.17530398364597, 9);
  });

  it('shifts Tiananmen by the familiar few hundred metres', () => {
    const [lng, lat] = wgs84ToGcj02(116.391275, 39.90765);
    expect(Math.abs(lng - 116.39752)).toBeLessThan(1e-4);
    expect(Math.abs(lat - 39.908904)).toBeLessThan(2e-4);
  });

  it('round-trips to well under 1e-6 degrees across China', () => {
    const rng = createRng('gcj');
    let worst = 0;
    for (let i = 0; i < 2000; i++) {
      const lng = rng.float(75, 135);
      const lat = rng.float(18, 53);
      const [x, y] = gcj02ToWgs84(...wgs84ToGcj02(lng, lat));
      worst = Math.max(worst, Math.abs(x - lng), Math.abs(y - lat));
    }
    expect(worst).toBeLessThan(1e-7);
  });

  it('leaves coordinates outside China unchanged', () => {
    expect(outOfChina(2.35, 48.86)).toBe(true);
    expect(wgs84ToGcj02(2.35, 48.86)).toEqual([2.35, 48.86]);
    expect(gcj02ToWgs84(-74, 40.7)).toEqual([-74, 40.7]);
  });

  it('transforms every vertex of a geometry, keeping its shape', () => {
    const mp: MultiPolygon = { type: 'MultiPolygon', coordinates: [[bboxToRing([106.8, 39.6, 106.9, 39.7])], [bboxToRing([107, 39, 107.1, 39.1])]] };
    const out = transformGeometry(mp, wgs84ToGcj02);
    expect(out.type).toBe('MultiPolygon');
    expect(out.coordinates[1]![0]![2]).toEqual(wgs84ToGcj02(107.1, 39.1));
    expect(mp.coordinates[1]![0]![2]).toEqual([107.1, 39.1]); // input untouched
  });
});
