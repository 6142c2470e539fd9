import { and, asc, eq, getTableColumns, gt, ilike, inArray, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import { rows, type DbOrTx } from '../../platform/db/client.js';
import { likeEscape, queryGrams } from '../../platform/text/grams.js';
import { organisations as o, sites } from './schema.js';

export type OrgRow = typeof o.$inferSelect;
export type NewOrgRow = typeof o.$inferInsert;
export type SiteRow = typeof sites.$inferSelect;
export type NewSiteRow = typeof sites.$inferInsert;
export type Population = 'enterprise' | 'social_org';

// The measures of "两个覆盖" and "三有", written once so that counts, the lists behind the
// counts and the ledgers can never disagree.
const threeHave = sql`(${o.hasPremises} AND ${o.hasStaff} AND ${o.hasRevenue})`;
const orgCovered = sql`(${o.partyOrgId} IS NOT NULL)`;
const workCovered = sql`(${o.partyOrgId} IS NOT NULL OR ${o.guidanceOfficer} IS NOT NULL)`;
/** Who is counted: operating "三有" enterprises, and operating social organisations. */
const population: Record<Population, SQL> = {
  enterprise: sql`(${o.grp} = 'enterprise' AND ${o.status} = 'operating' AND ${threeHave})`,
  social_org: sql`(${o.grp} = 'social_org' AND ${o.status} = 'operating')`,
};
const siteOrgCovered = sql`(${sites.partyOrgId} IS NOT NULL)`;
const siteWorkCovered = sql`(${sites.partyOrgId} IS NOT NULL OR ${sites.guidanceOfficer} IS NOT NULL)`;

/** An organisation with its "三有" and coverage flags computed by the same SQL as the counts. */
const orgSelect = {
  ...getTableColumns(o),
  threeHave: sql<boolean>`${threeHave}`,
  orgCovered: sql<boolean>`${orgCovered}`,
  workCovered: sql<boolean>`${workCovered}`,
};
export type OrgView = OrgRow & { threeHave: boolean; orgCovered: boolean; workCovered: boolean };

/** `cond` when v is true, `NOT cond` when false, nothing when not asked. */
function flag(cond: SQL, v: boolean | undefined): SQL | undefined {
  return v === undefined ? undefined : v ? cond : sql`NOT ${cond}`;
}

function textArray(values: string[]): SQL {
  return sql`ARRAY[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
}

/** Name fragment through the GIN-indexed grams, rechecked with ILIKE; code-like input also matches the credit code prefix. */
function orgNameMatch(q: string): SQL {
  const grams = queryGrams(q);
  const byName = and(grams.length ? sql`${o.nameGrams} @> ${textArray(grams)}` : undefined, ilike(o.name, `%${likeEscape(q)}%`))!;
  return /^[0-9A-Za-z]{4,18}$/.test(q) ? or(byName, like(o.creditCode, `${q.toUpperCase()}%`))! : byName;
}

export interface OrgFilter {
  /** Subtree to search: the caller's scope or a node inside it. Required, so no list escapes its scope. */
  path: string;
  q?: string | undefined;
  grp?: string | undefined;
  kind?: string | undefined;
  /** A section letter, or null for "no industry recorded". */
  industry?: string | null | undefined;
  status?: string | undefined;
  siteId?: number | undefined;
  threeHave?: boolean | undefined;
  orgCovered?: boolean | undefined;
  workCovered?: boolean | undefined;
  /** Restrict to the organisations a coverage figure counts. */
  population?: Population | undefined;
  /** Coverage bucket: organisations whose path cut to `len` characters equals `path`. */
  bucket?: { len: number; path: string } | undefined;
}

function orgConditions(f: OrgFilter): SQL[] {
  const c: (SQL | undefined)[] = [like(o.regionPath, `${f.path}%`)];
  if (f.q) c.push(orgNameMatch(f.q));
  if (f.grp) c.push(eq(o.grp, f.grp));
  if (f.kind) c.push(eq(o.kind, f.kind));
  if (f.industry !== undefined) c.push(f.industry === null ? isNull(o.industry) : eq(o.industry, f.industry));
  if (f.status) c.push(eq(o.status, f.status));
  if (f.siteId) c.push(eq(o.siteId, f.siteId));
  c.push(flag(threeHave, f.threeHave), flag(orgCovered, f.orgCovered), flag(workCovered, f.workCovered));
  if (f.population) c.push(population[f.population]);
  if (f.bucket) c.push(sql`left(${o.regionPath}, ${sqlInt(f.bucket.len)}) = ${f.bucket.path}`);
  return c.filter((x): x is SQL => !!x);
}

/** A small integer from our own code, inlined so that SELECT and GROUP BY print the same expression. */
function sqlInt(n: number): SQL {
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`bad integer ${n}`);
  return sql.raw(String(n));
}

export interface CoverageCounts {
  key: string;
  eTotal: number;
  eOrg: number;
  eWork: number;
  sTotal: number;
  sOrg: number;
  sWork: number;
}

export interface SiteFilter {
  path: string;
  kind?: string | undefined;
  q?: string | undefined;
  orgCovered?: boolean | undefined;
  workCovered?: boolean | undefined;
}

const siteWithCounts = {
  site: sites,
  orgCovered: sql<boolean>`${siteOrgCovered}`,
  workCovered: sql<boolean>`${siteWorkCovered}`,
  orgsTotal: sql<number>`count(${o.id})::int`,
  orgsOrgCovered: sql<number>`(count(${o.id}) FILTER (WHERE ${orgCovered}))::int`,
  orgsWorkCovered: sql<number>`(count(${o.id}) FILTER (WHERE ${workCovered}))::int`,
};
export type SiteWithCounts = { site: SiteRow; orgCovered: boolean; workCovered: boolean; orgsTotal: number; orgsOrgCovered: number; orgsWorkCovered: number };

/**
 * Columns an import writes, with their SQL types: one definition drives the recordset
 * declaration and the JSON the rows are sent as (one parameter for up to 5,000 rows).
 */
const IMPORT_COLUMNS = [
  ['id', 'id', 'int'],
  ['creditCode', 'credit_code', 'text'],
  ['name', 'name', 'text'],
  ['nameGrams', 'name_grams', 'text[]'],
  ['kind', 'kind', 'text'],
  ['grp', 'grp', 'text'],
  ['industry', 'industry', 'text'],
  ['address', 'address', 'text'],
  ['regionPath', 'region_path', 'text'],
  ['lng', 'lng', 'float8'],
  ['lat', 'lat', 'float8'],
  ['employees', 'employees', 'int'],
  ['hasPremises', 'has_premises', 'bool'],
  ['hasStaff', 'has_staff', 'bool'],
  ['hasRevenue', 'has_revenue', 'bool'],
  ['status', 'status', 'text'],
  ['guidanceOfficer', 'guidance_officer', 'text'],
  ['partyMembers', 'party_members', 'int'],
  ['provenance', 'provenance', 'jsonb'],
] as const;
export type ImportRecord = { [K in (typeof IMPORT_COLUMNS)[number][0]]?: unknown };
const RECORDSET = sql.raw(`r(${IMPORT_COLUMNS.map(([, c, t]) => `${c} ${t}`).join(', ')})`);
const recordset = (records: ImportRecord[]) => {
  const json = records.map((r) => Object.fromEntries(IMPORT_COLUMNS.map(([k, c]) => [c, r[k] ?? null])));
  return sql`jsonb_to_recordset(${JSON.stringify(json)}::jsonb) AS ${RECORDSET}`;
};
/** Written on update: everything but the key and the derived kind. */
const UPDATED_COLUMNS = IMPORT_COLUMNS.map(([, c]) => c).filter((c) => !['id', 'credit_code', 'kind', 'grp'].includes(c));

/** SQL for organisations and sites; services call these, never the tables. */
export const orgRepo = {
  async get(db: DbOrTx, id: number): Promise<OrgView | undefined> {
    const r = await db.select(orgSelect).from(o).where(eq(o.id, id)).limit(1);
    return r[0];
  },

  async getForUpdate(db: DbOrTx, id: number): Promise<OrgView | undefined> {
    const r = await db.select(orgSelect).from(o).where(eq(o.id, id)).for('update');
    return r[0];
  },

  async idsByCreditCodes(db: DbOrTx, codes: string[]): Promise<Map<string, number>> {
    if (!codes.length) return new Map();
    const r = await db.select({ id: o.id, creditCode: o.creditCode }).from(o).where(inArray(o.creditCode, codes));
    return new Map(r.map((x) => [x.creditCode, x.id]));
  },

  async idByCreditCode(db: DbOrTx, creditCode: string): Promise<number | undefined> {
    const r = await db.select({ id: o.id }).from(o).where(eq(o.creditCode, creditCode)).limit(1);
    return r[0]?.id;
  },

  async refs(db: DbOrTx, ids: number[]) {
    if (!ids.length) return [];
    return db.select({ id: o.id, name: o.name, regionPath: o.regionPath, partyOrgId: o.partyOrgId }).from(o).where(inArray(o.id, ids));
  },

  /** A page in id order (keyset: after `afterId`). */
  async list(db: DbOrTx, f: OrgFilter, afterId: number, limit: number): Promise<OrgView[]> {
    return db
      .select(orgSelect)
      .from(o)
      .where(and(...orgConditions(f), gt(o.id, afterId)))
      .orderBy(asc(o.id))
      .limit(limit);
  },

  async insert(db: DbOrTx, row: NewOrgRow): Promise<OrgView> {
    const r = await db.insert(o).values(row).returning(orgSelect);
    return r[0]!;
  },

  async update(db: DbOrTx, id: number, patch: Partial<NewOrgRow>): Promise<OrgView> {
    const r = await db
      .update(o)
      .set({ ...patch, version: sql`${o.version} + 1`, updatedAt: new Date() })
      .where(eq(o.id, id))
      .returning(orgSelect);
    return r[0]!;
  },

  /**
   * 两个覆盖 in one pass: one GROUP BY over the subtree, every figure a FILTERed count.
   * The subtree is a left-anchored LIKE on region_path, served by organisations_region_path_idx
   * (text_pattern_ops). A city holds 2k–10k organisations (Wuhai: 2,145 enterprises and 463
   * social organisations), so even the whole city is one index range of a few thousand rows
   * aggregated in milliseconds; computing on read keeps no counters that could drift from the
   * registry, and the list behind each number reuses exactly the same predicates.
   */
  async coverage(db: DbOrTx, path: string, by: { regionLen: number } | 'industry'): Promise<CoverageCounts[]> {
    const key = by === 'industry' ? sql`coalesce(${o.industry}, '')` : sql`left(${o.regionPath}, ${sqlInt(by.regionLen)})`;
    const n = (cond: SQL) => sql<number>`(count(*) FILTER (WHERE ${cond}))::int`;
    const e = population.enterprise;
    const s = population.social_org;
    return db
      .select({
        key: sql<string>`${key}`.as('key'),
        eTotal: n(e),
        eOrg: n(sql`${e} AND ${orgCovered}`),
        eWork: n(sql`${e} AND ${workCovered}`),
        sTotal: n(s),
        sOrg: n(sql`${s} AND ${orgCovered}`),
        sWork: n(sql`${s} AND ${workCovered}`),
      })
      .from(o)
      .where(and(like(o.regionPath, `${path}%`), or(e, s)))
      .groupBy(sql`1`)
      .orderBy(sql`1`);
  },

  // ---- import (set-based) --------------------------------------------------------------------

  /** Current rows for a batch of credit codes, locked until the import's transaction ends. */
  async lockByCreditCodes(db: DbOrTx, codes: string[]): Promise<OrgRow[]> {
    if (!codes.length) return [];
    return db.select().from(o).where(inArray(o.creditCode, codes)).for('update');
  },

  /** Insert many rows in one statement; a code inserted meanwhile by someone else is skipped (not returned). */
  async insertMany(db: DbOrTx, records: ImportRecord[]): Promise<{ id: number; credit_code: string }[]> {
    if (!records.length) return [];
    const cols = IMPORT_COLUMNS.filter(([k]) => k !== 'id').map(([, c]) => c);
    // Columns with NOT NULL defaults fall back to them when a department did not supply a value.
    const defaults: Record<string, string> = { has_premises: 'false', has_staff: 'false', has_revenue: 'false', status: `'operating'`, party_members: '0', name_grams: `'{}'`, provenance: `'{}'` };
    const select = cols.map((c) => (defaults[c] ? `coalesce(r.${c}, ${defaults[c]})` : `r.${c}`)).join(', ');
    return rows(
      db,
      sql`INSERT INTO organisations (${sql.raw(cols.join(', '))})
          SELECT ${sql.raw(select)} FROM ${recordset(records)}
          ON CONFLICT (credit_code) DO NOTHING
          RETURNING id, credit_code`,
    );
  },

  /** Update many rows in one statement with their merged values. */
  async updateMany(db: DbOrTx, records: ImportRecord[]): Promise<void> {
    if (!records.length) return;
    const set = UPDATED_COLUMNS.map((c) => `${c} = r.${c}`).join(', ');
    await db.execute(
      sql`UPDATE organisations AS o SET ${sql.raw(set)}, version = o.version + 1, updated_at = now()
          FROM ${recordset(records)} WHERE o.id = r.id`,
    );
  },

  // ---- sites ------------------------------------------------------------------------------------

  async listSites(db: DbOrTx, f: SiteFilter, afterId: number, limit: number): Promise<SiteWithCounts[]> {
    const c: (SQL | undefined)[] = [like(sites.regionPath, `${f.path}%`), gt(sites.id, afterId)];
    if (f.kind) c.push(eq(sites.kind, f.kind));
    if (f.q) c.push(ilike(sites.name, `%${likeEscape(f.q)}%`));
    c.push(flag(siteOrgCovered, f.orgCovered), flag(siteWorkCovered, f.workCovered));
    return orgRepo.sitesWhere(db, and(...c.filter((x): x is SQL => !!x))!, limit);
  },

  async getSite(db: DbOrTx, id: number): Promise<SiteWithCounts | undefined> {
    return (await orgRepo.sitesWhere(db, eq(sites.id, id), 1))[0];
  },

  /** Sites with the operating organisations inside them counted (a few thousand rows: one hash join). */
  async sitesWhere(db: DbOrTx, where: SQL, limit: number): Promise<SiteWithCounts[]> {
    return db
      .select(siteWithCounts)
      .from(sites)
      .leftJoin(o, and(eq(o.siteId, sites.id), eq(o.status, 'operating')))
      .where(where)
      .groupBy(sites.id)
      .orderBy(asc(sites.id))
      .limit(limit);
  },

  async siteRef(db: DbOrTx, id: number): Promise<SiteRow | undefined> {
    const r = await db.select().from(sites).where(eq(sites.id, id)).limit(1);
    return r[0];
  },

  async insertSite(db: DbOrTx, row: NewSiteRow): Promise<SiteRow> {
    const r = await db.insert(sites).values(row).returning();
    return r[0]!;
  },

  async updateSite(db: DbOrTx, id: number, patch: Partial<NewSiteRow>): Promise<void> {
    await db
      .update(sites)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(sites.id, id));
  },
};

/** A unique-index violation (SQLSTATE 23505), also when wrapped by Drizzle. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  for (let x: any = e; x; x = x.cause) {
    if (x.code === '23505') return !constraint || x.constraint === constraint || String(x.message ?? '').includes(constraint);
  }
  return false;
}
