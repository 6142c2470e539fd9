import { and, asc, eq, inArray, like, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { afterPlace, pathPrefix, placeOrder, type PlaceCursor } from '../../platform/http/placeCursor.js';
import { rows as rawRows } from '../../platform/db/client.js';
import { entrances, houses } from './schema.js';

export type HouseRow = typeof houses.$inferSelect;
export type EntranceRow = typeof entrances.$inferSelect;

export interface HouseFilter {
  scopePath: string;
  regionPath?: string;
  buildingId?: number;
  /** All these grams must be present (address search); rechecked with LIKE. */
  grams?: string[];
  like?: string;
  occupancy?: string;
  use?: string;
  after?: PlaceCursor;
  limit: number;
}

/** Fields an import may set on a house. */
export interface HouseImportRow {
  entranceNo?: number | null;
  addressKey: string;
  address: string;
  addressGrams: string[];
  regionPath: string;
  buildingId: number | null;
  floor: number | null;
  room: string | null;
  areaM2: number | null;
  use: string | null;
  occupancy: string | null;
}

export const IMPORTABLE_HOUSE_FIELDS = ['areaM2', 'use', 'occupancy', 'floor', 'room', 'buildingId'] as const;

export const housingRepo = {
  async list(db: DbOrTx, f: HouseFilter): Promise<HouseRow[]> {
    const conds: SQL[] = [pathPrefix(houses.regionPath, f.regionPath ?? f.scopePath)];
    if (f.regionPath) conds.push(like(houses.regionPath, `${f.scopePath}%`));
    if (f.buildingId) conds.push(eq(houses.buildingId, f.buildingId));
    if (f.grams?.length) conds.push(sql`${houses.addressGrams} @> ${sql.param(f.grams)}::text[]`);
    if (f.like) conds.push(sql`${houses.address} ILIKE ${f.like}`);
    if (f.occupancy) conds.push(eq(houses.occupancy, f.occupancy));
    if (f.use) conds.push(eq(houses.use, f.use));
    if (f.after) conds.push(afterPlace(houses.regionPath, houses.id, f.after));
    // An address search matches few houses, possibly all late in place order: sort them rather
    // than walk the place index (the planner misjudges that).
    const order = f.grams?.length ? [sql`(${houses.regionPath} COLLATE "C") || ''`, sql`${houses.id} + 0`] : placeOrder(houses.regionPath, houses.id);
    return db.select().from(houses).where(and(...conds)).orderBy(...order).limit(f.limit);
  },

  async get(db: DbOrTx, id: number): Promise<HouseRow | undefined> {
    return (await db.select().from(houses).where(eq(houses.id, id)).limit(1))[0];
  },

  async getMany(db: DbOrTx, ids: number[]): Promise<HouseRow[]> {
    if (!ids.length) return [];
    return db.select().from(houses).where(inArray(houses.id, ids));
  },

  async byAddressKeys(db: DbOrTx, keys: string[]): Promise<Pick<HouseRow, 'id' | 'addressKey' | 'regionPath'>[]> {
    if (!keys.length) return [];
    return db
      .select({ id: houses.id, addressKey: houses.addressKey, regionPath: houses.regionPath })
      .from(houses)
      .where(inArray(houses.addressKey, keys));
  },

  async byBuilding(db: DbOrTx, buildingId: number): Promise<HouseRow[]> {
    return db.select().from(houses).where(eq(houses.buildingId, buildingId)).orderBy(asc(houses.entranceId), asc(houses.floor), asc(houses.room));
  },

  async entrancesOf(db: DbOrTx, buildingId: number): Promise<EntranceRow[]> {
    return db.select().from(entrances).where(eq(entrances.buildingId, buildingId)).orderBy(asc(entrances.no));
  },

  async ensureEntrance(db: DbOrTx, buildingId: number, no: number, regionPath: string): Promise<EntranceRow> {
    await db.insert(entrances).values({ buildingId, no, name: `${no}单元`, regionPath }).onConflictDoNothing();
    return (await db.select().from(entrances).where(and(eq(entrances.buildingId, buildingId), eq(entrances.no, no))).limit(1))[0]!;
  },

  async insert(db: DbOrTx, row: typeof houses.$inferInsert): Promise<HouseRow> {
    return (await db.insert(houses).values(row).returning())[0]!;
  },

  async markOccupied(db: DbOrTx, id: number): Promise<void> {
    await db
      .update(houses)
      .set({ occupancy: 'self_occupied', updatedAt: new Date(), version: sql`${houses.version} + 1` })
      .where(and(eq(houses.id, id), inArray(houses.occupancy, ['vacant', 'unknown'])));
  },

  async update(db: DbOrTx, id: number, patch: Partial<typeof houses.$inferInsert>): Promise<HouseRow> {
    return (
      await db
        .update(houses)
        .set({ ...patch, updatedAt: new Date(), version: sql`${houses.version} + 1` })
        .where(eq(houses.id, id))
        .returning()
    )[0]!;
  },

  /**
   * Bulk insert from one JSON parameter: one statement whatever the row count, same on both
   * drivers. Entrances named by number are created on the way, so the building view has them.
   */
  async insertMany(db: DbOrTx, rows: HouseImportRow[], provenance: Record<string, unknown>[]): Promise<number> {
    if (!rows.length) return 0;
    const payload = JSON.stringify(rows.map((r, i) => ({ ...r, addressGrams: r.addressGrams.join(' '), provenance: provenance[i] })));
    await db.execute(sql`
      INSERT INTO entrances (building_id, no, name, region_path)
      SELECT DISTINCT "buildingId", "entranceNo", "entranceNo" || '单元', "regionPath"
      FROM json_to_recordset(${payload}::json) AS t("buildingId" int, "entranceNo" smallint, "regionPath" text)
      WHERE "buildingId" IS NOT NULL AND "entranceNo" IS NOT NULL
      ON CONFLICT (building_id, no) DO NOTHING`);
    const r = await rawRows<{ n: number }>(
      db,
      sql`WITH ins AS (
            INSERT INTO houses (address_key, address, address_grams, region_path, building_id, entrance_id, floor, room, area_m2, use, occupancy, provenance)
            SELECT t."addressKey", t.address, string_to_array(t."addressGrams", ' '), t."regionPath", t."buildingId", e.id, t.floor, t.room, t."areaM2",
                   coalesce(t.use, 'residential'), coalesce(t.occupancy, 'unknown'), t.provenance
            FROM json_to_recordset(${payload}::json) AS t("addressKey" text, address text, "addressGrams" text, "regionPath" text,
                 "buildingId" int, "entranceNo" smallint, floor smallint, room text, "areaM2" float8, use text, occupancy text, provenance jsonb)
            LEFT JOIN entrances e ON e.building_id = t."buildingId" AND e.no = t."entranceNo"
            ON CONFLICT (address_key) DO NOTHING
            RETURNING 1)
          SELECT count(*)::int AS n FROM ins`,
    );
    return r[0]?.n ?? 0;
  },

  async updateImported(db: DbOrTx, updates: { id: number; set: Record<string, unknown>; provenance: Record<string, unknown> }[]): Promise<void> {
    // Few rows change on a re-import; per-row updates keep the SQL simple and still batched in one transaction.
    for (const u of updates) {
      await db
        .update(houses)
        .set({ ...(u.set as Partial<HouseRow>), provenance: u.provenance, updatedAt: new Date(), version: sql`${houses.version} + 1` })
        .where(eq(houses.id, u.id));
    }
  },
};
