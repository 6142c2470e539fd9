import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, cookieOf, type TestApp } from '../../test/app.js';
import { SYSTEM_CONTEXT } from '../audit/index.js';
import { rows } from '../db/client.js';
import { LOCKOUT, THROTTLE } from './service.js';
import { hashPassword, verifyPassword } from './password.js';

let t: TestApp;
const PW = 'Passw0rd-auth';

async function login(username: string, password: string, ip = '10.1.1.1') {
  return t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });
}

beforeAll(async () => {
  t = await createTestApp('demo');
  for (const u of ['alice', 'bob', 'carol', 'dave']) {
    await t.services.users.ensureSystemUser({ username: u, displayName: u, password: PW, role: 'grid_worker', scopeCode: '150302001002001' }, SYSTEM_CONTEXT);
  }
});
afterAll(() => t?.close());

describe('passwords', () => {
  it('hashes with scrypt and a salt; verifies only the right password', async () => {
    const a = await hashPassword('secret-1');
    const b = await hashPassword('secret-1');
    expect(a).toMatch(/^scrypt\$\d+\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('secret-1', a)).toBe(true);
    expect(await verifyPassword('secret-2', a)).toBe(false);
    expect(await verifyPassword('secret-1', 'garbage')).toBe(false);
  });
});

describe('sessions', () => {
  it('log in, see me, log out, and the cookie is dead', async () => {
    const res = await login('alice', PW);
    expect(res.statusCode).toBe(200);
    const set = res.cookies.find((c) => c.name === 'gw_session')!;
    expect(set.httpOnly).toBe(true);
    expect(set.sameSite).toBe('Lax');
    const cookie = cookieOf(res);
    const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie } });
    expect(me.json().user).toMatchObject({ username: 'alice', role: 'grid_worker', scope: { code: '150302001002001', level: 'grid' } });
    expect(me.json().user.permissions).toContain('region.read');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('usernames are case-insensitive', async () => {
    expect((await login('ALICE', PW)).statusCode).toBe(200);
  });

  it('a forged or expired cookie is not a session', async () => {
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: 'gw_session=forged' } })).statusCode).toBe(401);
    const cookie = cookieOf(await login('alice', PW));
    await t.database.db.execute(sql`UPDATE sessions SET expires_at = now() - interval '1 second'`);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('lockout and throttling', () => {
  it(`locks an account after ${LOCKOUT.maxFailures} wrong passwords, even for the right one, and audits it`, async () => {
    for (let i = 1; i < LOCKOUT.maxFailures; i++) {
      const r = await login('bob', 'wrong', `10.2.0.${i}`);
      expect(r.json().code).toBe('auth.invalid_credentials');
    }
    const locked = await login('bob', 'wrong', '10.2.1.1');
    expect(locked.statusCode).toBe(401);
    expect(locked.json().code).toBe('auth.account_locked');
    const right = await login('bob', PW, '10.2.1.2');
    expect(right.json().code).toBe('auth.account_locked');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    const audit = await rows<{ action: string }>(t.database.db, sql`SELECT action FROM audit_log WHERE action LIKE 'auth.%' AND after->>'username' = 'bob'`);
    expect(audit.map((a) => a.action)).toContain('auth.account_locked');
  });

  it('an administrator can unlock, after which the right password works', async () => {
    const admin = await t.login('admin');
    const bob = await rows<{ id: number }>(t.database.db, sql`SELECT id FROM users WHERE username = 'bob'`);
    const res = await t.app.inject({ method: 'POST', url: `/api/users/${bob[0]!.id}/unlock`, headers: { cookie: admin } });
    expect(res.statusCode).toBe(200);
    expect(res.json().lockedUntil).toBeNull();
    expect((await login('bob', PW, '10.2.2.1')).statusCode).toBe(200);
  });

  it(`throttles an address after ${THROTTLE.maxFailures} failures, whichever usernames it tries`, async () => {
    const ip = '10.3.3.3';
    for (let i = 0; i < THROTTLE.maxFailures; i++) await login(`nobody${i}`, 'x', ip);
    const r = await login('carol', PW, ip);
    expect(r.statusCode).toBe(429);
    expect(r.json().code).toBe('auth.throttled');
    expect((await login('carol', PW, '10.3.3.4')).statusCode).toBe(200);
  });

  it('a disabled account cannot sign in', async () => {
    await t.database.db.execute(sql`UPDATE users SET active = false WHERE username = 'dave'`);
    const r = await login('dave', PW, '10.4.0.1');
    expect(r.json().code).toBe('auth.account_disabled');
  });
});

describe('password change', () => {
  it('checks the current password and the policy, then ends other sessions', async () => {
    const other = cookieOf(await login('carol', PW, '10.5.0.1'));
    const mine = cookieOf(await login('carol', PW, '10.5.0.2'));
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: mine }, payload: { currentPassword: 'nope', newPassword: 'NewPassw0rd' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].field).toBe('currentPassword');
    const weak = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: mine }, payload: { currentPassword: PW, newPassword: 'short' } });
    expect(weak.json().code).toBe('auth.weak_password');
    expect(weak.json().errors[0].field).toBe('newPassword');
    const ok = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: mine }, payload: { currentPassword: PW, newPassword: 'NewPassw0rd-2026' } });
    expect(ok.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: mine } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: other } })).statusCode).toBe(401);
    expect((await login('carol', PW, '10.5.0.3')).statusCode).toBe(401);
    expect((await login('carol', 'NewPassw0rd-2026', '10.5.0.4')).statusCode).toBe(200);
  });
});
