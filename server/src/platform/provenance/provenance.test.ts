import { describe, expect, it } from 'vitest';
import { initialProvenance, mergeFields, type IncomingField } from './index.js';

const f = (v: string | null): IncomingField => ({ cmp: v, set: { col: v } });
const civil = { dept: '民政局', batchId: 1, at: new Date('2026-01-01T00:00:00Z') };
const police = { dept: '公安局', batchId: 2, at: new Date('2026-02-01T00:00:00Z') };

describe('merging values from several departments', () => {
  const prov = initialProvenance({ name: f('张三'), phone: f('138') }, civil);

  it('equal values change nothing (re-import is a no-op)', () => {
    const r = mergeFields({ name: '张三', phone: '138' }, prov, { name: f('张三'), phone: f('138') }, civil);
    expect(r).toMatchObject({ changed: false, set: {}, conflicts: [] });
  });

  it('the same department may correct its own value', () => {
    const r = mergeFields({ name: '张三', phone: '138' }, prov, { phone: f('139') }, { ...civil, batchId: 3 });
    expect(r.changed).toBe(true);
    expect(r.set).toEqual({ col: '139' });
    expect(r.provenance.phone!.b).toBe(3);
  });

  it('another department fills a gap but cannot overwrite: that is a conflict', () => {
    const r = mergeFields({ name: '张三', phone: '138', address: null }, prov, { phone: f('139'), address: f('某路1号') }, police);
    expect(r.set).toEqual({ col: '某路1号' });
    expect(r.provenance.address!.s).toBe('公安局');
    expect(r.provenance.phone!.s).toBe('民政局');
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ field: 'phone', currentCmp: '138', currentSource: { s: '民政局' } });
  });

  it('missing incoming values never blank a field', () => {
    expect(mergeFields({ name: '张三' }, prov, { name: f(null) }, police).changed).toBe(false);
  });
});
