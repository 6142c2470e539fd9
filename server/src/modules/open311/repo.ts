import { and, desc, eq, gte, inArray, like, lte, notInArray, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { open311ApiKeys, open311Requests } from './schema.js';

export type ApiKeyRow = typeof open311ApiKeys.$inferSelect;
export type RequestRow = typeof open311Requests.$inferSelect;
export type RequestInsert = typeof open311Requests.$inferInsert;

/** Ticket statuses that Open311 reports as closed. */
export const CLOSED_STATUSES = ['closed', 'refused', 'merged'];

export interface RequestFilter {
  /** Region subtree (the api key's region, or '' for every Open311 request). */
  regionPath: string;
  serviceRequestIds?: string[];
  serviceCodes?: string[];
  from?: Date;
  to?: Date;
  status?: 'open' | 'closed';
  limit: number;
}

/** Every SQL statement on the open311 tables. */
export const open311Repo = {
  async insertKey(db: DbOrTx, row: typeof open311ApiKeys.$inferInsert): Promise<ApiKeyRow> {
    const [r] = await db.insert(open311ApiKeys).values(row).returning();
    return r!;
  },

  async keyByHash(db: DbOrTx, keyHash: string): Promise<ApiKeyRow | undefined> {
    const [r] = await db.select().from(open311ApiKeys).where(eq(open311ApiKeys.keyHash, keyHash));
    return r;
  },

  async key(db: DbOrTx, id: number): Promise<ApiKeyRow | undefined> {
    const [r] = await db.select().from(open311ApiKeys).where(eq(open311ApiKeys.id, id));
    return r;
  },

  /** Keys whose region lies inside `scopePath`, newest first. */
  async keys(db: DbOrTx, scopePath: string): Promise<ApiKeyRow[]> {
    return db.select().from(open311ApiKeys).where(like(open311ApiKeys.regionPath, `${scopePath}%`)).orderBy(desc(open311ApiKeys.id));
  },

  async revokeKey(db: DbOrTx, id: number, at: Date): Promise<ApiKeyRow> {
    const [r] = await db.update(open311ApiKeys).set({ active: false, revokedAt: at }).where(eq(open311ApiKeys.id, id)).returning();
    return r!;
  },

  async touchKey(db: DbOrTx, id: number, at: Date): Promise<void> {
    await db.update(open311ApiKeys).set({ lastUsedAt: at }).where(eq(open311ApiKeys.id, id));
  },

  async insertRequest(db: DbOrTx, row: RequestInsert): Promise<void> {
    await db.insert(open311Requests).values(row);
  },

  async updateRequest(db: DbOrTx, ticketId: number, patch: Partial<RequestInsert>): Promise<void> {
    await db.update(open311Requests).set(patch).where(eq(open311Requests.ticketId, ticketId));
  },

  async requestById(db: DbOrTx, serviceRequestId: string, regionPath: string): Promise<RequestRow | undefined> {
    const [r] = await db
      .select()
      .from(open311Requests)
      .where(and(eq(open311Requests.serviceRequestId, serviceRequestId), like(open311Requests.regionPath, `${regionPath}%`)));
    return r;
  },

  async requestByToken(db: DbOrTx, token: string, regionPath: string): Promise<RequestRow | undefined> {
    const [r] = await db
      .select()
      .from(open311Requests)
      .where(and(eq(open311Requests.token, token), like(open311Requests.regionPath, `${regionPath}%`)));
    return r;
  },

  /** Requests inside a region, newest first. */
  async requests(db: DbOrTx, f: RequestFilter): Promise<RequestRow[]> {
    const conds: SQL[] = [like(open311Requests.regionPath, `${f.regionPath}%`)];
    if (f.serviceRequestIds) {
      conds.push(inArray(open311Requests.serviceRequestId, f.serviceRequestIds));
    } else {
      if (f.serviceCodes) conds.push(inArray(open311Requests.serviceCode, f.serviceCodes));
      if (f.from) conds.push(gte(open311Requests.requestedAt, f.from));
      if (f.to) conds.push(lte(open311Requests.requestedAt, f.to));
      if (f.status === 'closed') conds.push(inArray(open311Requests.status, CLOSED_STATUSES));
      if (f.status === 'open') conds.push(notInArray(open311Requests.status, CLOSED_STATUSES));
    }
    return db
      .select()
      .from(open311Requests)
      .where(and(...conds))
      .orderBy(desc(open311Requests.requestedAt), desc(open311Requests.ticketId))
      .limit(f.limit);
  },
};
