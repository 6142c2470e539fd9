import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test/app.js';
import { jpegWithGps } from '../../test/imageFixtures.js';
import { rows } from '../db/client.js';
import { authRepo } from '../auth/repo.js';
import { idempotencyStore } from './idempotency.js';

let t: TestApp;
let dataDir: string;
let admin: string;
let community: string;
let g1: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-idem-'));
  t = await createTestApp('demo', { GRIDWORK_DATA_DIR: dataDir });
  const first = async (code: string) => (await t.services.regions.childrenUnchecked(code))[0]!.code;
  g1 = await first(await first(await first('150302000000')));
  admin = await t.login('admin');
  community = await t.login('community01');
}, 120_000);

afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const key = () => randomUUID();
const ticket = (marker: string, extra: Record<string, unknown> = {}) => ({ categoryCode: '0301', description: marker, regionCode: g1, ...extra });
async function post(url: string, body: unknown, headers: Record<string, string>) {
  return t.app.inject({ method: 'POST', url, payload: body as never, headers });
}
async function ticketsWith(marker: string): Promise<number> {
  const r = await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM tickets WHERE description = ${marker}`);
  return r[0]!.n;
}

describe('Idempotency-Key', () => {
  it('a retry with the same key and body returns the first response and creates nothing', async () => {
    const k = key();
    const marker = `idem-${k}`;
    const first = await post('/api/tickets', ticket(marker), { cookie: admin, 'idempotency-key': k });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('/api/tickets', ticket(marker), { cookie: admin, 'idempotency-key': k });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.body).toBe(first.body);
    expect(await ticketsWith(marker)).toBe(1);
    // Without a key, the same request creates again (the header is opt-in for clients).
    expect((await post('/api/tickets', ticket(marker), { cookie: admin })).statusCode).toBe(201);
    expect(await ticketsWith(marker)).toBe(2);
  });

  it('the same key with a different body is 422 and creates nothing', async () => {
    const k = key();
    expect((await post('/api/tickets', ticket(`a-${k}`), { cookie: admin, 'idempotency-key': k })).statusCode).toBe(201);
    const other = await post('/api/tickets', ticket(`b-${k}`), { cookie: admin, 'idempotency-key': k });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency.key_reused');
    expect(await ticketsWith(`b-${k}`)).toBe(0);
    // Keys are per user: another user may use the same one.
    expect((await post('/api/tickets', ticket(`b-${k}`), { cookie: community, 'idempotency-key': k })).statusCode).toBe(201);
  });

  it('a retry while the first request is still in flight is 409', async () => {
    const k = key();
    const adminId = (await authRepo.findByUsername(t.database.db, 'admin'))!.id;
    expect(await idempotencyStore.reserve(t.database.db, { userId: adminId, method: 'POST', path: '/api/tickets', key: k, token: randomUUID() }, new Date())).toBe('reserved');
    const res = await post('/api/tickets', ticket(`f-${k}`), { cookie: admin, 'idempotency-key': k });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('idempotency.in_flight');
    expect(res.headers['retry-after']).toBe('1');
    expect(await ticketsWith(`f-${k}`)).toBe(0);
    // A reservation whose request died is taken over once its lease (2 minutes) has passed.
    await t.database.db.execute(sql`UPDATE idempotency_keys SET lease_until = now() - interval '1 second' WHERE key = ${k}`);
    expect((await post('/api/tickets', ticket(`f-${k}`), { cookie: admin, 'idempotency-key': k })).statusCode).toBe(201);
  });

  it('an error response is not stored: the key may be used again', async () => {
    const k = key();
    const bad = await post('/api/tickets', ticket(`e-${k}`, { categoryCode: '9999' }), { cookie: admin, 'idempotency-key': k });
    expect(bad.statusCode).toBe(400);
    const good = await post('/api/tickets', ticket(`e-${k}`), { cookie: admin, 'idempotency-key': k });
    expect(good.statusCode).toBe(201);
    expect(good.headers['idempotent-replayed']).toBeUndefined();
  });

  it('multipart uploads match across boundaries and differ by content', async () => {
    const k = key();
    const upload = (boundary: string, bytes: Buffer) =>
      post('/api/uploads', Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), {
        cookie: admin,
        'idempotency-key': k,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      });
    const first = await upload('----boundaryOne1', jpegWithGps());
    expect(first.statusCode, first.body).toBe(201);
    const retry = await upload('----boundaryTwo22', jpegWithGps());
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    const changed = await upload('----boundaryOne1', jpegWithGps(3));
    expect([changed.statusCode, changed.json().code]).toEqual([422, 'idempotency.key_reused']);
  });

  it('covers the hotline import: a replayed import answers with the first report and does not run again', async () => {
    const k = key();
    const b = (await t.services.regions.buildings({ id: 0, username: 's', displayName: 's', role: 'city_admin', scopeCode: '150300000000', scopePath: '1503', department: null }, g1, 0, 1)).items[0]!;
    const csv = Buffer.from(`ticketNo,receivedAt,callerPhone,content,categoryCode,lng,lat\nIDEM-${k.slice(0, 8)},2026-01-05 10:00:00,13800001111,x,0301,${b.lng},${b.lat}\n`);
    const headers = { cookie: admin, 'idempotency-key': k, 'content-type': 'text/csv' };
    const first = await post('/api/hotline/tickets', csv, headers);
    expect(first.json()).toMatchObject({ created: 1, duplicates: 0 });
    const again = await post('/api/hotline/tickets', csv, headers);
    // Run again, it would say "duplicate"; replayed, it says what the first run did.
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toMatchObject({ created: 1, duplicates: 0 });
    // The query string is part of the request: a dry run with the same key is a different request.
    expect((await post('/api/hotline/tickets?dryRun=true', csv, headers)).statusCode).toBe(422);
  });

  it('refuses a malformed key, ignores the header on routes that do not opt in, and keeps bodies encrypted', async () => {
    const long = await post('/api/tickets', ticket('long-key'), { cookie: admin, 'idempotency-key': 'k'.repeat(256) });
    expect([long.statusCode, long.json().errors[0].field]).toEqual([400, 'Idempotency-Key']);
    const k = key();
    const read1 = await post('/api/tickets/inbox/read', { ids: [1] }, { cookie: admin, 'idempotency-key': k });
    const read2 = await post('/api/tickets/inbox/read', { ids: [1] }, { cookie: admin, 'idempotency-key': k });
    expect([read1.statusCode, read2.statusCode, read2.headers['idempotent-replayed']]).toEqual([200, 200, undefined]);

    const k2 = key();
    const created = await post('/api/tickets', ticket(`enc-${k2}`), { cookie: admin, 'idempotency-key': k2 });
    const [stored] = await rows<{ response_body: string; state: string; request_hash: string }>(t.database.db, sql`SELECT response_body, state, request_hash FROM idempotency_keys WHERE key = ${k2}`);
    expect(stored!.state).toBe('done');
    expect(stored!.request_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored!.response_body).not.toContain(created.json().no);
  });

  it('keys expire after 24 hours and are purged', async () => {
    const k = key();
    expect((await post('/api/tickets', ticket(`x-${k}`), { cookie: admin, 'idempotency-key': k })).statusCode).toBe(201);
    expect(await idempotencyStore.purgeExpired(t.database.db, new Date(Date.now() + 23 * 3600_000))).toBe(0);
    expect(await idempotencyStore.purgeExpired(t.database.db, new Date(Date.now() + 25 * 3600_000))).toBeGreaterThan(0);
    const reuse = await post('/api/tickets', ticket(`y-${k}`), { cookie: admin, 'idempotency-key': k });
    expect([reuse.statusCode, reuse.headers['idempotent-replayed']]).toEqual([201, undefined]);
  });
});
