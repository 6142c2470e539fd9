import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test/app.js';
import { openSecondConnection } from '../../test/db.js';
import { rows } from '../../platform/db/client.js';
import { createServices } from '../../app.js';
import { verifyWebhookSignature } from './signature.js';

let t: TestApp;
let clock = new Date('2026-11-22T04:00:00Z');
const now = () => clock;
const tick = (ms: number) => (clock = new Date(clock.getTime() + ms));
let admin: string;
let resident: string;
let g1: string;

type Json = Record<string, any>;

/**
 * A receiver as an integrator would write one: verify the signature (5-minute tolerance, by its
 * own clock — here the test clock), answer 500 while told to fail, and accept each event id once.
 */
const receiver = {
  server: null as http.Server | null,
  url: '',
  secret: '',
  failNext: 0,
  seen: new Set<string>(),
  /** Every request that arrived: path, headers, raw body, what it answered. */
  log: [] as { path: string; eventId: string; type: string; signature: string; body: string; status: number; verdict: string }[],
  accepted: [] as { eventId: string; type: string; body: Json }[],
};

function handle(req: http.IncomingMessage, body: string): { status: number; verdict: string } {
  if (req.url === '/always-503') return { status: 503, verdict: 'down' };
  const signature = String(req.headers['gridwork-signature'] ?? '');
  const check = verifyWebhookSignature(receiver.secret, signature, body, clock);
  if (!check.ok) return { status: 400, verdict: check.reason };
  if (receiver.failNext > 0) {
    receiver.failNext--;
    return { status: 500, verdict: 'forced failure' };
  }
  const dedupe = verifyWebhookSignature(receiver.secret, signature, body, clock, receiver.seen);
  if (!dedupe.ok) return { status: 200, verdict: dedupe.reason }; // a replay is acknowledged and ignored
  const parsed = JSON.parse(body) as Json;
  receiver.accepted.push({ eventId: parsed.id, type: parsed.type, body: parsed });
  return { status: 200, verdict: 'accepted' };
}

beforeAll(async () => {
  t = await createTestApp('demo', {}, { now });
  const first = async (code: string) => (await t.services.regions.childrenUnchecked(code))[0]!.code;
  g1 = await first(await first(await first('150302000000')));
  admin = await t.login('admin');
  resident = await t.login('resident01');
  receiver.server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const { status, verdict } = handle(req, body);
      receiver.log.push({ path: req.url ?? '', eventId: String(req.headers['gridwork-event-id']), type: String(req.headers['gridwork-event-type']), signature: String(req.headers['gridwork-signature']), body, status, verdict });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(verdict);
    });
  });
  await new Promise<void>((resolve) => receiver.server!.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => receiver.server?.close(resolve));
  await t?.close();
});

async function call(cookie: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
  const res = await t.app.inject({ method, url, payload: body as never, headers: { cookie } });
  return { status: res.statusCode, json: (res.body ? res.json() : {}) as Json };
}
async function report(cookie = admin): Promise<number> {
  const r = await call(cookie, 'POST', '/api/tickets', { categoryCode: '0301', description: '门口有垃圾', regionCode: g1 });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.id;
}
async function act(cookie: string, id: number, action: string, body: Json = {}) {
  const r = await call(cookie, 'POST', `/api/tickets/${id}/actions/${action}`, body);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
}
const deliver = () => t.services.webhooks.deliverDue();

let endpoint: Json;

describe('webhook endpoints', () => {
  it('are registered by administrators; the secret is shown once', async () => {
    const r = await call(admin, 'POST', '/api/webhooks', { url: `${receiver.url}/hook`, events: ['ticket.created', 'ticket.status_changed', 'ticket.closed', 'ticket.rated'], regionCode: '150302', description: '区 12345 平台' });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.secret).toMatch(/^whsec_/);
    expect(r.json).toMatchObject({ regionCode: '150302000000', active: true, secretHint: r.json.secret.slice(0, 12) });
    endpoint = r.json;
    receiver.secret = r.json.secret;
    const list = await call(admin, 'GET', '/api/webhooks');
    expect(list.json.find((e: Json) => e.id === endpoint.id)).not.toHaveProperty('secret');
    // Elsewhere: another district's endpoint hears nothing from 150302.
    const other = await call(admin, 'POST', '/api/webhooks', { url: `${receiver.url}/other`, events: ['ticket.created'], regionCode: '150303' });
    expect(other.status).toBe(201);
    // Refused: a bad URL, no events, a role without webhook.write.
    expect((await call(admin, 'POST', '/api/webhooks', { url: 'ftp://example.org/x', events: ['ticket.created'] })).json.errors[0].field).toBe('url');
    expect((await call(admin, 'POST', '/api/webhooks', { url: `${receiver.url}/x`, events: [] })).status).toBe(400);
    expect((await call(await t.login('street01'), 'GET', '/api/webhooks')).json.code).toBe('auth.forbidden');
  });
});

describe('webhook delivery', () => {
  let firstDelivery: Json;

  it('writes an outbox row with the change, retries a failed delivery after the backoff, and the receiver sees it once with a valid signature', async () => {
    const id = await report();
    const [queued] = await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE ticket_id = ${id} AND status = 'pending'`);
    expect(queued!.n).toBe(1);

    receiver.failNext = 1;
    expect(await deliver()).toEqual({ claimed: 1, delivered: 0, retried: 1, failed: 0 });
    expect(receiver.log.at(-1)).toMatchObject({ path: '/hook', type: 'ticket.created', status: 500, verdict: 'forced failure' });
    // Not due again before the backoff (30 s).
    expect((await deliver()).claimed).toBe(0);
    tick(29_000);
    expect((await deliver()).claimed).toBe(0);
    tick(2_000);
    expect(await deliver()).toEqual({ claimed: 1, delivered: 1, retried: 0, failed: 0 });

    const forTicket = receiver.accepted.filter((a) => a.body.data.ticket.id === id);
    expect(forTicket.map((a) => a.type)).toEqual(['ticket.created']);
    const attempts = receiver.log.filter((l) => l.eventId === forTicket[0]!.eventId);
    expect(attempts.map((a) => a.status)).toEqual([500, 200]);
    // Same event id and body on both attempts; the signature is fresh each time.
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    expect(attempts[0]!.signature).not.toBe(attempts[1]!.signature);
    expect(forTicket[0]!.body.data.ticket).toMatchObject({ id, status: 'reported', previousStatus: null, regionCode: g1 });
    expect(JSON.stringify(forTicket[0]!.body)).not.toMatch(/reporter|phone/i);

    const log = await call(admin, 'GET', `/api/webhooks/${endpoint.id}/deliveries`);
    firstDelivery = log.json.items.find((d: Json) => d.ticketId === id);
    expect(firstDelivery).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(firstDelivery.log.map((a: Json) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 200, null],
    ]);
    for (const a of firstDelivery.log) expect(a.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('verifyWebhookSignature refuses a replayed delivery and a stale one', () => {
    const last = receiver.log.filter((l) => l.status === 200 && l.verdict === 'accepted').at(-1)!;
    // The receiver already accepted this event: the same request again is a replay.
    expect(verifyWebhookSignature(receiver.secret, last.signature, last.body, clock, receiver.seen)).toEqual({ ok: false, reason: 'replayed' });
    // Captured and sent later than 5 minutes: stale even to a receiver that forgot the id.
    expect(verifyWebhookSignature(receiver.secret, last.signature, last.body, new Date(clock.getTime() + 301_000), new Set())).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature('whsec_wrong', last.signature, last.body, clock)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('sends status changes, closing and rating as events', async () => {
    const id = await report(resident);
    await act(admin, id, 'accept', { dispatch: true });
    await act(admin, id, 'handle', { note: '已清运' });
    await act(admin, id, 'verify');
    await act(resident, id, 'rate', { rating: 'satisfied' });
    while ((await deliver()).claimed);
    const types = receiver.accepted.filter((a) => a.body.data.ticket.id === id).map((a) => `${a.type}:${a.body.data.ticket.status}`);
    expect(types.sort()).toEqual(['ticket.closed:closed', 'ticket.created:reported', 'ticket.rated:closed', 'ticket.status_changed:closed', 'ticket.status_changed:dispatched', 'ticket.status_changed:handled', 'ticket.status_changed:verified'].sort());
    const rated = receiver.accepted.find((a) => a.body.data.ticket.id === id && a.type === 'ticket.rated')!;
    expect(rated.body.data.ticket).toMatchObject({ rating: 'satisfied', reply: '已清运', previousStatus: 'verified' });
    // The other district's endpoint got nothing.
    const other = (await call(admin, 'GET', '/api/webhooks')).json.find((e: Json) => e.regionCode === '150303000000');
    expect((await call(admin, 'GET', `/api/webhooks/${other.id}/deliveries`)).json.items).toEqual([]);
  });

  it('redelivers on request with the same event id, which the receiver recognises', async () => {
    const before = receiver.log.length;
    const r = await call(admin, 'POST', `/api/webhooks/${endpoint.id}/deliveries/${firstDelivery.id}/redeliver`);
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await deliver()).delivered).toBe(1);
    expect(receiver.log.slice(before).map((l) => [l.eventId, l.verdict])).toEqual([[firstDelivery.eventId, 'replayed']]);
    expect((await call(admin, 'POST', `/api/webhooks/${endpoint.id}/deliveries/999999/redeliver`)).json.code).toBe('webhook.delivery_not_found');
  });

  it('marks a delivery failed after 10 attempts, each logged', async () => {
    const down = await call(admin, 'POST', '/api/webhooks', { url: `${receiver.url}/always-503`, events: ['ticket.created'], regionCode: g1 });
    const id = await report();
    for (let i = 0; i < 12; i++) {
      await deliver();
      tick(3600_000);
    }
    const d = (await call(admin, 'GET', `/api/webhooks/${down.json.id}/deliveries`)).json.items[0];
    expect(d).toMatchObject({ ticketId: id, status: 'failed', attempts: 10, lastStatusCode: 503, lastError: 'HTTP 503' });
    expect(d.log.map((a: Json) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The gaps follow the backoff: 30 s, 60 s, … (here the clock jumps an hour per round, so one attempt per round).
    expect(receiver.log.filter((l) => l.path === '/always-503')).toHaveLength(10);
    expect((await call(admin, 'DELETE', `/api/webhooks/${down.json.id}`)).status).toBe(204);
  });

  it('several processes delivering at once send each event once', async () => {
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(await report());
    const second = await openSecondConnection(t.database);
    const other = second ? createServices(second, t.config, { now }).webhooks : t.services.webhooks;
    try {
      const rounds = await Promise.all([deliver(), other.deliverDue(), deliver(), other.deliverDue()]);
      expect(rounds.reduce((n, r) => n + r.claimed, 0)).toBe(8);
    } finally {
      await second?.close();
    }
    for (const id of ids) {
      const arrivals = receiver.log.filter((l) => l.path === '/hook' && JSON.parse(l.body).data.ticket.id === id);
      expect(arrivals.map((a) => a.verdict)).toEqual(['accepted']);
    }
  });

  it('rotates the secret (new deliveries are signed with it) and deletes an endpoint with its log', async () => {
    const r = await call(admin, 'PATCH', `/api/webhooks/${endpoint.id}`, { rotateSecret: true, events: ['ticket.created'] });
    expect(r.status).toBe(200);
    expect(r.json.secret).toMatch(/^whsec_/);
    expect(r.json.secret).not.toBe(receiver.secret);
    const oldSecret = receiver.secret;
    receiver.secret = r.json.secret;
    await report();
    expect((await deliver()).delivered).toBe(1);
    const last = receiver.log.at(-1)!;
    expect(last.verdict).toBe('accepted');
    expect(verifyWebhookSignature(oldSecret, last.signature, last.body, clock).ok).toBe(false);
    expect((await call(admin, 'PATCH', `/api/webhooks/${endpoint.id}`, {})).json).not.toHaveProperty('secret');

    expect((await call(admin, 'DELETE', `/api/webhooks/${endpoint.id}`)).status).toBe(204);
    expect((await call(admin, 'GET', `/api/webhooks/${endpoint.id}/deliveries`)).json.code).toBe('webhook.not_found');
    const [left] = await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = ${endpoint.id}`);
    expect(left!.n).toBe(0);
  });
});
