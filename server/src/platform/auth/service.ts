import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import { AppError } from '../errors/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { isRole, type Actor } from '../scope/index.js';
import { authRepo, type UserRow } from './repo.js';
import { sessionCache } from './sessionCache.js';
import { checkPasswordStrength, getDummyHash, hashPassword, verifyPassword } from './password.js';

export const SESSION_COOKIE = 'gw_session';

/** Failed sign-ins before an account is locked, and for how long. */
export const LOCKOUT = { maxFailures: 5, lockMs: 15 * 60_000 };
/** Failed sign-ins from one address within a window before it is throttled. */
export const THROTTLE = { maxFailures: 20, windowMs: 15 * 60_000 };
/** Extend a session at most this often, so reads do not turn into writes. */
const TOUCH_EVERY_MS = 5 * 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function actorFromUser(u: UserRow): Actor {
  if (!isRole(u.role)) throw new Error(`user ${u.id} has unknown role ${u.role}`);
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    scopeCode: u.scopeCode,
    scopePath: u.scopePath,
    department: u.department,
  };
}

export function normaliseUsername(u: string): string {
  return u.trim().toLowerCase();
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  actor: Actor;
}

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly sessionTtlMs: number,
  ) {}

  async login(usernameRaw: string, password: string, ctx: AuditContext, userAgent?: string): Promise<LoginResult> {
    const username = normaliseUsername(usernameRaw);
    const ipKey = `ip:${ctx.ip ?? 'unknown'}`;
    const throttle = await authRepo.getThrottle(this.db, ipKey);
    if (throttle && throttle.failures >= THROTTLE.maxFailures && throttle.windowStartedAt.getTime() > Date.now() - THROTTLE.windowMs) {
      const retry = Math.ceil((throttle.windowStartedAt.getTime() + THROTTLE.windowMs - Date.now()) / 1000);
      throw new AppError('auth.throttled', { headers: { 'retry-after': String(retry) } });
    }

    const user = await authRepo.findByUsername(this.db, username);
    if (!user) {
      await verifyPassword(password, await getDummyHash());
      await this.recordFailure(null, username, ipKey, ctx, 'unknown_user');
      throw new AppError('auth.invalid_credentials');
    }
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      const retry = Math.ceil((user.lockedUntil.getTime() - Date.now()) / 1000);
      throw new AppError('auth.account_locked', { headers: { 'retry-after': String(retry) } });
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      const locked = await this.recordFailure(user, username, ipKey, ctx, 'wrong_password');
      if (locked) throw new AppError('auth.account_locked', { headers: { 'retry-after': String(LOCKOUT.lockMs / 1000) } });
      throw new AppError('auth.invalid_credentials');
    }
    if (!user.active) throw new AppError('auth.account_disabled');

    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    const actor = actorFromUser(user);
    await this.db.transaction(async (tx) => {
      if (user.failedAttempts > 0 || user.lockedUntil) await authRepo.update(tx, user.id, { failedAttempts: 0, lockedUntil: null });
      await authRepo.insertSession(tx, {
        tokenHash: hashToken(token),
        userId: user.id,
        expiresAt,
        ip: ctx.ip,
        userAgent: userAgent?.slice(0, 256) ?? null,
      });
      await recordAudit(tx, { ...ctx, actor }, { action: 'auth.login', entityType: 'user', entityId: user.id, scopePath: user.scopePath });
    });
    return { token, expiresAt, actor };
  }

  /** Count a failure against the address and the account; returns true when the account just got locked. */
  private async recordFailure(user: UserRow | null, username: string, ipKey: string, ctx: AuditContext, reason: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await authRepo.addThrottleFailure(tx, ipKey, THROTTLE.windowMs);
      let locked = false;
      if (user) {
        const fresh = (await authRepo.findByIdForUpdate(tx, user.id))!;
        const failures = fresh.failedAttempts + 1;
        locked = failures >= LOCKOUT.maxFailures;
        await authRepo.update(tx, user.id, {
          failedAttempts: locked ? 0 : failures,
          lockedUntil: locked ? new Date(Date.now() + LOCKOUT.lockMs) : fresh.lockedUntil,
        });
      }
      await recordAudit(tx, ctx, {
        action: locked ? 'auth.account_locked' : 'auth.login_failed',
        entityType: 'user',
        entityId: user?.id ?? null,
        scopePath: user?.scopePath ?? null,
        after: { username, reason },
      });
      return locked;
    });
  }

  /** Resolve a session cookie to its user; null when missing, expired or the user is disabled. */
  async resolveSession(token: string | undefined): Promise<{ actor: Actor; tokenHash: string } | null> {
    if (!token || token.length > 100) return null;
    const tokenHash = hashToken(token);
    const now = Date.now();
    const cached = sessionCache.get(tokenHash, now);
    if (cached && now - cached.lastSeenAt <= TOUCH_EVERY_MS) return { actor: cached.actor, tokenHash };
    const found = await authRepo.findSession(this.db, tokenHash);
    if (!found || !found.user.active) return null;
    let { lastSeenAt, expiresAt } = found.session;
    if (now - lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      lastSeenAt = new Date(now);
      expiresAt = new Date(now + this.sessionTtlMs);
      await authRepo.touchSession(this.db, tokenHash, expiresAt);
    }
    const actor = actorFromUser(found.user);
    sessionCache.set(tokenHash, { actor, expiresAt: expiresAt.getTime(), lastSeenAt: lastSeenAt.getTime() }, now);
    return { actor, tokenHash };
  }

  async purgeExpired(): Promise<void> {
    await authRepo.purgeExpiredSessions(this.db);
    await authRepo.purgeThrottle(this.db, THROTTLE.windowMs);
  }

  async logout(tokenHash: string, ctx: AuditContext): Promise<void> {
    await this.db.transaction(async (tx) => {
      await authRepo.deleteSession(tx, tokenHash);
      if (ctx.actor) {
        await recordAudit(tx, ctx, { action: 'auth.logout', entityType: 'user', entityId: ctx.actor.id, scopePath: ctx.actor.scopePath });
      }
    });
  }

  async changePassword(actor: Actor, currentTokenHash: string, current: string, next: string, ctx: AuditContext): Promise<void> {
    const user = await authRepo.findById(this.db, actor.id);
    if (!user) throw new AppError('auth.required');
    if (!(await verifyPassword(current, user.passwordHash))) {
      throw new AppError('auth.wrong_password', {
        fields: [{ field: 'currentPassword', rule: 'wrong_password', message: { zh: '当前密码不正确', en: 'is wrong' } }],
      });
    }
    checkPasswordStrength(next, user.username);
    const passwordHash = await hashPassword(next);
    await this.db.transaction(async (tx) => {
      await authRepo.update(tx, user.id, { passwordHash, passwordChangedAt: new Date() });
      // Other devices must sign in again with the new password.
      await authRepo.deleteUserSessions(tx, user.id, currentTokenHash);
      await recordAudit(tx, ctx, { action: 'auth.password_changed', entityType: 'user', entityId: user.id, scopePath: user.scopePath });
    });
  }
}
