import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test/app.js';
import { rows } from '../db/client.js';

let t: TestApp;
let admin: string;

async function counts() {
  const r = await rows<{ regions: number; audit: number; users: number; buildings: number }>(
    t.database.db,
    sql`SELECT (SELECT count(*)::int FROM regions) AS regions, (SELECT count(*)::int FROM audit_log) AS audit,
               (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM buildings) AS buildings`,
  );
  return r[0]!;
}

beforeAll(async () => {
  t = await createTestApp('demo', { GRIDWORK_BODY_LIMIT: String(64 * 1024) });
  admin = await t.login('admin');
});
afterAll(() => t?.close());

describe('health', () => {
  it('healthz and readyz answer', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().migrations.applied).toBe(ready.json().migrations.shipped);
  });

  it('readyz is 503 when migrations are missing', async () => {
    const { openTestDatabase } = await import('../../test/db.js');
    const empty = await openTestDatabase('empty');
    await empty.db.execute(sql`DELETE FROM drizzle.__drizzle_migrations WHERE id = (SELECT max(id) FROM drizzle.__drizzle_migrations)`);
    const { buildApp } = await import('../../app.js');
    const app = await buildApp(empty, t.config);
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    await app.close();
    await empty.close();
  });

  it('serves the OpenAPI document and docs UI', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/regions/{code}/children');
    expect((await t.app.inject('/api/docs')).statusCode).toBeLessThan(400);
  });
});

describe('bad input gets the right 4xx problem and writes nothing', () => {
  const cases: { name: string; req: () => InjectOptions; status: number; code: string; field?: string }[] = [
    { name: 'wrong password', req: () => ({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'nope' } }), status: 401, code: 'auth.invalid_credentials' },
    { name: 'login missing field', req: () => ({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin' } }), status: 400, code: 'request.invalid', field: 'password' },
    { name: 'malformed code', req: () => ({ url: '/api/regions/15x3', headers: { cookie: admin } }), status: 400, code: 'region.invalid_code', field: 'code' },
    { name: 'code with a gap', req: () => ({ url: '/api/regions/150300001000', headers: { cookie: admin } }), status: 400, code: 'region.invalid_code' },
    { name: 'unknown code', req: () => ({ url: '/api/regions/150302999999', headers: { cookie: admin } }), status: 404, code: 'region.not_found' },
    { name: 'point outside', req: () => ({ url: '/api/geo/locate?lng=90&lat=30', headers: { cookie: admin } }), status: 404, code: 'geo.outside' },
    { name: 'point not a number', req: () => ({ url: '/api/geo/locate?lng=abc&lat=30', headers: { cookie: admin } }), status: 400, code: 'request.invalid', field: 'lng' },
    { name: 'latitude out of range', req: () => ({ url: '/api/geo/locate?lng=100&lat=95', headers: { cookie: admin } }), status: 400, code: 'request.invalid', field: 'lat' },
    {
      name: 'bad JSON',
      req: () => ({ method: 'POST', url: '/api/regions', payload: '{"parentCode":', headers: { cookie: admin, 'content-type': 'application/json' } }),
      status: 400,
      code: 'request.malformed_body',
    },
    {
      name: 'unknown field',
      req: () => ({ method: 'POST', url: '/api/regions', payload: { parentCode: '150302001002', name: 'x', level: 'grid', colour: 'red' }, headers: { cookie: admin } }),
      status: 400,
      code: 'request.invalid',
      field: 'colour',
    },
    {
      name: 'oversize body',
      req: () => ({ method: 'POST', url: '/api/regions', payload: JSON.stringify({ parentCode: '150302001002', name: 'x'.repeat(70_000), level: 'grid' }), headers: { cookie: admin, 'content-type': 'application/json' } }),
      status: 413,
      code: 'request.body_too_large',
    },
    {
      name: 'wrong content type',
      req: () => ({ method: 'POST', url: '/api/regions', payload: 'parentCode=1', headers: { cookie: admin, 'content-type': 'text/plain' } }),
      status: 415,
      code: 'request.unsupported_media_type',
    },
    {
      name: 'invalid geometry (bow-tie)',
      req: () => ({
        method: 'POST',
        url: '/api/regions',
        headers: { cookie: admin },
        payload: { parentCode: '150302001002', name: '坏网格', level: 'grid', geometry: { type: 'Polygon', coordinates: [[[106, 39], [106.1, 39.1], [106.1, 39], [106, 39.1], [106, 39]]] } },
      }),
      status: 400,
      code: 'region.geometry_invalid',
      field: 'geometry.coordinates[0]',
    },
    {
      name: 'grid under a street',
      req: () => ({ method: 'POST', url: '/api/regions', headers: { cookie: admin }, payload: { parentCode: '150302001000', name: 'x', level: 'grid' } }),
      status: 400,
      code: 'region.bad_parent',
      field: 'parentCode',
    },
    { name: 'no session', req: () => ({ url: '/api/regions/150300000000' }), status: 401, code: 'auth.required' },
    { name: 'unknown endpoint', req: () => ({ url: '/api/nothing-here', headers: { cookie: admin } }), status: 404, code: 'request.not_found' },
    {
      name: 'weak password for a new user',
      req: () => ({ method: 'POST', url: '/api/users', headers: { cookie: admin }, payload: { username: 'weakling', displayName: '弱', password: 'aaaaaaaa', role: 'grid_worker', scopeCode: '150302001002001' } }),
      status: 400,
      code: 'auth.weak_password',
      field: 'password',
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const before = await counts();
      const res = await t.app.inject(c.req());
      expect(res.statusCode, res.body).toBe(c.status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const p = res.json();
      expect(p.code).toBe(c.code);
      expect(p.status).toBe(c.status);
      expect(p.type).toBe(`urn:gridwork:problem:${c.code}`);
      expect(typeof p.title).toBe('string');
      if (c.field) expect(p.errors.map((e: { field: string }) => e.field)).toContain(c.field);
      const after = await counts();
      // Failed sign-ins are audited on purpose; nothing else may change.
      expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
      if (c.code !== 'auth.invalid_credentials') expect(after.audit).toBe(before.audit);
    });
  }

  it('answers in English when asked, Chinese by default', async () => {
    const zh = (await t.app.inject({ url: '/api/regions/1' , headers: { cookie: admin } })).json();
    expect(zh.title).toBe('区划代码格式不正确');
    expect(zh.errors[0].message).toMatch(/12 位/);
    const en = (await t.app.inject({ url: '/api/regions/1', headers: { cookie: admin, 'accept-language': 'en-US,en;q=0.9' } })).json();
    expect(en.title).toBe('Malformed region code');
    expect(en.errors[0].message).toMatch(/12-digit/);
  });
});

describe('logs', () => {
  it('never carry searched ID numbers, phones or names', async () => {
    const { redactQuery } = await import('./app.js');
    expect(redactQuery('/api/people?idNumber=11010519491231002X&limit=5&phone=13800138000&q=%E5%BC%A0')).toBe(
      '/api/people?idNumber=[redacted]&limit=5&phone=[redacted]&q=[redacted]',
    );
  });
});
