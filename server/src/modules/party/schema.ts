import { pgTable, serial, integer, varchar, boolean, date, timestamp, index, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * 党组织 tree: 党委 committee → 党总支 general branch → 党支部 branch → 党小组 group.
 * Attached to a region node (社区党委, 网格党支部, 楼栋党小组) or to an organisation.
 * `treePath` is the chain of ids ("/1/7/42/") for subtree queries.
 */
export const partyOrgs = pgTable(
  'party_orgs',
  {
    id: serial('id').primaryKey(),
    name: varchar('name', { length: 128 }).notNull(),
    /** committee / general_branch / branch / group */
    level: varchar('level', { length: 16 }).notNull(),
    parentId: integer('parent_id'),
    treePath: varchar('tree_path', { length: 256 }).notNull(),
    regionCode: varchar('region_code', { length: 18 }),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    organisationId: integer('organisation_id'),
    secretary: varchar('secretary', { length: 64 }),
    foundedOn: date('founded_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('party_orgs_parent_idx').on(t.parentId),
    index('party_orgs_tree_idx').on(t.treePath.op('text_pattern_ops')),
    index('party_orgs_region_path_idx').on(t.regionPath.op('text_pattern_ops')),
    index('party_orgs_org_idx').on(t.organisationId),
  ],
);

/** 党员: a person's membership; in-service members also report to their home community (双报到). */
export const partyMembers = pgTable(
  'party_members',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id').notNull(),
    partyOrgId: integer('party_org_id').notNull(),
    /** full / probationary */
    membership: varchar('membership', { length: 16 }).notNull().default('full'),
    joinedOn: date('joined_on'),
    inService: boolean('in_service').notNull().default(false),
    workUnit: varchar('work_unit', { length: 128 }),
    /** Community where an in-service member registered at home (双报到). */
    homeCommunityCode: varchar('home_community_code', { length: 18 }),
    reportedOn: date('reported_on'),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('party_members_person_uq').on(t.personId),
    index('party_members_org_idx').on(t.partyOrgId),
    index('party_members_home_idx').on(t.homeCommunityCode),
    index('party_members_region_path_idx').on(t.regionPath.op('text_pattern_ops')),
  ],
);
