import { describe, expect, it } from 'vitest';
import { fieldOfHeader, parseHotlineTime, parseRecord, recordFromObject } from './feed.js';
import { gridworkCategory } from './categories.js';

const now = new Date('2026-11-22T04:00:00Z');
const good = { ticketNo: 'RX-1', receivedAt: '2026-11-22 09:30:00', callerPhone: '13800138000', content: '路灯不亮', address: '凤凰岭街道1号', categoryCode: '0102' };

describe('hotline feed', () => {
  it('maps Chinese and English headers, ignoring case, width, spaces, underscores and "*"', () => {
    expect(['工单编号', '热线工单号*', 'ticket_no', 'Ticket No', 'TICKETNO'].map(fieldOfHeader)).toEqual(Array(5).fill('ticketNo'));
    expect(['受理时间', 'received_at', '来电号码', 'caller_phone', '诉求内容', '分类代码', '办理时限', 'time_limit', '经度', '纬度'].map(fieldOfHeader)).toEqual([
      'receivedAt', 'receivedAt', 'callerPhone', 'callerPhone', 'content', 'categoryCode', 'timeLimit', 'timeLimit', 'lng', 'lat',
    ]);
    expect(fieldOfHeader('备注')).toBeNull();
    expect(recordFromObject({ 工单编号: 'A', ticketNo: 'B', 其他: 1 })).toEqual({ ticketNo: 'A' });
  });

  it('reads times as ISO 8601 or China wall-clock time, and refuses impossible dates', () => {
    expect(parseHotlineTime('2026-11-22 09:30:00')?.toISOString()).toBe('2026-11-22T01:30:00.000Z');
    expect(parseHotlineTime('2026/1/5 8:05')?.toISOString()).toBe('2026-01-05T00:05:00.000Z');
    expect(parseHotlineTime('2026-11-22T09:30:00+08:00')?.toISOString()).toBe('2026-11-22T01:30:00.000Z');
    expect(parseHotlineTime('2026-11-22T01:30:00Z')?.toISOString()).toBe('2026-11-22T01:30:00.000Z');
    expect(parseHotlineTime('2026-11-22T01:30:00.250-0500')?.toISOString()).toBe('2026-11-22T06:30:00.250Z');
    for (const bad of ['2026-02-30 10:00:00', '2026-11-22', '22/11/2026 10:00', '2026-11-22 25:00:00', 'yesterday']) expect(parseHotlineTime(bad), bad).toBeNull();
  });

  it('accepts a good record; the time limit is hours or a due time', () => {
    const r = parseRecord({ ...good, timeLimit: '24小时', type: '投诉' }, now);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.receivedAt.toISOString()).toBe('2026-11-22T01:30:00.000Z');
    expect(r.value.dueAt?.toISOString()).toBe('2026-11-23T01:30:00.000Z');
    expect(r.value.type).toBe('complaint');
    const due = parseRecord({ ...good, timeLimit: '2026-11-25 18:00:00' }, now);
    expect(due.ok && due.value.dueAt?.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    const numeric = parseRecord({ ...good, timeLimit: 48, lng: 106.8, lat: 39.6 }, now);
    expect(numeric.ok && [numeric.value.dueAt?.toISOString(), numeric.value.lng]).toEqual(['2026-11-24T01:30:00.000Z', 106.8]);
  });

  it('reports every problem of a record with its field', () => {
    const r = parseRecord({ ticketNo: 'has space', receivedAt: '2026-13-01 10:00', callerPhone: 'call me', content: '', categoryCode: '01', lng: '200', timeLimit: 'soon', type: '表扬' }, now);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => `${e.field}:${e.rule}`).sort()).toEqual(
      ['callerPhone:format', 'content:required', 'lat:pair', 'lng:range', 'receivedAt:format', 'ticketNo:format', 'timeLimit:format', 'type:unknown'].sort(),
    );
    const noPlace = parseRecord({ ...good, address: ' ' }, now);
    expect(!noPlace.ok && noPlace.errors.map((e) => e.field)).toEqual(['location']);
    const future = parseRecord({ ...good, receivedAt: '2026-11-23 09:30:00' }, now);
    expect(!future.ok && future.errors[0]!.rule).toBe('future');
    const early = parseRecord({ ...good, timeLimit: '2026-11-22 09:00:00' }, now);
    expect(!early.ok && early.errors[0]).toMatchObject({ field: 'timeLimit', rule: 'range' });
    const obj = parseRecord({ ...good, content: { text: 'x' } }, now);
    expect(!obj.ok && obj.errors[0]).toMatchObject({ field: 'content', rule: 'type' });
  });

  it('takes Gridwork category codes as they are and maps hotline codes through the table', () => {
    const known = (c: string) => ['0301', '0102'].includes(c);
    expect(gridworkCategory('0102', known)).toBe('0102');
    expect(gridworkCategory('cx0101', known)).toBe('0301');
    expect(gridworkCategory('CX0401', known)).toBeNull(); // maps to 0501, not in this catalogue
    expect(gridworkCategory('9999', known)).toBeNull();
  });
});
