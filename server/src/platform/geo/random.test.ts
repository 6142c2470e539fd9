import { describe, it, expect } from 'vitest';
import { createRng } from './random.js';

const draw = (seed: string, n = 1000) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it('repeats the same sequence for the same seed', () => {
    expect(draw('wuhai')).toEqual(draw('wuhai'));
    expect(draw('wuhai')).not.toEqual(draw('wuhai2'));
  });

  it('is pinned, so a change to the generator (and thus all demo data) is noticed', () => {
    const rng = createRng('gridwork');
    expect([rng.next(), rng.next(), rng.next(), rng.int(1, 100), rng.next()]).toEqual([
      0.2571812942624092, 0.10664036660455167, 0.6366515250410885, 64, 0.5917506362311542,
    ]);
  });

  it('stays in range and covers it', () => {
    const rng = createRng('range');
    const xs = Array.from({ length: 10_000 }, () => rng.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.02);
    const ints = new Set(Array.from({ length: 1000 }, () => rng.int(3, 7)));
    expect([...ints].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(() => rng.int(5, 4)).toThrow(RangeError);
  });

  it('picks, shuffles and draws normals', () => {
    const rng = createRng('misc');
    expect(['a', 'b', 'c']).toContain(rng.pick(['a', 'b', 'c']));
    expect(() => rng.pick([])).toThrow(RangeError);
    expect(rng.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
    const zs = Array.from({ length: 20_000 }, () => rng.normal(10, 2));
    const mean = zs.reduce((s, z) => s + z, 0) / zs.length;
    const sd = Math.sqrt(zs.reduce((s, z) => s + (z - mean) ** 2, 0) / zs.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('forks independent, reproducible streams', () => {
    const parent = createRng('city');
    const a = parent.fork('district-1');
    parent.next(); // drawing from the parent must not move the fork
    expect(a.next()).toBe(createRng('city').fork('district-1').next());
    expect(createRng('city').fork('district-2').next()).not.toBe(createRng('city').fork('district-1').next());
  });
});
