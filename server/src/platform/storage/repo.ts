import { and, asc, count, eq, gte, inArray, isNull, lt, min } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { uploads } from './schema.js';

export type UploadRow = typeof uploads.$inferSelect;
export type NewUploadRow = Omit<typeof uploads.$inferInsert, 'createdAt'>;

/** Every SQL statement on `uploads`. */
export const uploadsRepo = {
  async insert(db: DbOrTx, row: NewUploadRow): Promise<UploadRow> {
    const [r] = await db.insert(uploads).values(row).returning();
    return r!;
  },

  async byIds(db: DbOrTx, ids: string[]): Promise<UploadRow[]> {
    if (!ids.length) return [];
    return db.select().from(uploads).where(inArray(uploads.id, ids));
  },

  /** How many uploads one user made since a moment, and the oldest of them (for the per-user rate limit). */
  async windowSince(db: DbOrTx, uploaderUserId: number, since: Date): Promise<{ n: number; oldest: Date | null }> {
    const [r] = await db
      .select({ n: count(), oldest: min(uploads.createdAt) })
      .from(uploads)
      .where(and(eq(uploads.uploaderUserId, uploaderUserId), gte(uploads.createdAt, since)));
    return { n: Number(r?.n ?? 0), oldest: r?.oldest ? new Date(r.oldest) : null };
  },

  /**
   * Uploads made before `before` that the orphan sweep has not kept, oldest first, locked for this
   * transaction (SKIP LOCKED: two servers sweeping at once share the work instead of waiting).
   */
  async lockUnswept(db: DbOrTx, before: Date, limit: number): Promise<UploadRow[]> {
    return db
      .select()
      .from(uploads)
      .where(and(isNull(uploads.keptAt), lt(uploads.createdAt, before)))
      .orderBy(asc(uploads.createdAt))
      .limit(limit)
      .for('update', { skipLocked: true });
  },

  async markKept(db: DbOrTx, ids: string[], at: Date): Promise<void> {
    if (ids.length) await db.update(uploads).set({ keptAt: at }).where(inArray(uploads.id, ids));
  },

  async delete(db: DbOrTx, ids: string[]): Promise<void> {
    if (ids.length) await db.delete(uploads).where(inArray(uploads.id, ids));
  },
};
