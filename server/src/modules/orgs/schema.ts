import { pgTable, serial, integer, varchar, text, boolean, doublePrecision, jsonb, timestamp, index, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Enterprises and social organisations, keyed by unified social credit code. `kind` is the
 * code's two-character prefix (91/92/93 enterprises, 51/52/53 social organisations, ...).
 */
export const organisations = pgTable(
  'organisations',
  {
    id: serial('id').primaryKey(),
    creditCode: varchar('credit_code', { length: 18 }).notNull(),
    name: varchar('name', { length: 128 }).notNull(),
    nameGrams: text('name_grams').array().notNull().default([]),
    kind: varchar('kind', { length: 2 }).notNull(),
    /** enterprise / social_org / public / other, derived from the prefix */
    grp: varchar('grp', { length: 16 }).notNull(),
    /** GB/T 4754 section letter (A-T) */
    industry: varchar('industry', { length: 2 }),
    address: text('address'),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    lng: doublePrecision('lng'),
    lat: doublePrecision('lat'),
    employees: integer('employees'),
    /** "三有": fixed premises, staff, revenue. */
    hasPremises: boolean('has_premises').notNull().default(false),
    hasStaff: boolean('has_staff').notNull().default(false),
    hasRevenue: boolean('has_revenue').notNull().default(false),
    /** operating / deregistered */
    status: varchar('status', { length: 16 }).notNull().default('operating'),
    /** Organisation coverage: a party organisation of its own (or a joint one) covers it. */
    partyOrgId: integer('party_org_id'),
    /** Work coverage: a guidance officer (党建指导员) or liaison reaches it. */
    guidanceOfficer: varchar('guidance_officer', { length: 64 }),
    partyMembers: integer('party_members').notNull().default(0),
    siteId: integer('site_id'),
    provenance: jsonb('provenance').notNull().default({}),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('organisations_credit_code_uq').on(t.creditCode),
    index('organisations_region_path_idx').on(t.regionPath.op('text_pattern_ops')),
    index('organisations_grp_idx').on(t.grp, t.industry),
    index('organisations_name_grams_idx').using('gin', t.nameGrams),
  ],
);

/** Parks (园区) and commercial buildings (商务楼宇): two of the four ledgers. */
export const sites = pgTable(
  'sites',
  {
    id: serial('id').primaryKey(),
    /** park / commercial_building */
    kind: varchar('kind', { length: 24 }).notNull(),
    name: varchar('name', { length: 128 }).notNull(),
    address: text('address'),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    partyOrgId: integer('party_org_id'),
    guidanceOfficer: varchar('guidance_officer', { length: 64 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sites_region_path_idx').on(t.regionPath.op('text_pattern_ops'))],
);
