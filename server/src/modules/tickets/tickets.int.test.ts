import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { openSecondConnection } from '../../test/db.js';
import { createRng } from '../../platform/geo/index.js';
import { createPiiCipher } from '../../platform/pii/index.js';
import { TEST_PII_KEY } from '../../test/templates.js';
import { parseRegionCode } from '../regions/codes.js';
import { RegionService } from '../regions/service.js';
import { TicketCatalogue } from './catalogue.js';
import { TicketService } from './service.js';
import { foldAll, foldDeltas } from './statsLedger.js';
import { naiveCounts } from './metrics.js';
import { STATUSES, TICKET_ACTIONS, TRANSITIONS, type Status, type TicketAction } from './workflow.js';
import { STAT_COUNTERS } from './schema.js';
import { sql } from 'drizzle-orm';

let t: TestApp;
/** The platform's clock, moved by the tests. */
let clock = new Date('2026-09-29T02:00:00Z');
const now = () => clock;
let admin: string;
let grid01: string;
let resident: string;
let community: string;
let g1: string;
let g2: string;

beforeAll(async () => {
  t = await createTestApp('demo', {}, { now });
  const first = async (code: string) => (await t.services.regions.childrenUnchecked(code))[0]!.code;
  const c1 = await first(await first('150302000000'));
  g1 = await first(c1);
  g2 = (await t.services.regions.childrenUnchecked(c1))[1]!.code;
  admin = await t.login('admin');
  grid01 = await t.login('grid01');
  community = await t.login('community01');
  resident = await t.login('resident01');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

type Json = Record<string, any>;
async function call(cookie: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', url: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await t.app.inject({ method, url, payload: body as never, headers: { cookie } });
  return { status: res.statusCode, json: res.body ? res.json() : {} };
}
async function report(cookie = resident, extra: Json = {}): Promise<Json> {
  const r = await call(cookie, 'POST', '/api/tickets', { categoryCode: '0301', description: '小区门口有暴露垃圾', regionCode: g1, ...extra });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json;
}
async function act(cookie: string, id: number, action: TicketAction, body: Json = {}) {
  return call(cookie, 'POST', `/api/tickets/${id}/actions/${action}`, body);
}
async function ok(cookie: string, id: number, action: TicketAction, body: Json = {}): Promise<Json> {
  const r = await act(cookie, id, action, body);
  expect(r.status, `${action}: ${JSON.stringify(r.json)}`).toBe(200);
  return r.json;
}

/** Valid input for each action (the walk below tries each from every state). */
const INPUT: Record<TicketAction, Json> = {
  accept: {},
  refuse: { note: '不属于受理范围' },
  dispatch: {},
  redispatch: { target: { tier: 'community' } },
  return: { note: '不属于本单位职责' },
  start: {},
  handle: { note: '已清运' },
  verify: {},
  reject_verification: { note: '现场仍有垃圾' },
  rate: { rating: 'satisfied' },
  close: {},
  request_extension: { days: 2, note: '需协调物业' },
  approve_extension: {},
  reject_extension: { note: '时限内可以办完' },
  merge: {},
  escalate: { note: '网格无法解决' },
  assign_leader: { leaderName: '张区长' },
  supervise: { note: '请加快办理' },
};

/** Bring a fresh resident ticket to a state, through the API. */
async function ticketIn(status: Status): Promise<Json> {
  const tk = await report();
  const id = tk.id;
  if (status === 'reported') return tk;
  if (status === 'refused') return ok(admin, id, 'refuse', INPUT.refuse);
  if (status === 'merged') {
    const other = await report();
    return ok(admin, id, 'merge', { intoId: other.id });
  }
  let x = await ok(admin, id, 'accept');
  if (status === 'accepted') return x;
  x = await ok(admin, id, 'dispatch');
  if (status === 'dispatched') return x;
  x = await ok(admin, id, 'start');
  if (status === 'in_progress') return x;
  x = await ok(admin, id, 'handle', INPUT.handle);
  if (status === 'handled') return x;
  x = await ok(admin, id, 'verify');
  if (status === 'verified') return x;
  x = await ok(resident, id, 'rate', INPUT.rate);
  expect(x.status).toBe('closed');
  return x;
}

describe('the workflow table', () => {
  it('every action from every state: legal ones move as the table says, illegal ones are refused and change nothing', async () => {
    for (const status of STATUSES) {
      for (const action of TICKET_ACTIONS) {
        const tk = await ticketIn(status);
        const legal = TRANSITIONS[action].from.includes(status);
        const who = action === 'rate' ? resident : admin;
        let input = INPUT[action];
        if (action === 'merge') input = { intoId: (await report()).id };
        if ((action === 'approve_extension' || action === 'reject_extension') && legal) await ok(admin, tk.id, 'request_extension', INPUT.request_extension);
        const before = (await call(admin, 'GET', `/api/tickets/${tk.id}`)).json;
        const r = await act(who, tk.id, action, input);
        const label = `${action} from ${status}: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`;
        if (!legal) {
          expect(r.status, label).toBe(409);
          expect(r.json.code, label).toBe('ticket.illegal_transition');
          const after = (await call(admin, 'GET', `/api/tickets/${tk.id}`)).json;
          expect(after.version, label).toBe(before.version);
          expect(after.events.length, label).toBe(before.events.length);
          continue;
        }
        expect(r.status, label).toBe(200);
        const to = TRANSITIONS[action].to;
        const allowed = [to === 'same' ? status : to, ...(TRANSITIONS[action].alt ?? [])];
        expect(allowed, label).toContain(r.json.status);
        expect(r.json.events.at(-1).action, label).toBe(action);
        expect(r.json.version, label).toBeGreaterThan(before.version);
      }
    }
  }, 300_000);

  it('checks who may act: a resident cannot dispatch, a grid worker cannot approve an extension, nobody sees others’ tickets', async () => {
    const tk = await report();
    const r1 = await act(resident, tk.id, 'accept');
    expect([r1.status, r1.json.code]).toEqual([403, 'ticket.not_your_step']);
    const other = await report(community);
    expect((await call(resident, 'GET', `/api/tickets/${other.id}`)).status).toBe(404);
    await ok(grid01, tk.id, 'accept', { dispatch: true });
    await ok(grid01, tk.id, 'request_extension', INPUT.request_extension);
    const r2 = await act(grid01, tk.id, 'approve_extension');
    expect([r2.status, r2.json.code]).toEqual([403, 'ticket.not_your_step']);
    await ok(community, tk.id, 'approve_extension');
    const stale = await act(grid01, tk.id, 'start', { version: 0 });
    expect([stale.status, stale.json.code]).toEqual([409, 'ticket.stale']);
  });

  it('refuses bad input with the field and writes nothing', async () => {
    const before = (await call(admin, 'GET', '/api/tickets?limit=200')).json.items.length;
    const cases: [Json, string][] = [
      [{ categoryCode: '9999', description: 'x', regionCode: g1 }, 'categoryCode'],
      [{ categoryCode: '0301', description: 'x' }, 'lng'],
      [{ categoryCode: '0301', description: 'x', lng: 106.8 }, 'lat'],
      [{ categoryCode: '0301', description: 'x', lng: 10, lat: 10 }, 'lng'],
      [{ categoryCode: '0301', description: 'x', regionCode: '150302000000' }, 'regionCode'],
      [{ categoryCode: '0301', description: '', regionCode: g1 }, 'description'],
    ];
    for (const [body, field] of cases) {
      const r = await call(resident, 'POST', '/api/tickets', body);
      expect(r.status, JSON.stringify(r.json)).toBe(400);
      expect(r.json.errors?.[0]?.field ?? '', JSON.stringify(r.json)).toContain(field);
    }
    const unknownPerson = await call(community, 'POST', '/api/tickets', { categoryCode: '0301', description: 'x', regionCode: g1, personId: 99_999_999 });
    expect([unknownPerson.status, unknownPerson.json.errors?.[0]?.field]).toEqual([400, 'personId']);
    const residentLink = await call(resident, 'POST', '/api/tickets', { categoryCode: '0301', description: 'x', regionCode: g1, householdId: 1 });
    expect([residentLink.status, residentLink.json.errors?.[0]?.field]).toEqual([400, 'householdId']);
    const tk = await report();
    const r = await act(admin, tk.id, 'refuse', {});
    expect([r.status, r.json.errors?.[0]?.field]).toEqual([400, 'note']);
    expect((await call(admin, 'GET', '/api/tickets?limit=200')).json.items.length).toBe(before + 1);
  });
});

describe('the closed loop end to end', () => {
  it('resident reports → grid worker accepts and handles → resident rates → closed and counted', async () => {
    const tk = await report(resident, { anonymous: true });
    expect(tk.status).toBe('reported');
    const tasks = (await call(grid01, 'GET', '/api/tickets?view=tasks')).json.items.map((x: Json) => x.id);
    expect(tasks).toContain(tk.id);
    const seen = (await call(grid01, 'GET', `/api/tickets/${tk.id}`)).json;
    expect(seen.reporterName).toBeNull();
    expect(seen.actions).toContain('accept');
    const a = await ok(grid01, tk.id, 'accept', { dispatch: true });
    expect(a).toMatchObject({ status: 'dispatched', assignee: { tier: 'grid' } });
    const inbox = (await call(grid01, 'GET', '/api/tickets/inbox')).json;
    expect(inbox.counts.newTasks).toBeGreaterThan(0);
    const h = await ok(grid01, tk.id, 'handle', { note: '已联系环卫清运' });
    // The grid's own worker handled it: verified at once, waiting for the resident.
    expect(h.status).toBe('verified');
    // …so nobody is asked to verify it.
    const after = (await call(grid01, 'GET', '/api/tickets/inbox')).json;
    expect(after.notices.filter((n: Json) => n.ticketId === tk.id && n.kind === 'to_verify')).toEqual([]);
    const mine = (await call(resident, 'GET', `/api/tickets/${tk.id}`)).json;
    expect(mine.actions).toEqual(['rate']);
    const closed = await ok(resident, tk.id, 'rate', { rating: 'satisfied' });
    expect(closed).toMatchObject({ status: 'closed', rating: 'satisfied' });
    expect(closed.events.map((e: Json) => e.action)).toEqual(['report', 'accept', 'dispatch', 'handle', 'verify', 'rate']);
    const m = (await call(admin, 'GET', `/api/tickets/metrics?region=${g1}&by=unit`)).json;
    expect(m.totals.counts.closedInGrid).toBeGreaterThan(0);
  });

  it('an unsatisfied rating reopens once; the second closes it', async () => {
    const tk = await ticketIn('verified');
    const r1 = await ok(resident, tk.id, 'rate', { rating: 'unsatisfied', note: '没清干净' });
    expect(r1).toMatchObject({ status: 'dispatched', reopenCount: 1 });
    await ok(admin, tk.id, 'handle', INPUT.handle);
    await ok(admin, tk.id, 'verify');
    const r2 = await ok(resident, tk.id, 'rate', { rating: 'unsatisfied' });
    expect(r2).toMatchObject({ status: 'closed', rating: 'unsatisfied' });
  });

  it('offers a probable duplicate: same category, nearby, recent, not refused', async () => {
    const grid = await call(admin, 'GET', `/api/regions/${g1}`);
    const [lng0, lat0] = grid.json.center as [number, number];
    // Reports around the grid's centre, 30–60 m apart.
    const [lat, lng] = [lat0, lng0];
    const at = (dLng: number, dLat: number, categoryCode = '0702') => call(resident, 'POST', '/api/tickets', { categoryCode, description: '楼道里充电', lng: lng + dLng, lat: lat + dLat });
    const first = await at(-0.0002, -0.0002);
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    const other = await at(0.0002, 0.0002, '0301');
    const far = await at(0.004, 0.0002); // ≈ 340 m east: outside the 150 m radius
    expect([other.status, far.status]).toEqual([201, 201]);
    const second = await at(0.0002, 0.0002);
    const ids = second.json.duplicates.map((d: Json) => d.id);
    expect(ids).toContain(first.json.id);
    expect(ids).not.toContain(other.json.id);
    expect(ids).not.toContain(far.json.id);
    expect(second.json.duplicates[0].distanceM).toBeGreaterThan(40);
    expect(second.json.duplicates[0].distanceM).toBeLessThan(70);
    // The handler's view offers the later one for the first (a refused ticket is no duplicate).
    const seen = await call(admin, 'GET', `/api/tickets/duplicates?categoryCode=0702&lng=${lng}&lat=${lat}`);
    expect(seen.json.map((d: Json) => d.id)).toEqual(expect.arrayContaining([first.json.id, second.json.id]));
    await ok(admin, second.json.id, 'refuse', INPUT.refuse);
    const after = await call(admin, 'GET', `/api/tickets/duplicates?categoryCode=0702&lng=${lng}&lat=${lat}`);
    expect(after.json.map((d: Json) => d.id)).not.toContain(second.json.id);
    const elsewhere = await call(resident, 'GET', `/api/tickets/duplicates?categoryCode=0301&lng=${lng}&lat=${lat}`);
    expect(elsewhere.json.map((d: Json) => d.id)).not.toContain(first.json.id);
  });

});

describe('intake in batches', () => {
  it('tickets arriving together are written together, each with its own trail; one at fault fails alone', async () => {
    const grid = await call(admin, 'GET', `/api/regions/${g1}`);
    const [lng, lat] = grid.json.center as [number, number];
    const ctx = { actor: null, ip: null, requestId: 'batch-test' };
    const body = (i: number) => ({ categoryCode: '0303', description: `同时上报 ${i}`, lng: lng + i * 0.00001, lat });
    const hotline = (no: string) => ({ channel: 'hotline' as const, externalId: no, reporterName: '市民' });
    // Twelve at once, two of them the same hotline ticket (the unique index refuses the second).
    const settled = await Promise.allSettled([
      ...Array.from({ length: 10 }, (_, i) => t.services.tickets.create(undefined, body(i), ctx, hotline(`BATCH-${i}`))),
      t.services.tickets.create(undefined, body(10), ctx, hotline('BATCH-SAME')),
      t.services.tickets.create(undefined, body(11), ctx, hotline('BATCH-SAME')),
    ]);
    const made = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    expect(made).toHaveLength(11);
    expect(failed).toHaveLength(1);
    expect(String((failed[0] as Error & { cause?: Error }).cause?.message ?? failed[0]!.message)).toMatch(/tickets_external_idx/);
    // Every ticket written has its report event and its audit entry; the one refused has neither.
    const ids = made.map((m) => m.id);
    const counts = await t.database.db.execute(
      sql.raw(`SELECT (SELECT count(*) FROM ticket_events WHERE ticket_id IN (${ids.join(',')}) AND action = 'report')::int AS events,
        (SELECT count(*) FROM audit_log WHERE action = 'ticket.report' AND request_id = 'batch-test')::int AS audits,
        (SELECT count(*) FROM tickets WHERE external_id LIKE 'BATCH-%')::int AS tickets`),
    );
    expect((counts as unknown as { rows: unknown[] }).rows[0]).toEqual({ events: 11, audits: 11, tickets: 11 });
    // Two statements running at once cannot see each other's tickets (nor could two single
    // inserts); what is written is seen by the next report, and by handlers.
    const after = await t.services.tickets.create(undefined, body(12), ctx, hotline('BATCH-AFTER'));
    expect(after.duplicates.map((d) => d.id).sort()).toEqual([...ids].sort());
  });
});

describe('time limits on the working-day calendar', () => {
  it('counts 3 working days across the 2026 National Day holiday, landing on the make-up Saturday; a city override moves it', async () => {
    clock = new Date('2026-09-30T02:00:00Z'); // Wed 30 Sep, 10:00 in China
    const tk = await report(resident, { categoryCode: '0503', description: '物业不修电梯' }); // complex, community tier
    await ok(admin, tk.id, 'accept');
    const d = await ok(admin, tk.id, 'dispatch');
    // 1-7 Oct off; Thu 8, Fri 9 and the make-up working Saturday 10 Oct are the three days.
    expect(d.respondDueAt).toBe('2026-10-10T16:00:00.000Z');
    const put = await call(admin, 'PUT', '/api/calendar/overrides/2026-10-10', { work: false, note: '本市调整' });
    expect(put.status).toBe(200);
    const tk2 = await report(resident, { categoryCode: '0503', description: '物业不修电梯' });
    await ok(admin, tk2.id, 'accept');
    const d2 = await ok(admin, tk2.id, 'dispatch');
    expect(d2.respondDueAt).toBe('2026-10-12T16:00:00.000Z');
    expect((await call(admin, 'DELETE', '/api/calendar/overrides/2026-10-10')).status).toBe(200);
    const cal = (await call(resident, 'GET', '/api/calendar?year=2026')).json;
    expect(cal.makeUpWorkdays).toContain('2026-10-10');
    expect(cal.holidays).toContain('2026-10-01');
    clock = new Date('2026-09-29T02:00:00Z');
  });

  it('a ticket that fell due while the server was down is supervised and escalated exactly once after restart', async () => {
    clock = new Date('2026-11-02T02:00:00Z');
    const tk = await report(resident, { description: '垃圾没人管' }); // simple: 24 hours
    await ok(grid01, tk.id, 'accept', { dispatch: true });
    // The server is "down" for two days: no sweep runs. Then a fresh process starts.
    clock = new Date('2026-11-04T02:00:00Z');
    const restarted = freshTicketService(t.database.db);
    expect(await restarted.sweep()).toBeGreaterThan(0);
    await restarted.sweep();
    await t.services.tickets.sweep();
    const after = (await call(admin, 'GET', `/api/tickets/${tk.id}`)).json;
    expect(after).toMatchObject({ resolveOverdue: true, supervisedCount: 1, escalations: 1, assignee: { tier: 'community' }, dueState: 'overdue' });
    const actions = after.events.map((e: Json) => e.action);
    expect(actions.filter((a: string) => a === 'supervise')).toHaveLength(1);
    expect(actions.filter((a: string) => a === 'escalate')).toHaveLength(1);
    clock = new Date('2026-09-29T02:00:00Z');
  });

  it('two server processes sweeping together escalate each ticket once', async () => {
    clock = new Date('2026-11-10T02:00:00Z');
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      const tk = await report(resident, { description: `并发测试 ${i}` });
      await ok(grid01, tk.id, 'accept', { dispatch: true });
      ids.push(tk.id);
    }
    clock = new Date('2026-11-12T02:00:00Z');
    const second = await openSecondConnection(t.database);
    try {
      const a = freshTicketService(t.database.db);
      const b = freshTicketService((second ?? t.database).db);
      await Promise.all([a.sweep(3), b.sweep(3), a.sweep(5), b.sweep(5)]);
      for (const id of ids) {
        const x = (await call(admin, 'GET', `/api/tickets/${id}`)).json;
        expect([x.escalations, x.supervisedCount], `ticket ${id}`).toEqual([1, 1]);
      }
    } finally {
      await second?.close();
      clock = new Date('2026-09-29T02:00:00Z');
    }
  });
});

/** A ticket service as a new process would build it: nothing cached. */
function freshTicketService(db: typeof t.database.db): TicketService {
  const regions = new RegionService(db);
  const catalogue = new TicketCatalogue(db, regions, now);
  return new TicketService(db, regions, catalogue, createPiiCipher(Buffer.from(TEST_PII_KEY, 'hex')), { now });
}

describe('metrics', () => {
  it('equal a recount from the raw tickets after a random sequence of actions', async () => {
    const r0 = createRng('tickets-metrics');
    const rng = () => r0.next();
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
    const open: number[] = [];
    for (let i = 0; i < 60; i++) {
      clock = new Date(Date.parse('2026-10-15T02:00:00Z') + i * 7 * 3600_000);
      if (open.length < 4 || rng() < 0.35) {
        const tk = await report(pick([resident, grid01, community]), { categoryCode: pick(['0301', '0601', '0503', '0702', '0102']), regionCode: pick([g1, g2]), ...(rng() < 0.5 ? {} : {}) });
        if (tk.categoryCode === '0702') continue;
        open.push(tk.id);
        continue;
      }
      const id = pick(open);
      const cur = (await call(admin, 'GET', `/api/tickets/${id}`)).json;
      const choices: TicketAction[] = (cur.actions as TicketAction[]).filter((a) => a !== 'merge' && a !== 'rate');
      if (cur.status === 'verified') choices.push('rate');
      if (!choices.length) continue;
      const action = pick(choices);
      const who = action === 'rate' ? (cur.mine ? admin : resident) : admin;
      const body = action === 'rate' ? { rating: pick(['satisfied', 'basic', 'unsatisfied']) } : INPUT[action];
      await act(who, id, action, body);
      if (rng() < 0.3) await t.services.tickets.sweep();
      if (rng() < 0.3) await foldDeltas(t.database.db, 7);
    }
    clock = new Date('2026-11-30T02:00:00Z');
    await t.services.tickets.sweep();
    await foldDeltas(t.database.db, 5); // leave some deltas unfolded: readers must add them
    for (const by of ['region', 'unit', 'category'] as const) {
      for (const region of ['150302000000', parseRegionCode(g1)!.code.slice(0, 12)]) {
        const m = (await call(admin, 'GET', `/api/tickets/metrics?region=${region}&from=2026-01&to=2026-12&by=${by}`)).json;
        const r = parseRegionCode(region)!;
        const childLen = { city: 6, district: 9, street: 12, community: 15, grid: null, microgrid: null }[r.level];
        const naive = await naiveCounts(t.database.db, r.path, '2026-01', '2026-12', by, childLen);
        const want = Object.fromEntries(naive.map((row) => [row.key, Object.fromEntries(STAT_COUNTERS.map((k) => [k, Number(row[k])]))]));
        const got = Object.fromEntries(m.rows.map((row: Json) => [row.key, row.counts]));
        expect(got, `${by} @ ${region}`).toEqual(want);
        const total = Object.fromEntries(STAT_COUNTERS.map((k) => [k, naive.reduce((s, row) => s + Number(row[k]), 0)]));
        expect(m.totals.counts, `totals ${by} @ ${region}`).toEqual(total);
      }
    }
    await foldAll(t.database.db);
    const folded = (await call(admin, 'GET', `/api/tickets/metrics?region=150302000000&from=2026-01&to=2026-12&by=region`)).json;
    expect(folded.totals.counts.received).toBeGreaterThan(10);
    clock = new Date('2026-09-29T02:00:00Z');
  }, 120_000);
});
