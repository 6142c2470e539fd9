import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../platform/calendar/index.js';
import type { Actor } from '../../platform/scope/index.js';
import type { TicketRow } from './repo.js';
import { EMPTY_TICKET, planSteps, step, SYSTEM, targetPathFor, validateActionInput, type Prepared } from './transition.js';

// A grid in 乌海市海勃湾区 (path: city 4, district 6, street 9, community 12, grid 15 digits).
const GRID = '150302001001001';
const at = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in China

const ticket = (over: Partial<TicketRow> = {}): TicketRow => ({
  ...EMPTY_TICKET,
  id: 7,
  no: 'GW20261123-000007',
  channel: 'resident',
  type: 'report',
  categoryCode: '0301',
  status: 'reported',
  title: '暴露垃圾',
  description: '小区门口有暴露垃圾',
  regionCode: '150302001001001',
  regionPath: GRID,
  reporterUserId: 42,
  createdAt: at,
  updatedAt: at,
  ...over,
});

const pre: Prepared = {
  calendar: new WorkCalendar(),
  catalogueTarget: { tier: 'grid', path: GRID, dept: null, respond: { value: 2, unit: 'hour' }, resolve: { value: 3, unit: 'workday' }, byCatalogue: true },
  names: new Map([[GRID, '一网格']]),
};
const gridWorker = { id: 5, role: 'grid_worker', displayName: '网格员', scopePath: GRID } as unknown as Actor;

describe('one transition, pure', () => {
  it('dispatches by the catalogue: assigns the unit by name, starts both clocks, notifies the unit', () => {
    const r = step(ticket({ status: 'accepted' }), 'dispatch', SYSTEM, {}, at, pre);
    expect(r.next).toMatchObject({ status: 'dispatched', tier: 'grid', assigneePath: GRID, assigneeName: '一网格', dispatchedAt: at });
    expect(r.next.respondDueAt).toEqual(new Date(at.getTime() + 2 * 3600_000));
    expect(r.next.resolveDueAt!.getTime()).toBeGreaterThan(at.getTime());
    expect(r.notices).toEqual([expect.objectContaining({ recipient: `grid:${GRID}`, kind: 'dispatched' })]);
    expect(r.events[0]).toMatchObject({ action: 'dispatch', fromStatus: 'accepted', toStatus: 'dispatched', data: { target: { tier: 'grid', name: '一网格' } } });
  });

  it('an unsatisfied rating reopens once with a fresh clock; the second one closes', () => {
    const verified = ticket({ status: 'verified', tier: 'grid', assigneePath: GRID, handledAt: at, verifiedAt: at });
    const first = step(verified, 'rate', SYSTEM, { rating: 'unsatisfied', note: '没扫干净' }, at, pre);
    expect(first.next).toMatchObject({ status: 'dispatched', reopenCount: 1, rating: null, handledAt: null, verifiedAt: null, ratingNote: '没扫干净' });
    expect(first.notices.map((n) => n.kind)).toEqual(['reopened']);
    const second = step({ ...verified, reopenCount: 1 }, 'rate', SYSTEM, { rating: 'unsatisfied' }, at, pre);
    expect(second.next).toMatchObject({ status: 'closed', rating: 'unsatisfied', closedAt: at });
  });

  it('an approved extension moves the resolve deadline by the paused time plus the working days asked', () => {
    const pausedAt = new Date(at.getTime() - 3600_000);
    const due = new Date('2026-11-25T08:00:00Z'); // Wednesday 16:00 in China
    const t = ticket({ status: 'in_progress', tier: 'grid', assigneePath: GRID, pausedAt, extensionDays: 2, resolveDueAt: due, warned: ['resolve_warn'] });
    const r = step(t, 'approve_extension', SYSTEM, {}, at, pre);
    expect(r.next.pausedAt).toBeNull();
    expect(r.next.warned).toEqual([]);
    // Wednesday 16:00 + 1 h paused, then two working days: the end of Friday 2026-11-27 in China.
    expect(r.next.resolveDueAt!.toISOString()).toBe('2026-11-27T16:00:00.000Z');
  });

  it('a patrol find is closed at verification; a hotline ticket waits for the hotline’s rating', () => {
    const handled = { status: 'handled', tier: 'grid', assigneePath: GRID } as const;
    expect(step(ticket({ ...handled, channel: 'patrol' }), 'verify', SYSTEM, {}, at, pre).next.status).toBe('closed');
    expect(step(ticket({ ...handled, channel: 'hotline', reporterUserId: null }), 'verify', SYSTEM, {}, at, pre).next).toMatchObject({ status: 'verified', closedAt: null });
    const resident = step(ticket(handled), 'verify', SYSTEM, {}, at, pre);
    expect(resident.next.status).toBe('verified');
    expect(resident.notices).toEqual([expect.objectContaining({ recipient: 'user:42', kind: 'rate_request' })]);
  });

  it('chains steps to save taps: accept and dispatch; a grid worker handling their own grid verifies too', () => {
    expect(planSteps(null, ticket(), 'accept', { dispatch: true })).toEqual(['accept', 'dispatch']);
    expect(planSteps(gridWorker, ticket({ tier: 'grid' }), 'handle', { note: '已清运' })).toEqual(['handle', 'verify']);
    expect(planSteps(gridWorker, ticket({ tier: 'community' }), 'handle', { note: '已清运' })).toEqual(['handle']);
  });

  it('names the field when input is missing or a target lies outside the place', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { code: string; fields: { field: string }[] }).fields.map((x) => x.field).join() + ` (${(e as { code: string }).code})`;
      }
      return 'no error';
    };
    expect(field(() => validateActionInput('handle', { note: '  ' }, gridWorker))).toBe('note (request.invalid)');
    expect(field(() => validateActionInput('dispatch', { target: { tier: 'community' } }, gridWorker))).toBe('target (request.invalid)');
    expect(field(() => targetPathFor(ticket(), { tier: 'community', regionCode: '150303001001' }))).toBe('target.regionCode (request.invalid)');
    expect(targetPathFor(ticket(), { tier: 'street' })).toBe(GRID.slice(0, 9));
  });
});
