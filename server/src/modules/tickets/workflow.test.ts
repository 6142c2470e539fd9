import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../platform/calendar/index.js';
import { availableActions, check, RELATIONS, STATUSES, TICKET_ACTIONS, TRANSITIONS, tierAbove, type Relation } from './workflow.js';
import { dueAt, dueState, nextTimer, warnAt, type TimerState } from './deadlines.js';
import { contribution, deltas, type StatInput } from './statsLedger.js';

describe('workflow table', () => {
  it('allows exactly the listed (state, relation) pairs for every action', () => {
    for (const action of TICKET_ACTIONS) {
      for (const status of STATUSES) {
        for (const rel of RELATIONS) {
          const t = TRANSITIONS[action];
          const want = !t.from.includes(status) ? 'bad_state' : t.who.includes(rel) ? 'ok' : 'not_yours';
          expect(check(action, status, new Set<Relation>([rel])), `${action} ${status} ${rel}`).toBe(want);
        }
      }
    }
  });

  it('terminal states allow nothing; a reporter can only rate', () => {
    const everyone = new Set<Relation>(RELATIONS);
    for (const s of ['refused', 'closed', 'merged'] as const) expect(availableActions(s, everyone)).toEqual([]);
    expect(availableActions('verified', new Set<Relation>(['reporter']))).toEqual(['rate']);
    expect(availableActions('reported', new Set<Relation>(['reporter']))).toEqual([]);
  });

  it('escalates grid → community → street → district, and a department to the district', () => {
    expect([tierAbove('grid'), tierAbove('community'), tierAbove('street'), tierAbove('department'), tierAbove('district')]).toEqual(['community', 'street', 'district', 'district', null]);
  });
});

describe('time limits', () => {
  const cal = new WorkCalendar();
  const chinaNoon = (d: string) => new Date(`${d}T04:00:00Z`);

  it('working days skip the 2026 National Day week and count the make-up days', () => {
    // Dispatched Wed 30 Sep: 1-7 Oct off, Thu 8 + Fri 9 + make-up Sat 10 Oct = 3 working days.
    expect(dueAt(cal, chinaNoon('2026-09-30'), { value: 3, unit: 'workday' }).toISOString()).toBe('2026-10-10T16:00:00.000Z');
    // Dispatched on the make-up Sunday 20 Sep: Mon 21, Tue 22, Wed 23.
    expect(dueAt(cal, chinaNoon('2026-09-20'), { value: 3, unit: 'workday' }).toISOString()).toBe('2026-09-23T16:00:00.000Z');
    // Dispatched during the holiday: the first working day after it is Thu 8 Oct.
    expect(dueAt(cal, chinaNoon('2026-10-03'), { value: 1, unit: 'workday' }).toISOString()).toBe('2026-10-08T16:00:00.000Z');
    // 15 working days from 30 Sep: 8, 9, 10 (make-up Sat), 12-16, 19-23, 26, 27 Oct.
    expect(dueAt(cal, chinaNoon('2026-09-30'), { value: 15, unit: 'workday' }).toISOString()).toBe('2026-10-27T16:00:00.000Z');
    // Clock hours ignore the calendar: a simple matter is due 24 hours later, holiday or not.
    expect(dueAt(cal, chinaNoon('2026-10-01'), { value: 24, unit: 'hour' }).toISOString()).toBe('2026-10-02T04:00:00.000Z');
  });

  it('a city override turns a day into a holiday or a working day', () => {
    const local = new WorkCalendar([{ date: '2026-10-10', work: false }]);
    expect(dueAt(local, chinaNoon('2026-09-30'), { value: 3, unit: 'workday' }).toISOString()).toBe('2026-10-12T16:00:00.000Z');
  });

  const base: TimerState = {
    status: 'dispatched',
    pausedAt: null,
    dispatchedAt: new Date('2026-11-02T00:00:00Z'),
    respondedAt: null,
    respondDueAt: null,
    resolveDueAt: new Date('2026-11-03T00:00:00Z'),
    respondOverdue: false,
    resolveOverdue: false,
    verifiedAt: null,
    warned: [],
  };

  it('warns before the deadline once, then acts on expiry once, and stops while paused or done', () => {
    expect(warnAt(base.dispatchedAt!, base.resolveDueAt!).toISOString()).toBe('2026-11-02T18:00:00.000Z');
    expect(nextTimer(base)).toEqual({ at: new Date('2026-11-02T18:00:00Z'), kind: 'resolve_warn' });
    expect(nextTimer({ ...base, warned: ['resolve_warn'] })).toEqual({ at: base.resolveDueAt, kind: 'resolve_due' });
    expect(nextTimer({ ...base, warned: ['resolve_warn'], resolveOverdue: true })).toBeNull();
    expect(nextTimer({ ...base, pausedAt: new Date() })).toBeNull();
    expect(nextTimer({ ...base, status: 'handled' })).toBeNull();
    expect(nextTimer({ ...base, status: 'verified', verifiedAt: new Date('2026-11-02T00:00:00Z') })?.kind).toBe('autoclose');
    // The response deadline comes first while nobody has responded.
    const both = { ...base, respondDueAt: new Date('2026-11-02T12:00:00Z') };
    expect(nextTimer(both)?.kind).toBe('respond_warn');
    expect(nextTimer({ ...both, respondedAt: new Date('2026-11-02T01:00:00Z'), status: 'in_progress' })?.kind).toBe('resolve_warn');
  });

  it('colours the clock', () => {
    expect(dueState(base, new Date('2026-11-02T01:00:00Z'))).toBe('normal');
    expect(dueState(base, new Date('2026-11-02T19:00:00Z'))).toBe('due_soon');
    expect(dueState(base, new Date('2026-11-03T01:00:00Z'))).toBe('overdue');
    expect(dueState({ ...base, pausedAt: new Date() }, new Date())).toBe('paused');
    expect(dueState({ ...base, status: 'closed' }, new Date())).toBe('none');
  });
});

describe('metric contributions', () => {
  const t: StatInput = {
    status: 'closed',
    createdAt: new Date('2026-10-31T17:00:00Z'), // 1 Nov in China
    regionPath: '150302001001001002',
    categoryCode: '0301',
    tier: 'grid',
    assigneePath: '150302001001001',
    assigneeDept: null,
    acceptedAt: new Date(),
    respondedAt: new Date('2026-11-01T00:00:00Z'),
    respondDueAt: null,
    respondOverdue: false,
    resolveOverdue: false,
    rating: 'basic',
  };

  it('files a ticket under its China month, grid, top category and unit', () => {
    const c = contribution(t)!;
    expect(c).toMatchObject({ month: '2026-11-01', regionPath: '150302001001001', categoryTop: '03', unitKey: 'grid:150302001001001' });
    expect(c.counts).toMatchObject({ received: 1, closed: 1, resolved: 1, closedInGrid: 1, closedInCommunity: 1, rated: 1, basic: 1, satisfied: 0, closedOnTime: 1 });
    expect(contribution({ ...t, status: 'merged' })).toBeNull();
  });

  it('moves counts between units when a ticket is escalated, and sums to zero for no change', () => {
    const open = { ...t, status: 'dispatched', rating: null };
    expect(deltas(open, open)).toEqual([]);
    const moved = deltas(open, { ...open, tier: 'community', assigneePath: '150302001001' });
    expect(moved.map((d) => [d.unitKey, d.counts.received])).toEqual([
      ['grid:150302001001001', -1],
      ['community:150302001001', 1],
    ]);
  });
});
