import { and, asc, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { hotlineResults } from './schema.js';

export type ResultRow = typeof hotlineResults.$inferSelect;
export type ResultInsert = typeof hotlineResults.$inferInsert;

/** SQL for the hotline's result feed; nothing else touches this table. */
export const hotlineRepo = {
  async upsert(db: DbOrTx, r: ResultInsert): Promise<void> {
    const { ticketId: _id, ...rest } = r;
    await db.insert(hotlineResults).values(r).onConflictDoUpdate({ target: hotlineResults.ticketId, set: rest });
  },

  /**
   * Changes inside a scope after a position (changed_at, ticket id), up to `until`, oldest first.
   * The scope prefix is required: a list cannot be written without it.
   */
  async changes(db: DbOrTx, scopePath: string, after: { at: Date; id: number } | null, until: Date, limit: number): Promise<ResultRow[]> {
    const conds: SQL[] = [sql`${hotlineResults.regionPath} LIKE ${`${scopePath}%`}`, sql`${hotlineResults.changedAt} <= ${until.toISOString()}`];
    if (after) conds.push(sql`(${hotlineResults.changedAt}, ${hotlineResults.ticketId}) > (${after.at.toISOString()}::timestamptz, ${after.id})`);
    return db
      .select()
      .from(hotlineResults)
      .where(and(...conds))
      .orderBy(asc(hotlineResults.changedAt), asc(hotlineResults.ticketId))
      .limit(limit);
  },
};
