import { and, count, eq, gte, inArray, min } from 'drizzle-orm';
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
};
