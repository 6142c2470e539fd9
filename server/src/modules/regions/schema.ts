import { pgTable, serial, text, varchar, timestamp, integer, smallint, doublePrecision, jsonb, index } from 'drizzle-orm/pg-core';

/**
 * The region and grid hierarchy: city → district → street → community → grid → micro-grid.
 * `path` is the node's significant code prefix (city 4 digits, district 6, street 9,
 * community 12, grid 15, micro-grid 18), so a subtree is `path LIKE prefix || '%'` on a
 * text_pattern_ops index.
 */
export const regions = pgTable(
  'regions',
  {
    code: varchar('code', { length: 18 }).primaryKey(),
    name: varchar('name', { length: 128 }).notNull(),
    level: varchar('level', { length: 16 }).notNull(),
    parentCode: varchar('parent_code', { length: 18 }),
    path: varchar('path', { length: 18 }).notNull().unique(),
    /** Finer kind: street / town / township; residents_committee / villagers_committee. */
    kind: varchar('kind', { length: 32 }),
    /** GeoJSON geometry (Polygon or MultiPolygon) in WGS-84 / CGCS2000 longitude-latitude. */
    geometry: jsonb('geometry'),
    centerLng: doublePrecision('center_lng'),
    centerLat: doublePrecision('center_lat'),
    areaM2: doublePrecision('area_m2'),
    sort: integer('sort').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('regions_path_idx').on(t.path.op('text_pattern_ops')),
    index('regions_parent_idx').on(t.parentCode, t.sort),
    index('regions_level_idx').on(t.level),
  ],
);

/** A building (楼栋) sits in a grid or micro-grid; entrances and houses follow in the registry. */
export const buildings = pgTable(
  'buildings',
  {
    id: serial('id').primaryKey(),
    regionCode: varchar('region_code', { length: 18 }).notNull(),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    name: varchar('name', { length: 128 }).notNull(),
    address: text('address'),
    floors: smallint('floors'),
    entrances: smallint('entrances'),
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('buildings_region_path_idx').on(t.regionPath.op('text_pattern_ops')), index('buildings_region_idx').on(t.regionCode)],
);
