import { and, asc, eq, gt, ilike, like, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { sessionCache } from './sessionCache.js';
import { loginThrottle, sessions, users } from './schema.js';

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

/** SQL for the users and sessions tables; nothing else touches them. */
export const authRepo = {
  async findByUsername(db: DbOrTx, username: string): Promise<UserRow | undefined> {
    const r = await db.select().from(users).where(eq(users.username, username)).limit(1);
    return r[0];
  },

  async findById(db: DbOrTx, id: number): Promise<UserRow | undefined> {
    const r = await db.select().from(users).where(eq(users.id, id)).limit(1);
    return r[0];
  },

  /** Lock the row for a read-modify-write (failed-attempt counting, admin edits). */
  async findByIdForUpdate(db: DbOrTx, id: number): Promise<UserRow | undefined> {
    const r = await db.select().from(users).where(eq(users.id, id)).for('update').limit(1);
    return r[0];
  },

  async insert(db: DbOrTx, row: NewUserRow): Promise<UserRow> {
    const r = await db.insert(users).values(row).returning();
    return r[0]!;
  },

  async update(db: DbOrTx, id: number, patch: Partial<NewUserRow>): Promise<UserRow> {
    sessionCache.forgetUser(id);
    const r = await db
      .update(users)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    return r[0]!;
  },

  async list(
    db: DbOrTx,
    q: { scopePath: string; includeUnscoped: boolean; search?: string; role?: string; afterId?: number; limit: number },
  ): Promise<UserRow[]> {
    const scopeCond = q.includeUnscoped
      ? or(like(users.scopePath, `${q.scopePath}%`), sql`${users.scopePath} IS NULL`)
      : like(users.scopePath, `${q.scopePath}%`);
    const conds = [scopeCond];
    if (q.search) {
      const pattern = `%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      conds.push(or(ilike(users.username, pattern), ilike(users.displayName, pattern), ilike(users.phone, pattern)));
    }
    if (q.role) conds.push(eq(users.role, q.role));
    if (q.afterId) conds.push(gt(users.id, q.afterId));
    return db
      .select()
      .from(users)
      .where(and(...conds))
      .orderBy(asc(users.id))
      .limit(q.limit);
  },

  async countUsers(db: DbOrTx): Promise<number> {
    const r = await db.select({ n: sql<number>`count(*)::int` }).from(users);
    return r[0]?.n ?? 0;
  },

  async insertSession(db: DbOrTx, row: typeof sessions.$inferInsert): Promise<void> {
    await db.insert(sessions).values(row);
  },

  async findSession(db: DbOrTx, tokenHash: string) {
    const r = await db
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date())))
      .limit(1);
    return r[0];
  },

  async touchSession(db: DbOrTx, tokenHash: string, expiresAt: Date): Promise<void> {
    await db.update(sessions).set({ lastSeenAt: new Date(), expiresAt }).where(eq(sessions.tokenHash, tokenHash));
  },

  async deleteSession(db: DbOrTx, tokenHash: string): Promise<void> {
    sessionCache.forget(tokenHash);
    await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
  },

  /** Sign a user out everywhere except (optionally) one session. */
  async deleteUserSessions(db: DbOrTx, userId: number, exceptTokenHash?: string): Promise<void> {
    sessionCache.forgetUser(userId);
    const cond = exceptTokenHash
      ? and(eq(sessions.userId, userId), sql`${sessions.tokenHash} <> ${exceptTokenHash}`)
      : eq(sessions.userId, userId);
    await db.delete(sessions).where(cond);
  },

  async purgeExpiredSessions(db: DbOrTx): Promise<void> {
    await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
  },

  async getThrottle(db: DbOrTx, key: string) {
    const r = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key)).limit(1);
    return r[0];
  },

  /** Count one failure in the key's window, starting a new window when the old one has passed. */
  async addThrottleFailure(db: DbOrTx, key: string, windowMs: number): Promise<void> {
    const windowStart = new Date(Date.now() - windowMs);
    await db
      .insert(loginThrottle)
      .values({ key, failures: 1, windowStartedAt: new Date() })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`CASE WHEN ${loginThrottle.windowStartedAt} < ${windowStart} THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
          windowStartedAt: sql`CASE WHEN ${loginThrottle.windowStartedAt} < ${windowStart} THEN now() ELSE ${loginThrottle.windowStartedAt} END`,
        },
      });
  },

  async purgeThrottle(db: DbOrTx, windowMs: number): Promise<void> {
    await db.delete(loginThrottle).where(lt(loginThrottle.windowStartedAt, new Date(Date.now() - windowMs)));
  },

};
