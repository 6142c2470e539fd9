import { and, asc, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from './schema.js';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type EndpointInsert = typeof webhookEndpoints.$inferInsert;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type DeliveryInsert = typeof webhookDeliveries.$inferInsert;
export type AttemptRow = typeof webhookAttempts.$inferSelect;
export type AttemptInsert = typeof webhookAttempts.$inferInsert;

/** SQL for webhook endpoints, the outbox and its attempt log; nothing else touches these tables. */
export const webhookRepo = {
  async insertEndpoint(db: DbOrTx, e: EndpointInsert): Promise<EndpointRow> {
    const [row] = await db.insert(webhookEndpoints).values(e).returning();
    return row!;
  },

  async getEndpoint(db: DbOrTx, id: number): Promise<EndpointRow | undefined> {
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    return row;
  },

  async endpointsIn(db: DbOrTx, scopePath: string): Promise<EndpointRow[]> {
    return db
      .select()
      .from(webhookEndpoints)
      .where(sql`${webhookEndpoints.regionPath} LIKE ${`${scopePath}%`}`)
      .orderBy(asc(webhookEndpoints.id));
  },

  async updateEndpoint(db: DbOrTx, id: number, patch: Partial<EndpointInsert>): Promise<EndpointRow> {
    const [row] = await db.update(webhookEndpoints).set(patch).where(eq(webhookEndpoints.id, id)).returning();
    return row!;
  },

  /** An endpoint and everything queued or logged for it. */
  async deleteEndpoint(db: DbOrTx, id: number): Promise<void> {
    await db.delete(webhookAttempts).where(inArray(webhookAttempts.deliveryId, db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id))));
    await db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id));
    await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  },

  /** Active endpoints whose region contains a ticket at `regionPath`. */
  async allActive(db: DbOrTx): Promise<Pick<EndpointRow, 'id' | 'events' | 'regionPath'>[]> {
    return db.select({ id: webhookEndpoints.id, events: webhookEndpoints.events, regionPath: webhookEndpoints.regionPath }).from(webhookEndpoints).where(eq(webhookEndpoints.active, true));
  },

  async insertDeliveries(db: DbOrTx, rows: DeliveryInsert[]): Promise<void> {
    if (rows.length) await db.insert(webhookDeliveries).values(rows).onConflictDoNothing();
  },

  async getDelivery(db: DbOrTx, endpointId: number, id: number): Promise<DeliveryRow | undefined> {
    const [row] = await db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.endpointId, endpointId)));
    return row;
  },

  async deliveries(db: DbOrTx, endpointId: number, f: { status?: string; before?: number; limit: number }): Promise<DeliveryRow[]> {
    const conds = [eq(webhookDeliveries.endpointId, endpointId)];
    if (f.status) conds.push(eq(webhookDeliveries.status, f.status));
    if (f.before) conds.push(lt(webhookDeliveries.id, f.before));
    return db
      .select()
      .from(webhookDeliveries)
      .where(and(...conds))
      .orderBy(desc(webhookDeliveries.id))
      .limit(f.limit);
  },

  async attemptsOf(db: DbOrTx, deliveryIds: number[]): Promise<AttemptRow[]> {
    if (!deliveryIds.length) return [];
    return db.select().from(webhookAttempts).where(inArray(webhookAttempts.deliveryId, deliveryIds)).orderBy(asc(webhookAttempts.id));
  },

  /**
   * Due deliveries of active endpoints, locked for this transaction only: another process's
   * claim skips them (SKIP LOCKED). The caller moves `next_attempt_at` to the end of a lease in
   * the same transaction, so once it commits nobody else picks them up while they are sent.
   */
  async lockDue(db: DbOrTx, now: Date, limit: number): Promise<DeliveryRow[]> {
    return db
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.status, 'pending'),
          lte(webhookDeliveries.nextAttemptAt, now),
          inArray(webhookDeliveries.endpointId, db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.active, true))),
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true });
  },

  async lease(db: DbOrTx, ids: number[], until: Date): Promise<void> {
    if (!ids.length) return;
    await db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: until, attempts: sql`${webhookDeliveries.attempts} + 1` })
      .where(inArray(webhookDeliveries.id, ids));
  },

  async endpointsByIds(db: DbOrTx, ids: number[]): Promise<EndpointRow[]> {
    if (!ids.length) return [];
    return db.select().from(webhookEndpoints).where(inArray(webhookEndpoints.id, ids));
  },

  async logAttempt(db: DbOrTx, a: AttemptInsert): Promise<void> {
    await db.insert(webhookAttempts).values(a);
  },

  /** Record the outcome of the attempt that holds the lease; a late answer after a re-claim changes nothing. */
  async settle(db: DbOrTx, id: number, attempts: number, patch: Partial<DeliveryInsert>): Promise<boolean> {
    const r = await db
      .update(webhookDeliveries)
      .set(patch)
      .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.attempts, attempts), eq(webhookDeliveries.status, 'pending')))
      .returning({ id: webhookDeliveries.id });
    return r.length > 0;
  },

  async requeue(db: DbOrTx, id: number, at: Date): Promise<DeliveryRow> {
    const [row] = await db
      .update(webhookDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: at, deliveredAt: null })
      .where(eq(webhookDeliveries.id, id))
      .returning();
    return row!;
  },

  /** Delivered and failed rows (and their attempts) older than `before`. */
  async purgeFinished(db: DbOrTx, before: Date): Promise<number> {
    const old = db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(inArray(webhookDeliveries.status, ['delivered', 'failed']), lt(webhookDeliveries.createdAt, before)));
    await db.delete(webhookAttempts).where(inArray(webhookAttempts.deliveryId, old));
    const r = await db
      .delete(webhookDeliveries)
      .where(and(inArray(webhookDeliveries.status, ['delivered', 'failed']), lt(webhookDeliveries.createdAt, before)))
      .returning({ id: webhookDeliveries.id });
    return r.length;
  },
};
