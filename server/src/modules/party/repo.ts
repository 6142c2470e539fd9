import { and, asc, eq, getTableColumns, gt, inArray, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { partyMembers as pm, partyOrgs as po } from './schema.js';

export type PartyOrgRow = typeof po.$inferSelect;
export type NewPartyOrgRow = typeof po.$inferInsert;
export type MemberRow = typeof pm.$inferSelect;
export type NewMemberRow = typeof pm.$inferInsert;
export type PartyOrgView = PartyOrgRow & { childCount: number; memberCount: number };

// Qualified by hand: inside a subquery Drizzle would print the bare column, which binds to the inner table.
const orgView = {
  ...getTableColumns(po),
  childCount: sql<number>`(SELECT count(*)::int FROM party_orgs c WHERE c.parent_id = "party_orgs"."id")`,
  memberCount: sql<number>`(SELECT count(*)::int FROM party_members m WHERE m.party_org_id = "party_orgs"."id")`,
};

export interface MemberFilter {
  /** The caller's scope: members of party organisations in it, and in-service members registered at a community in it. */
  scopePath: string;
  orgId?: number | undefined;
  /** Members of the organisation with this tree path and all below it. */
  treePath?: string | undefined;
  inService?: boolean | undefined;
  membership?: string | undefined;
  homeCommunity?: string | undefined;
}

/** SQL for party organisations and members; services call these, never the tables. */
export const partyRepo = {
  async get(db: DbOrTx, id: number): Promise<PartyOrgView | undefined> {
    const r = await db.select(orgView).from(po).where(eq(po.id, id)).limit(1);
    return r[0];
  },

  /** Lock several organisations (in id order, so two moves cannot deadlock) and return them fresh. */
  async lockMany(db: DbOrTx, ids: number[]): Promise<Map<number, PartyOrgRow>> {
    const r = await db
      .select()
      .from(po)
      .where(inArray(po.id, ids))
      .orderBy(asc(po.id))
      .for('update');
    return new Map(r.map((x) => [x.id, x]));
  },

  async refs(db: DbOrTx, ids: number[]) {
    if (!ids.length) return [];
    return db.select({ id: po.id, name: po.name, level: po.level, regionPath: po.regionPath, treePath: po.treePath }).from(po).where(inArray(po.id, ids));
  },

  /** Children of one organisation, kept inside the caller's scope. */
  async children(db: DbOrTx, parentId: number, scopePath: string): Promise<PartyOrgView[]> {
    return db
      .select(orgView)
      .from(po)
      .where(and(eq(po.parentId, parentId), like(po.regionPath, `${scopePath}%`)))
      .orderBy(asc(po.id));
  },

  /** The tops of the forest visible under `path`: roots, and organisations whose parent lies outside it. */
  async tops(db: DbOrTx, path: string): Promise<PartyOrgView[]> {
    return db
      .select(orgView)
      .from(po)
      .where(
        and(
          like(po.regionPath, `${path}%`),
          or(isNull(po.parentId), sql`NOT EXISTS (SELECT 1 FROM party_orgs p WHERE p.id = "party_orgs"."parent_id" AND p.region_path LIKE ${`${path}%`})`),
        ),
      )
      .orderBy(asc(po.regionPath), asc(po.id));
  },

  async insert(db: DbOrTx, row: NewPartyOrgRow): Promise<PartyOrgRow> {
    const r = await db.insert(po).values(row).returning();
    return r[0]!;
  },

  async update(db: DbOrTx, id: number, patch: Partial<NewPartyOrgRow>): Promise<void> {
    await db
      .update(po)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(po.id, id));
  },

  /** Re-root a subtree's paths after a move (tree paths hold only digits and slashes: no LIKE escaping needed). */
  async moveSubtree(db: DbOrTx, oldPrefix: string, newPrefix: string): Promise<void> {
    await db
      .update(po)
      .set({ treePath: sql`${newPrefix} || substr(${po.treePath}, ${oldPrefix.length + 1})` })
      .where(like(po.treePath, `${oldPrefix}%`));
  },

  async memberStats(db: DbOrTx, id: number, treePath: string) {
    const n = (cond: SQL) => sql<number>`(count(*) FILTER (WHERE ${cond}))::int`;
    const direct = sql`${pm.partyOrgId} = ${id}`;
    const r = await db
      .select({
        direct: n(direct),
        directInService: n(sql`${direct} AND ${pm.inService}`),
        total: sql<number>`count(*)::int`,
        totalInService: n(sql`${pm.inService}`),
        totalProbationary: n(sql`${pm.membership} = 'probationary'`),
      })
      .from(pm)
      .innerJoin(po, eq(po.id, pm.partyOrgId))
      .where(like(po.treePath, `${treePath}%`));
    return r[0]!;
  },

  // ---- members ----------------------------------------------------------------------------------

  async listMembers(db: DbOrTx, f: MemberFilter, afterId: number, limit: number): Promise<MemberRow[]> {
    // Community codes are their own paths, so a scope prefix matches a home community directly.
    const c: (SQL | undefined)[] = [or(like(pm.regionPath, `${f.scopePath}%`), like(pm.homeCommunityCode, `${f.scopePath}%`)), gt(pm.id, afterId)];
    if (f.orgId) c.push(eq(pm.partyOrgId, f.orgId));
    if (f.treePath) c.push(sql`${pm.partyOrgId} IN (SELECT id FROM party_orgs WHERE tree_path LIKE ${`${f.treePath}%`})`);
    if (f.inService !== undefined) c.push(eq(pm.inService, f.inService));
    if (f.membership) c.push(eq(pm.membership, f.membership));
    if (f.homeCommunity) c.push(eq(pm.homeCommunityCode, f.homeCommunity));
    return db
      .select()
      .from(pm)
      .where(and(...c))
      .orderBy(asc(pm.id))
      .limit(limit);
  },

  async getMember(db: DbOrTx, id: number): Promise<MemberRow | undefined> {
    const r = await db.select().from(pm).where(eq(pm.id, id)).limit(1);
    return r[0];
  },

  async getMemberForUpdate(db: DbOrTx, id: number): Promise<MemberRow | undefined> {
    const r = await db.select().from(pm).where(eq(pm.id, id)).for('update');
    return r[0];
  },

  async memberIdByPerson(db: DbOrTx, personId: number): Promise<number | undefined> {
    const r = await db.select({ id: pm.id }).from(pm).where(eq(pm.personId, personId)).limit(1);
    return r[0]?.id;
  },

  async insertMember(db: DbOrTx, row: NewMemberRow): Promise<MemberRow> {
    const r = await db.insert(pm).values(row).returning();
    return r[0]!;
  },

  /** Many members at once (seeding); people already registered are skipped. */
  async insertMembers(db: DbOrTx, rows: NewMemberRow[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < rows.length; i += 2000) {
      n += (await db.insert(pm).values(rows.slice(i, i + 2000)).onConflictDoNothing().returning({ id: pm.id })).length;
    }
    return n;
  },

  async updateMember(db: DbOrTx, id: number, patch: Partial<NewMemberRow>): Promise<MemberRow> {
    const r = await db
      .update(pm)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(pm.id, id))
      .returning();
    return r[0]!;
  },
};
