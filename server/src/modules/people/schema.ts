import { pgTable, serial, bigserial, integer, varchar, text, date, jsonb, timestamp, boolean, smallint, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * 人口: a resident. The citizen ID and phone are personal information: stored encrypted
 * (`*_enc`), looked up by keyed hash (`*_hash`) and shown masked (`*_masked`).
 */
export const persons = pgTable(
  'persons',
  {
    id: serial('id').primaryKey(),
    name: varchar('name', { length: 64 }).notNull(),
    nameGrams: text('name_grams').array().notNull().default([]),
    idEnc: text('id_enc').notNull(),
    idHash: varchar('id_hash', { length: 44 }).notNull(),
    idMasked: varchar('id_masked', { length: 24 }).notNull(),
    sex: varchar('sex', { length: 8 }).notNull(),
    birthDate: date('birth_date').notNull(),
    phoneEnc: text('phone_enc'),
    phoneHash: varchar('phone_hash', { length: 44 }),
    phoneMasked: varchar('phone_masked', { length: 24 }),
    ethnicity: varchar('ethnicity', { length: 16 }),
    /** 户籍地址 (registered residence), free text as departments record it. */
    registeredAddress: text('registered_address'),
    /** 实际居住 (actual residence). */
    houseId: integer('house_id'),
    /** Region path of the actual residence (or the registering community when unknown). */
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    /** masses / cpc_member / cpc_probationary / cyl_member / democratic_party / other */
    politicalStatus: varchar('political_status', { length: 24 }).notNull().default('masses'),
    /** active / moved_out / deceased */
    status: varchar('status', { length: 16 }).notNull().default('active'),
    tags: text('tags').array().notNull().default([]),
    /** Per field: which department and import set the value, and when. */
    provenance: jsonb('provenance').notNull().default({}),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('persons_id_hash_uq').on(t.idHash),
    index('persons_phone_hash_idx').on(t.phoneHash),
    index('persons_region_path_idx').on(t.regionPath.op('text_pattern_ops')),
    index('persons_house_idx').on(t.houseId),
    index('persons_name_grams_idx').using('gin', t.nameGrams),
    index('persons_tags_idx').using('gin', t.tags),
  ],
);

/** Previous versions of a person: history, not overwrite. */
export const personVersions = pgTable(
  'person_versions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: integer('person_id').notNull(),
    version: integer('version').notNull(),
    data: jsonb('data').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    changedBy: integer('changed_by'),
    /** manual, import:<batch id>, event:<life event id> */
    source: varchar('source', { length: 64 }).notNull(),
  },
  (t) => [index('person_versions_person_idx').on(t.personId, t.version)],
);

/** 户 */
export const households = pgTable(
  'households',
  {
    id: serial('id').primaryKey(),
    householdNo: varchar('household_no', { length: 32 }),
    houseId: integer('house_id'),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    headPersonId: integer('head_person_id'),
    /** 五色户卡 colour code from household_colours. */
    colour: varchar('colour', { length: 16 }),
    colourNote: text('colour_note'),
    /** active / dissolved (after a merge or when everyone left) */
    status: varchar('status', { length: 16 }).notNull().default('active'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('households_region_path_idx').on(t.regionPath.op('text_pattern_ops')),
    index('households_house_idx').on(t.houseId),
    index('households_colour_idx').on(t.colour),
  ],
);

/** Membership over time: `until` is null while the person belongs to the household. */
export const householdMembers = pgTable(
  'household_members',
  {
    id: serial('id').primaryKey(),
    householdId: integer('household_id').notNull(),
    personId: integer('person_id').notNull(),
    /** head / spouse / child / parent / grandchild / grandparent / sibling / other */
    relation: varchar('relation', { length: 16 }).notNull(),
    since: date('since'),
    until: date('until'),
  },
  (t) => [
    index('household_members_household_idx').on(t.householdId),
    uniqueIndex('household_members_current_uq').on(t.personId).where(sql`${t.until} IS NULL`),
  ],
);

/** 迁入、迁出、死亡、分户、合户: what happened, kept as history. */
export const lifeEvents = pgTable(
  'life_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: varchar('kind', { length: 16 }).notNull(),
    personId: integer('person_id'),
    householdId: integer('household_id'),
    occurredOn: date('occurred_on').notNull(),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    details: jsonb('details').notNull().default({}),
    actorId: integer('actor_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('life_events_person_idx').on(t.personId), index('life_events_household_idx').on(t.householdId), index('life_events_region_idx').on(t.regionPath.op('text_pattern_ops'))],
);

/** Configurable catalogue of person tags; includes the five must-visit groups (五必访). */
export const tagCatalogue = pgTable('tag_catalogue', {
  code: varchar('code', { length: 32 }).primaryKey(),
  name: varchar('name', { length: 32 }).notNull(),
  category: varchar('category', { length: 32 }).notNull(),
  mustVisit: boolean('must_visit').notNull().default(false),
  sort: smallint('sort').notNull().default(0),
  active: boolean('active').notNull().default(true),
});

/** 五色户卡: the colours and their meanings, configurable by the city. */
export const householdColours = pgTable('household_colours', {
  code: varchar('code', { length: 16 }).primaryKey(),
  name: varchar('name', { length: 16 }).notNull(),
  hex: varchar('hex', { length: 7 }).notNull(),
  meaning: text('meaning').notNull(),
  sort: smallint('sort').notNull().default(0),
});
