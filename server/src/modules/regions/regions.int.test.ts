import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test/app.js';
import { rows } from '../../platform/db/client.js';
import { SYSTEM_CONTEXT } from '../../platform/audit/index.js';
import { pointInGeometry, wgs84ToGcj02, type Polygon } from '../../platform/geo/index.js';
import { importDivisions } from './divisionImporter.js';
import { seedDemo } from '../demo/seeder.js';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp('demo');
  admin = await t.login('admin');
});
afterAll(() => t?.close());

const get = (url: string, cookie = admin) => t.app.inject({ url, headers: { cookie } });

describe('the demo city: 乌海市', () => {
  it('has the real divisions: 3 districts, 22 streets/towns, 87 communities', async () => {
    const r = await rows<{ level: string; n: number }>(t.database.db, sql`SELECT level, count(*)::int AS n FROM regions WHERE path LIKE '1503%' GROUP BY level`);
    const by = Object.fromEntries(r.map((x) => [x.level, x.n]));
    expect(by).toMatchObject({ city: 1, district: 3, street: 22, community: 87 });
    const districts = (await get('/api/regions/150300000000/children')).json();
    expect(districts.map((d: { name: string }) => d.name)).toEqual(['海勃湾区', '海南区', '乌达区']);
    expect(districts.every((d: { childCount: number }) => d.childCount > 0)).toBe(true);
  });

  it('has 10-15 grids in every community, coded community + 3 digits, and micro-grids in some', async () => {
    const r = await rows<{ n: number }>(
      t.database.db,
      sql`SELECT count(g.code)::int AS n FROM regions c LEFT JOIN regions g ON g.parent_code = c.code AND g.level = 'grid' WHERE c.level = 'community' AND c.path LIKE '1503%' GROUP BY c.code`,
    );
    expect(r).toHaveLength(87);
    for (const { n } of r) expect(n >= 10 && n <= 15).toBe(true);
    const bad = await rows(t.database.db, sql`SELECT code FROM regions WHERE level = 'grid' AND (length(code) <> 15 OR left(code, 12) <> parent_code)`);
    expect(bad).toEqual([]);
    const micro = await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM regions WHERE level = 'microgrid'`);
    expect(micro[0]!.n).toBeGreaterThan(0);
  });

  it('grids tile their community: random points in a community fall in exactly one of its grids', async () => {
    const community = '150302001002';
    const c = (await get(`/api/regions/${community}/grids.geojson?level=community`)).json().features[0];
    const grids = (await get(`/api/regions/${community}/grids.geojson`)).json().features;
    const [minX, minY, maxX, maxY] = c.geometry.coordinates[0].reduce(
      (b: number[], [x, y]: number[]) => [Math.min(b[0]!, x!), Math.min(b[1]!, y!), Math.max(b[2]!, x!), Math.max(b[3]!, y!)],
      [Infinity, Infinity, -Infinity, -Infinity],
    );
    let inside = 0;
    for (let i = 0; i < 400; i++) {
      const x = minX + ((i * 0.6180339) % 1) * (maxX - minX);
      const y = minY + ((i * 0.4142135) % 1) * (maxY - minY);
      if (!pointInGeometry(x, y, c.geometry as Polygon)) continue;
      inside++;
      expect(grids.filter((g: { geometry: Polygon }) => pointInGeometry(x, y, g.geometry)).length).toBe(1);
    }
    expect(inside).toBeGreaterThan(50);
  });

  it('locates a point to its grid, micro-grid, community, street and district', async () => {
    const m = await rows<{ code: string; parent_code: string; center_lng: number; center_lat: number }>(
      t.database.db,
      sql`SELECT code, parent_code, center_lng, center_lat FROM regions WHERE level = 'microgrid' ORDER BY code LIMIT 1`,
    );
    const { code, parent_code, center_lng, center_lat } = m[0]!;
    const res = (await get(`/api/geo/locate?lng=${center_lng}&lat=${center_lat}`)).json();
    expect(res.microgrid.code).toBe(code);
    expect(res.grid.code).toBe(parent_code);
    expect(res.community.code).toBe(parent_code.slice(0, 12));
    expect(res.street.code).toBe(parent_code.slice(0, 9) + '000');
    expect(res.district.code).toBe(parent_code.slice(0, 6) + '000000');
  });

  it('gives GCJ-02 coordinates on request for Chinese tile providers', async () => {
    const wgs = (await get('/api/regions/150302001002001/grids.geojson?level=grid')).json();
    const gcj = (await get('/api/regions/150302001002001/grids.geojson?level=grid&crs=gcj02')).json();
    const [x, y] = wgs.features[0].geometry.coordinates[0][0];
    expect(gcj.features[0].geometry.coordinates[0][0]).toEqual(wgs84ToGcj02(x, y));
  });

  it('lists buildings with a cursor', async () => {
    const p1 = (await get('/api/regions/150302001002/buildings?limit=5')).json();
    expect(p1.items).toHaveLength(5);
    const p2 = (await get(`/api/regions/150302001002/buildings?limit=5&cursor=${p1.nextCursor}`)).json();
    expect(p2.items[0].id).toBeGreaterThan(p1.items[4].id);
  });

  it('answers subtree queries from the path index, not a scan', async () => {
    const plan = await t.database.db.transaction(async (tx) => {
      // Tables this small would be scanned anyway; forbid that to see the index is usable.
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      return rows<{ 'QUERY PLAN': string }>(tx, sql`EXPLAIN SELECT code FROM regions WHERE path LIKE '150302%'`);
    });
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
    expect(text).toMatch(/regions_path/);
  });

  it('searches by partial name inside the caller scope', async () => {
    const hits = (await get(`/api/regions/search?q=${encodeURIComponent('和平')}`)).json();
    expect(hits.some((h: { name: string }) => h.name.includes('和平'))).toBe(true);
  });
});

describe('editing grids', () => {
  const square = (x: number, y: number, d = 0.001) => ({ type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] });

  it('adds a grid with the next free code, audits it, and the index finds it after a boundary edit', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/regions', headers: { cookie: admin }, payload: { parentCode: '150302001002', name: '新建网格', level: 'grid' } });
    expect(created.statusCode).toBe(201);
    const g = created.json();
    const max = await rows<{ m: string }>(t.database.db, sql`SELECT max(code) AS m FROM regions WHERE parent_code = '150302001002'`);
    expect(g.code).toBe(max[0]!.m);
    // Far outside the city: locating there fails until the grid gets that boundary.
    expect((await get('/api/geo/locate?lng=100.0005&lat=30.0005')).statusCode).toBe(404);
    const upd = await t.app.inject({ method: 'PATCH', url: `/api/regions/${g.code}`, headers: { cookie: admin }, payload: { geometry: square(100, 30) } });
    expect(upd.statusCode).toBe(200);
    expect(upd.json().areaKm2).toBeGreaterThan(0);
    expect((await get('/api/geo/locate?lng=100.0005&lat=30.0005')).json().grid.code).toBe(g.code);
  });

  it('shows anyone who may locate the grids around a point, with their current names; a big box is refused', async () => {
    const resident = await t.login('resident01');
    const created = await t.app.inject({ method: 'POST', url: '/api/regions', headers: { cookie: admin }, payload: { parentCode: '150302001002', name: '边界网格', level: 'grid', geometry: square(101, 31) } });
    expect(created.statusCode).toBe(201);
    const code = created.json().code;
    const around = async (bbox: string, crs = '') => get(`/api/geo/grids.geojson?bbox=${bbox}${crs}`, resident);
    const fc = (await around('100.999,30.999,101.002,31.002')).json();
    expect(fc.features.map((f: { properties: { code: string; name: string } }) => [f.properties.code, f.properties.name])).toEqual([[code, '边界网格']]);
    expect(fc.features[0].geometry.coordinates[0][0]).toEqual([101, 31]);
    expect((await around('101.01,31.01,101.02,31.02')).json().features).toEqual([]);
    // A rename reaches the point → grid answers at once (the index carries the names).
    expect((await t.app.inject({ method: 'PATCH', url: `/api/regions/${code}`, headers: { cookie: admin }, payload: { name: '改名网格' } })).statusCode).toBe(200);
    expect((await around('100.999,30.999,101.002,31.002')).json().features[0].properties.name).toBe('改名网格');
    expect((await get('/api/geo/locate?lng=101.0005&lat=31.0005', resident)).json().grid).toEqual({ code, name: '改名网格' });
    const gcj = (await around('100.999,30.999,101.002,31.002', '&crs=gcj02')).json();
    expect(gcj.features[0].geometry.coordinates[0][0]).toEqual(wgs84ToGcj02(101, 31));
    for (const [bbox, rule] of [['100,30,101,31', 'too_large'], ['101,31,100.99,31.01', 'order']] as const) {
      const r = await around(bbox);
      expect(r.statusCode).toBe(400);
      expect(r.json().errors[0]).toMatchObject({ field: 'bbox', rule });
    }
    expect((await around('1,2,3')).statusCode).toBe(400);
  });

  it('refuses boundary edits above the grid level', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/regions/150302001002', headers: { cookie: admin }, payload: { geometry: square(100, 30) } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('geometry');
  });

  it('adds a building only inside its grid', async () => {
    const g = (await get('/api/regions/150302001002001')).json();
    const ok = await t.app.inject({ method: 'POST', url: '/api/buildings', headers: { cookie: admin }, payload: { regionCode: g.code, name: '新楼', lng: g.center[0], lat: g.center[1], floors: 6 } });
    expect(ok.statusCode).toBe(201);
    const bad = await t.app.inject({ method: 'POST', url: '/api/buildings', headers: { cookie: admin }, payload: { regionCode: g.code, name: '外楼', lng: 0, lat: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'lng', rule: 'outside_region' });
  });
});

describe('import and seeding are idempotent', () => {
  it('re-importing a city changes no count and keeps the grids', async () => {
    const count = async () => (await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM regions`))[0]!.n;
    const before = await count();
    const r = await importDivisions(t.database.db, '1503', SYSTEM_CONTEXT);
    expect(r.counts).toEqual({ district: 3, street: 22, community: 87 });
    expect(await count()).toBe(before);
    const again = await seedDemo(t.database.db, t.services, '1503', SYSTEM_CONTEXT);
    expect(again.geometry.grids).toBe(0);
    expect(again.geometry.buildings).toBe(0);
    expect(again.accounts).toEqual([]);
    expect(await count()).toBe(before);
  });

  it('rejects an unknown or malformed city code', async () => {
    await expect(importDivisions(t.database.db, '9999', SYSTEM_CONTEXT)).rejects.toMatchObject({ code: 'region.city_unknown' });
    await expect(importDivisions(t.database.db, '15', SYSTEM_CONTEXT)).rejects.toMatchObject({ code: 'region.invalid_code' });
  });
});
