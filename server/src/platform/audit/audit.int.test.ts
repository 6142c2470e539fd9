import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test/app.js';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp('demo');
  admin = await t.login('admin');
});
afterAll(() => t?.close());

describe('audit log', () => {
  it('records who, what, when, before and after for a write', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/regions/150302001002001', headers: { cookie: admin }, payload: { name: '和平第一网格' } });
    expect(res.statusCode).toBe(200);
    const list = await t.app.inject({ url: '/api/audit?entityType=region&entityId=150302001002001&action=region.update', headers: { cookie: admin } });
    const e = list.json().items[0];
    expect(e).toMatchObject({ action: 'region.update', entityType: 'region', entityId: '150302001002001', actor: { username: 'admin', role: 'city_admin' } });
    expect(e.before.name).not.toBe('和平第一网格');
    expect(e.after.name).toBe('和平第一网格');
    expect(new Date(e.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    for (const q of [sql`UPDATE audit_log SET action = 'x'`, sql`DELETE FROM audit_log`, sql`TRUNCATE audit_log`]) {
      // Drizzle wraps the driver's error; the trigger's message is in the cause.
      const err = await t.database.db.execute(q).then(() => null, (e: Error & { cause?: Error }) => e);
      expect(String(err?.cause?.message ?? err?.message)).toMatch(/append-only/);
    }
  });

  it('filters by actor, action prefix and time, and pages with a cursor', async () => {
    await t.login('street01');
    const byActor = (await t.app.inject({ url: '/api/audit?actor=street01&action=auth.*', headers: { cookie: admin } })).json();
    expect(byActor.items.length).toBeGreaterThan(0);
    expect(byActor.items.every((e: { actor: { username: string }; action: string }) => e.actor.username === 'street01' && e.action.startsWith('auth.'))).toBe(true);
    const future = (await t.app.inject({ url: `/api/audit?from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`, headers: { cookie: admin } })).json();
    expect(future.items).toEqual([]);
    const p1 = (await t.app.inject({ url: '/api/audit?limit=2', headers: { cookie: admin } })).json();
    expect(p1.items).toHaveLength(2);
    const p2 = (await t.app.inject({ url: `/api/audit?limit=2&cursor=${p1.nextCursor}`, headers: { cookie: admin } })).json();
    expect(p2.items[0].id).toBeLessThan(p1.items[1].id);
  });

  it('is not readable by a street worker', async () => {
    const street = await t.login('street01');
    const res = await t.app.inject({ url: '/api/audit', headers: { cookie: street } });
    expect(res.statusCode).toBe(403);
  });
});
