import { pgTable, serial, integer, smallint, varchar, text, doublePrecision, jsonb, timestamp, index, uniqueIndex } from 'drizzle-orm/pg-core';

/** 单元: an entrance of a building (buildings live in the regions module). */
export const entrances = pgTable(
  'entrances',
  {
    id: serial('id').primaryKey(),
    buildingId: integer('building_id').notNull(),
    no: smallint('no').notNull(),
    name: varchar('name', { length: 32 }).notNull(),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
  },
  (t) => [uniqueIndex('entrances_building_no_uq').on(t.buildingId, t.no)],
);

/** 房屋: one dwelling or unit, found by its normalised address (the natural key of imports). */
export const houses = pgTable(
  'houses',
  {
    id: serial('id').primaryKey(),
    buildingId: integer('building_id'),
    entranceId: integer('entrance_id'),
    regionPath: varchar('region_path', { length: 18 }).notNull(),
    floor: smallint('floor'),
    room: varchar('room', { length: 16 }),
    address: text('address').notNull(),
    addressKey: text('address_key').notNull(),
    addressGrams: text('address_grams').array().notNull().default([]),
    areaM2: doublePrecision('area_m2'),
    /** residential / commercial / office / mixed / other */
    use: varchar('use', { length: 16 }).notNull().default('residential'),
    /** self_occupied / rented / vacant / unknown */
    occupancy: varchar('occupancy', { length: 16 }).notNull().default('unknown'),
    provenance: jsonb('provenance').notNull().default({}),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('houses_address_key_uq').on(t.addressKey),
    index('houses_region_path_idx').on(t.regionPath.op('text_pattern_ops')),
    index('houses_building_idx').on(t.buildingId, t.entranceId, t.floor),
    index('houses_address_grams_idx').using('gin', t.addressGrams),
  ],
);
