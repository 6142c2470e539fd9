import { describe, expect, it } from 'vitest';
import { earlierInBatch } from './intakeWriter.js';
import type { IntakeWrite } from './repo.js';

const at = new Date('2026-11-22T02:00:00Z');
function item(id: number, categoryCode: string, lng: number | null, lat: number | null, near = true): IntakeWrite {
  return {
    ticket: { id, no: `GW-${id}`, title: 't', status: 'reported', categoryCode, lng, lat, createdAt: at } as IntakeWrite['ticket'],
    events: [],
    notices: [],
    deltas: [],
    unit: null,
    audit: {} as IntakeWrite['audit'],
    near: near && lng != null && lat != null ? { categoryCode, since: new Date(at.getTime() - 3_600_000), box: { w: lng - 0.001, e: lng + 0.001, s: lat - 0.001, n: lat + 0.001 } } : null,
  };
}

describe('duplicates inside one intake batch', () => {
  it('offers the earlier tickets of the batch in the box and category, not later ones or others', () => {
    const batch = [item(1, '0301', 106.8, 39.6), item(2, '0302', 106.8, 39.6), item(3, '0301', 106.805, 39.6), item(4, '0301', null, null), item(5, '0301', 106.8003, 39.6002), item(6, '0301', 106.8, 39.6)];
    expect(earlierInBatch(batch, 0)).toEqual([]);
    expect(earlierInBatch(batch, 4).map((r) => r.id)).toEqual([1]); // not 2 (category), 3 (outside the box), 4 (no point)
    expect(earlierInBatch(batch, 5).map((r) => r.id)).toEqual([1, 5]);
    expect(earlierInBatch(batch, 5)[0]).toMatchObject({ no: 'GW-1', status: 'reported', createdAt: at });
    expect(earlierInBatch([item(1, '0301', 106.8, 39.6), item(2, '0301', 106.8, 39.6, false)], 1)).toEqual([]);
  });
});
