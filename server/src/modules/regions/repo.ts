import { and, asc, eq, gt, ilike, inArray, like, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { buildings, regions } from './schema.js';

export type RegionRow = typeof regions.$inferSelect;
export type NewRegionRow = typeof regions.$inferInsert;
export type BuildingRow = typeof buildings.$inferSelect;
export type NewBuildingRow = typeof buildings.$inferInsert;
export type RegionWithCount = Omit<RegionRow, 'geometry'> & { childCount: number };

// Qualified by hand: inside a subquery Drizzle would print the bare column, which binds to `c`.
const childCount = sql<number>`(SELECT count(*)::int FROM regions c WHERE c.parent_code = "regions"."code")`.as('child_count');

const regionColumns = {
  code: regions.code,
  name: regions.name,
  level: regions.level,
  parentCode: regions.parentCode,
  path: regions.path,
  kind: regions.kind,
  centerLng: regions.centerLng,
  centerLat: regions.centerLat,
  areaM2: regions.areaM2,
  sort: regions.sort,
  createdAt: regions.createdAt,
  updatedAt: regions.updatedAt,
};

/** SQL for regions and buildings; services call these, never the tables. */
export const regionRepo = {
  async get(db: DbOrTx, code: string): Promise<RegionWithCount | undefined> {
    const r = await db
      .select({ ...regionColumns, childCount })
      .from(regions)
      .where(eq(regions.code, code))
      .limit(1);
    return r[0];
  },

  async getWithGeometry(db: DbOrTx, code: string): Promise<RegionRow | undefined> {
    const r = await db.select().from(regions).where(eq(regions.code, code)).limit(1);
    return r[0];
  },

  async lockForUpdate(db: DbOrTx, code: string): Promise<boolean> {
    const r = await db.select({ code: regions.code }).from(regions).where(eq(regions.code, code)).for('update');
    return r.length > 0;
  },

  /** Every region's path and name under a prefix (a city: about a thousand rows). */
  async namesUnder(db: DbOrTx, pathPrefix: string): Promise<{ path: string; name: string }[]> {
    return db.select({ path: regions.path, name: regions.name }).from(regions).where(like(regions.path, `${pathPrefix}%`));
  },

  async getMany(db: DbOrTx, codes: string[]): Promise<Pick<RegionRow, 'code' | 'name' | 'level'>[]> {
    if (!codes.length) return [];
    return db.select({ code: regions.code, name: regions.name, level: regions.level }).from(regions).where(inArray(regions.code, codes));
  },

  async children(db: DbOrTx, code: string): Promise<RegionWithCount[]> {
    return db
      .select({ ...regionColumns, childCount })
      .from(regions)
      .where(eq(regions.parentCode, code))
      .orderBy(asc(regions.sort), asc(regions.code));
  },

  async search(db: DbOrTx, scopePath: string, q: string, limit: number): Promise<RegionWithCount[]> {
    const pattern = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    return db
      .select({ ...regionColumns, childCount })
      .from(regions)
      .where(and(like(regions.path, `${scopePath}%`), sql`(${ilike(regions.name, pattern)} OR ${regions.code} LIKE ${q + '%'})`))
      .orderBy(sql`length(${regions.path})`, asc(regions.code))
      .limit(limit);
  },

  /** Geometry of every node of one level inside a subtree, for maps. */
  async geometriesUnder(db: DbOrTx, path: string, level: string) {
    return db
      .select({ code: regions.code, name: regions.name, level: regions.level, parentCode: regions.parentCode, geometry: regions.geometry })
      .from(regions)
      .where(and(like(regions.path, `${path}%`), eq(regions.level, level)))
      .orderBy(asc(regions.code));
  },

  /** Grids and micro-grids with geometry, for the in-process spatial index. */
  /** Names of every division from district down (the point → grid answer names the whole chain). */
  async namesFromDistrict(db: DbOrTx): Promise<Pick<RegionRow, 'code' | 'name'>[]> {
    return db
      .select({ code: regions.code, name: regions.name })
      .from(regions)
      .where(inArray(regions.level, ['district', 'street', 'community', 'grid', 'microgrid']));
  },

  async allCellGeometries(db: DbOrTx) {
    return db
      .select({ code: regions.code, level: regions.level, geometry: regions.geometry })
      .from(regions)
      .where(and(inArray(regions.level, ['grid', 'microgrid']), sql`${regions.geometry} IS NOT NULL`));
  },

  async maxChildCode(db: DbOrTx, parentCode: string): Promise<string | null> {
    const r = await db
      .select({ code: sql<string | null>`max(${regions.code})` })
      .from(regions)
      .where(eq(regions.parentCode, parentCode));
    return r[0]?.code ?? null;
  },

  async insert(db: DbOrTx, row: NewRegionRow): Promise<void> {
    await db.insert(regions).values(row);
  },

  /** Insert or refresh many nodes (imports and seeding); name and kind follow the source. */
  async upsertMany(db: DbOrTx, rows: NewRegionRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      await db
        .insert(regions)
        .values(rows.slice(i, i + 500))
        .onConflictDoUpdate({
          target: regions.code,
          set: {
            name: sql`excluded.name`,
            kind: sql`excluded.kind`,
            sort: sql`excluded.sort`,
            geometry: sql`coalesce(excluded.geometry, ${regions.geometry})`,
            centerLng: sql`coalesce(excluded.center_lng, ${regions.centerLng})`,
            centerLat: sql`coalesce(excluded.center_lat, ${regions.centerLat})`,
            areaM2: sql`coalesce(excluded.area_m2, ${regions.areaM2})`,
            updatedAt: sql`now()`,
          },
        });
    }
  },

  async update(db: DbOrTx, code: string, patch: Partial<NewRegionRow>): Promise<void> {
    await db
      .update(regions)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(regions.code, code));
  },

  async countByLevel(db: DbOrTx, path: string): Promise<Record<string, number>> {
    const r = await db
      .select({ level: regions.level, n: sql<number>`count(*)::int` })
      .from(regions)
      .where(like(regions.path, `${path}%`))
      .groupBy(regions.level);
    return Object.fromEntries(r.map((x) => [x.level, x.n]));
  },

  async buildingsUnder(db: DbOrTx, path: string, afterId: number, limit: number): Promise<BuildingRow[]> {
    return db
      .select()
      .from(buildings)
      .where(and(like(buildings.regionPath, `${path}%`), gt(buildings.id, afterId)))
      .orderBy(asc(buildings.id))
      .limit(limit);
  },

  async getBuilding(db: DbOrTx, id: number): Promise<BuildingRow | undefined> {
    const r = await db.select().from(buildings).where(eq(buildings.id, id)).limit(1);
    return r[0];
  },

  async getBuildings(db: DbOrTx, ids: number[]): Promise<BuildingRow[]> {
    if (!ids.length) return [];
    return db.select().from(buildings).where(inArray(buildings.id, ids));
  },

  async insertBuildings(db: DbOrTx, rows: NewBuildingRow[]): Promise<BuildingRow[]> {
    const out: BuildingRow[] = [];
    for (let i = 0; i < rows.length; i += 1000) {
      out.push(...(await db.insert(buildings).values(rows.slice(i, i + 1000)).returning()));
    }
    return out;
  },

  async countBuildings(db: DbOrTx, path: string): Promise<number> {
    const r = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(buildings)
      .where(like(buildings.regionPath, `${path}%`));
    return r[0]?.n ?? 0;
  },
};
