import { and, asc, desc, eq, inArray, isNull, like, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { afterPlace, pathPrefix, placeOrder, type PlaceCursor } from '../../platform/http/placeCursor.js';
import { rows as rawRows } from '../../platform/db/client.js';
import { householdColours, householdMembers, households, lifeEvents, personVersions, persons, tagCatalogue } from './schema.js';

export type PersonRow = typeof persons.$inferSelect;
export type NewPersonRow = typeof persons.$inferInsert;
export type HouseholdRow = typeof households.$inferSelect;

export interface PersonFilter {
  scopePath: string;
  regionPath?: string;
  nameGrams?: string[];
  nameLike?: string;
  idHash?: string;
  phoneHash?: string;
  houseIds?: number[];
  tags?: string[];
  colour?: string;
  status?: string;
  after?: PlaceCursor;
  limit: number;
}

/** A person row with the current household, as lists show it. */
export type PersonListRow = PersonRow & { householdId: number | null; colour: string | null; relation: string | null };

export const peopleRepo = {
  async list(db: DbOrTx, f: PersonFilter): Promise<PersonListRow[]> {
    const conds: SQL[] = [pathPrefix(persons.regionPath, f.regionPath ?? f.scopePath)];
    if (f.regionPath) conds.push(like(persons.regionPath, `${f.scopePath}%`));
    if (f.nameGrams?.length) conds.push(sql`${persons.nameGrams} @> ${sql.param(f.nameGrams)}::text[]`);
    if (f.nameLike) conds.push(sql`${persons.name} ILIKE ${f.nameLike}`);
    if (f.idHash) conds.push(eq(persons.idHash, f.idHash));
    if (f.phoneHash) conds.push(eq(persons.phoneHash, f.phoneHash));
    if (f.houseIds) conds.push(f.houseIds.length ? inArray(persons.houseId, f.houseIds) : sql`false`);
    if (f.tags?.length) conds.push(sql`${persons.tags} @> ${sql.param(f.tags)}::text[]`);
    if (f.colour) conds.push(eq(households.colour, f.colour));
    if (f.status) conds.push(eq(persons.status, f.status));
    if (f.after) conds.push(afterPlace(persons.regionPath, persons.id, f.after));
    const r = await db
      .select({ p: persons, householdId: households.id, colour: households.colour, relation: householdMembers.relation })
      .from(persons)
      .leftJoin(householdMembers, and(eq(householdMembers.personId, persons.id), isNull(householdMembers.until)))
      .leftJoin(households, eq(households.id, householdMembers.householdId))
      .where(and(...conds))
      // With an address filter the candidates are few (≤ 5,000 houses) but may all sit late in
      // place order; sorting them beats walking the place index, which the planner misjudges.
      .orderBy(...(f.houseIds ? [sql`(${persons.regionPath} COLLATE "C") || ''`, sql`${persons.id} + 0`] : placeOrder(persons.regionPath, persons.id)))
      .limit(f.limit);
    return r.map((x) => ({ ...x.p, householdId: x.householdId, colour: x.colour, relation: x.relation }));
  },

  async get(db: DbOrTx, id: number): Promise<PersonRow | undefined> {
    return (await db.select().from(persons).where(eq(persons.id, id)).limit(1))[0];
  },

  async getForUpdate(db: DbOrTx, id: number): Promise<PersonRow | undefined> {
    return (await db.select().from(persons).where(eq(persons.id, id)).for('update').limit(1))[0];
  },

  async getMany(db: DbOrTx, ids: number[]): Promise<PersonRow[]> {
    if (!ids.length) return [];
    return db.select().from(persons).where(inArray(persons.id, ids));
  },

  async byPoliticalStatus(db: DbOrTx, pathPrefix: string, status: string) {
    return db
      .select({ id: persons.id, regionPath: persons.regionPath, birthDate: persons.birthDate })
      .from(persons)
      .where(and(like(persons.regionPath, `${pathPrefix}%`), eq(persons.politicalStatus, status), eq(persons.status, 'active')))
      .orderBy(asc(persons.id));
  },

  async byIdHashes(db: DbOrTx, hashes: string[]): Promise<PersonRow[]> {
    if (!hashes.length) return [];
    // One array parameter instead of thousands of bind parameters (imports look up 5,000 at a time).
    return db.select().from(persons).where(sql`${persons.idHash} = ANY(${sql.param(hashes)}::text[])`);
  },

  async insert(db: DbOrTx, row: NewPersonRow): Promise<PersonRow> {
    return (await db.insert(persons).values(row).returning())[0]!;
  },

  /** Save the previous version, then write the new one: history, not overwrite. */
  async updateVersioned(db: DbOrTx, before: PersonRow, patch: Partial<NewPersonRow>, meta: { changedBy: number | null; source: string }): Promise<PersonRow> {
    await db.insert(personVersions).values({ personId: before.id, version: before.version, data: before as never, changedBy: meta.changedBy, source: meta.source });
    return (
      await db
        .update(persons)
        .set({ ...patch, version: before.version + 1, updatedAt: new Date() })
        .where(eq(persons.id, before.id))
        .returning()
    )[0]!;
  },

  async versions(db: DbOrTx, personId: number) {
    return db.select().from(personVersions).where(eq(personVersions.personId, personId)).orderBy(desc(personVersions.version));
  },

  // ---- households ----------------------------------------------------------------------------

  async household(db: DbOrTx, id: number): Promise<HouseholdRow | undefined> {
    return (await db.select().from(households).where(eq(households.id, id)).limit(1))[0];
  },

  async currentMembership(db: DbOrTx, personId: number) {
    return (
      await db
        .select()
        .from(householdMembers)
        .where(and(eq(householdMembers.personId, personId), isNull(householdMembers.until)))
        .limit(1)
    )[0];
  },

  async members(db: DbOrTx, householdId: number, currentOnly = true) {
    return db
      .select({ m: householdMembers, name: persons.name, status: persons.status, sex: persons.sex, birthDate: persons.birthDate })
      .from(householdMembers)
      .innerJoin(persons, eq(persons.id, householdMembers.personId))
      .where(and(eq(householdMembers.householdId, householdId), currentOnly ? isNull(householdMembers.until) : undefined))
      .orderBy(asc(householdMembers.id));
  },

  async listHouseholds(db: DbOrTx, f: { scopePath: string; regionPath?: string; colour?: string; houseIds?: number[]; after?: PlaceCursor; limit: number }) {
    const conds: SQL[] = [pathPrefix(households.regionPath, f.regionPath ?? f.scopePath), eq(households.status, 'active')];
    if (f.regionPath) conds.push(like(households.regionPath, `${f.scopePath}%`));
    if (f.colour) conds.push(eq(households.colour, f.colour));
    if (f.houseIds) conds.push(f.houseIds.length ? inArray(households.houseId, f.houseIds) : sql`false`);
    if (f.after) conds.push(afterPlace(households.regionPath, households.id, f.after));
    return db
      .select({
        h: households,
        headName: persons.name,
        members: sql<number>`(SELECT count(*)::int FROM household_members m WHERE m.household_id = "households"."id" AND m.until IS NULL)`,
      })
      .from(households)
      .leftJoin(persons, eq(persons.id, households.headPersonId))
      .where(and(...conds))
      .orderBy(...placeOrder(households.regionPath, households.id))
      .limit(f.limit);
  },

  async householdsByHouses(db: DbOrTx, houseIds: number[]) {
    if (!houseIds.length) return [];
    return db
      .select({
        id: households.id,
        houseId: households.houseId,
        colour: households.colour,
        headName: persons.name,
        members: sql<number>`(SELECT count(*)::int FROM household_members m WHERE m.household_id = "households"."id" AND m.until IS NULL)`,
      })
      .from(households)
      .leftJoin(persons, eq(persons.id, households.headPersonId))
      .where(and(inArray(households.houseId, houseIds), eq(households.status, 'active')));
  },

  async insertHousehold(db: DbOrTx, row: typeof households.$inferInsert): Promise<HouseholdRow> {
    return (await db.insert(households).values(row).returning())[0]!;
  },

  async updateHousehold(db: DbOrTx, id: number, patch: Partial<typeof households.$inferInsert>): Promise<HouseholdRow> {
    return (
      await db
        .update(households)
        .set({ ...patch, updatedAt: new Date(), version: sql`${households.version} + 1` })
        .where(eq(households.id, id))
        .returning()
    )[0]!;
  },

  async addMember(db: DbOrTx, row: typeof householdMembers.$inferInsert): Promise<void> {
    await db.insert(householdMembers).values(row);
  },

  async endMembership(db: DbOrTx, personId: number, until: string): Promise<void> {
    await db
      .update(householdMembers)
      .set({ until })
      .where(and(eq(householdMembers.personId, personId), isNull(householdMembers.until)));
  },

  async setRelation(db: DbOrTx, householdId: number, personId: number, relation: string): Promise<void> {
    await db
      .update(householdMembers)
      .set({ relation })
      .where(and(eq(householdMembers.householdId, householdId), eq(householdMembers.personId, personId), isNull(householdMembers.until)));
  },

  async insertEvent(db: DbOrTx, row: typeof lifeEvents.$inferInsert): Promise<number> {
    return (await db.insert(lifeEvents).values(row).returning({ id: lifeEvents.id }))[0]!.id;
  },

  async events(db: DbOrTx, f: { personId?: number; householdId?: number }) {
    const cond = f.personId ? eq(lifeEvents.personId, f.personId) : eq(lifeEvents.householdId, f.householdId!);
    return db.select().from(lifeEvents).where(cond).orderBy(desc(lifeEvents.occurredOn), desc(lifeEvents.id));
  },

  // ---- catalogue -----------------------------------------------------------------------------

  async tags(db: DbOrTx) {
    return db.select().from(tagCatalogue).orderBy(asc(tagCatalogue.sort), asc(tagCatalogue.code));
  },

  async upsertTag(db: DbOrTx, row: typeof tagCatalogue.$inferInsert): Promise<void> {
    await db.insert(tagCatalogue).values(row).onConflictDoUpdate({ target: tagCatalogue.code, set: row });
  },

  async colours(db: DbOrTx) {
    return db.select().from(householdColours).orderBy(asc(householdColours.sort));
  },

  async upsertColour(db: DbOrTx, row: typeof householdColours.$inferInsert): Promise<void> {
    await db.insert(householdColours).values(row).onConflictDoUpdate({ target: householdColours.code, set: row });
  },

  // ---- bulk (imports, demo) ------------------------------------------------------------------

  /** Insert many people from one JSON parameter; returns the new ids by id hash. */
  async insertMany(db: DbOrTx, rows: Omit<NewPersonRow, 'id' | 'createdAt' | 'updatedAt' | 'version'>[]): Promise<Map<string, number>> {
    if (!rows.length) return new Map();
    const payload = JSON.stringify(rows.map((r) => ({ ...r, nameGrams: (r.nameGrams ?? []).join(' '), tags: (r.tags ?? []).join(' ') })));
    const out = await rawRows<{ id: number; id_hash: string }>(
      db,
      sql`INSERT INTO persons (name, name_grams, id_enc, id_hash, id_masked, sex, birth_date, phone_enc, phone_hash, phone_masked, ethnicity,
                               registered_address, house_id, region_path, political_status, status, tags, provenance)
          SELECT name, string_to_array("nameGrams", ' '), "idEnc", "idHash", "idMasked", sex, "birthDate"::date, "phoneEnc", "phoneHash", "phoneMasked", ethnicity,
                 "registeredAddress", "houseId", "regionPath", coalesce("politicalStatus", 'masses'), coalesce(status, 'active'),
                 CASE WHEN tags = '' THEN '{}'::text[] ELSE string_to_array(tags, ' ') END, coalesce(provenance, '{}'::jsonb)
          FROM json_to_recordset(${payload}::json) AS t(name text, "nameGrams" text, "idEnc" text, "idHash" text, "idMasked" text, sex text,
               "birthDate" text, "phoneEnc" text, "phoneHash" text, "phoneMasked" text, ethnicity text, "registeredAddress" text,
               "houseId" int, "regionPath" text, "politicalStatus" text, status text, tags text, provenance jsonb)
          ON CONFLICT (id_hash) DO NOTHING
          RETURNING id, id_hash`,
    );
    return new Map(out.map((r) => [r.id_hash, r.id]));
  },

  /** Bulk version snapshots, then bulk updates, for people changed by an import. */
  async updateManyVersioned(db: DbOrTx, updates: { before: PersonRow; set: Partial<NewPersonRow>; provenance: unknown }[], source: string): Promise<void> {
    if (!updates.length) return;
    await db.insert(personVersions).values(updates.map((u) => ({ personId: u.before.id, version: u.before.version, data: u.before as never, changedBy: null, source })));
    for (const u of updates) {
      await db
        .update(persons)
        .set({ ...u.set, provenance: u.provenance as never, version: u.before.version + 1, updatedAt: new Date() })
        .where(eq(persons.id, u.before.id));
    }
  },

  async insertHouseholdsWithMembers(
    db: DbOrTx,
    rows: { household: typeof households.$inferInsert; members: { personId: number; relation: string; since: string | null }[] }[],
  ): Promise<void> {
    if (!rows.length) return;
    const created = await db.insert(households).values(rows.map((r) => r.household)).returning({ id: households.id });
    const members = rows.flatMap((r, i) => r.members.map((m) => ({ householdId: created[i]!.id, ...m })));
    for (let i = 0; i < members.length; i += 5000) await db.insert(householdMembers).values(members.slice(i, i + 5000));
  },
};
