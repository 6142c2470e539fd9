import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test/app.js';
import { rows } from '../../platform/db/client.js';
import { SYSTEM_CONTEXT } from '../../platform/audit/index.js';
import { citizenIdCheckChar } from '../../platform/identity/citizenId.js';

let t: TestApp;
let admin: string;
const GRID = '150302001002001';
let buildingId: number;

const idFor = (first17: string) => first17 + citizenIdCheckChar(first17);
const post = (url: string, payload: unknown, cookie = admin) => t.app.inject({ method: 'POST', url, payload: payload as never, headers: { cookie } });
const get = (url: string, cookie = admin) => t.app.inject({ url, headers: { cookie } });

async function newHouse(room: string, entranceNo = 1, floor = 3) {
  const r = await post('/api/houses', { buildingId, entranceNo, floor, room });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: number; address: string };
}

beforeAll(async () => {
  t = await createTestApp('demo');
  admin = await t.login('admin');
  // A building of known shape, so floors and entrances below exist.
  const grid = (await get(`/api/regions/${GRID}`)).json();
  const b = await post('/api/buildings', { regionCode: GRID, name: '测试楼', lng: grid.center[0], lat: grid.center[1], floors: 18, entrances: 3, address: '凤凰岭街道和平社区测试楼' });
  expect(b.statusCode, b.body).toBe(201);
  buildingId = b.json().id;
});
afterAll(() => t?.close());

describe('registering a person', () => {
  it('derives sex and birth date from the ID number and stores it encrypted and masked', async () => {
    const house = await newHouse('101');
    const id = idFor('15030219850612003');
    const r = await post('/api/people', { name: '王秀兰', idNumber: id, phone: '13947300001', houseId: house.id, tags: ['needy'] });
    expect(r.statusCode, r.body).toBe(201);
    const p = r.json();
    expect(p).toMatchObject({ name: '王秀兰', sex: 'male', birthDate: '1985-06-12', idNumber: '150302********' + id.slice(-4), phone: '139****0001', address: house.address });
    const raw = await rows<{ id_enc: string; id_masked: string }>(t.database.db, sql`SELECT id_enc, id_masked FROM persons WHERE id = ${p.id}`);
    expect(raw[0]!.id_enc).not.toContain(id.slice(6, 14));
  });

  it.each([
    ['a wrong check character', { idNumber: '150302198506120030' }, 'idNumber', 'id_check_char'],
    ['an impossible birth date', { idNumber: idFor('15030219850230003') }, 'idNumber', 'id_birth_date'],
    ['a sex that contradicts the ID', { idNumber: idFor('15030219850612005'), sex: 'female' }, 'sex', 'id_mismatch'],
    ['a bad phone', { idNumber: idFor('15030219850612007'), phone: '12345' }, 'phone', 'phone_format'],
    ['an unknown tag', { idNumber: idFor('15030219850612009'), tags: ['nonsense'] }, 'tags', 'enum'],
    ['no place', { idNumber: idFor('15030219850612011'), regionCode: undefined }, 'houseId', 'required'],
  ])('refuses %s, naming the field and rule, and writes nothing', async (_n, patch, field, rule) => {
    const before = await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM persons`);
    const r = await post('/api/people', { name: '测试', regionCode: GRID, ...patch });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field, rule });
    const after = await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM persons`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('refuses the same ID number twice with 409', async () => {
    const id = idFor('15030219700101001');
    expect((await post('/api/people', { name: '甲', idNumber: id, regionCode: GRID })).statusCode).toBe(201);
    const r = await post('/api/people', { name: '乙', idNumber: id, regionCode: GRID });
    expect(r.statusCode).toBe(409);
    expect(r.json().errors[0].field).toBe('idNumber');
  });
});

describe('search', () => {
  let id: string;
  beforeAll(async () => {
    id = idFor('15030219600315002');
    const house = await newHouse('1502', 2, 15);
    const r = await post('/api/people', { name: '欧阳建国', idNumber: id, phone: '15804730099', houseId: house.id, tags: ['elderly_alone', 'veteran'] });
    expect(r.statusCode, r.body).toBe(201);
  });

  it('by part of a Chinese name, ID number, phone, address and tags', async () => {
    const names = async (q: string) => {
      const r = await get(`/api/people?${q}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json().items.map((p: { name: string }) => p.name);
    };
    expect(await names(`q=${encodeURIComponent('阳建')}`)).toEqual(['欧阳建国']);
    expect(await names(`q=${encodeURIComponent('欧')}`)).toContain('欧阳建国');
    expect(await names(`idNumber=${id.toLowerCase()}`)).toEqual(['欧阳建国']);
    expect(await names('phone=158-0473-0099')).toEqual(['欧阳建国']);
    expect(await names(`address=${encodeURIComponent('2单元1502')}`)).toEqual(['欧阳建国']);
    expect(await names('tags=elderly_alone,veteran')).toEqual(['欧阳建国']);
    expect(await names(`tags=elderly_alone,needy&q=${encodeURIComponent('欧阳')}`)).toEqual([]);
  });
});

describe('personal information', () => {
  it('unmasks for a grid worker with a reason, audited; a department handler may not', async () => {
    const id = idFor('15030219900909001');
    const p = (await post('/api/people', { name: '李明', idNumber: id, phone: '13600000000', regionCode: GRID })).json();
    const grid = await t.login('grid01');
    const r = await post(`/api/people/${p.id}/unmask`, { field: 'idNumber', reason: '入户核实身份' }, grid);
    expect(r.json()).toEqual({ value: id });
    const audit = await rows<{ after: { field: string; reason: string }; actor_username: string }>(
      t.database.db,
      sql`SELECT after, actor_username FROM audit_log WHERE action = 'person.unmask' AND entity_id = ${String(p.id)}`,
    );
    expect(audit).toEqual([{ after: { field: 'idNumber', reason: '入户核实身份' }, actor_username: 'grid01' }]);
    await t.services.users.ensureSystemUser({ username: 'handler9', displayName: '部门', password: 'Passw0rd-x', role: 'dept_handler', scopeCode: '150302000000' }, SYSTEM_CONTEXT);
    const handler = await t.login('handler9', 'Passw0rd-x');
    expect((await get(`/api/people/${p.id}`, handler)).json().idNumber).toMatch(/^150302\*{8}/);
    expect((await post(`/api/people/${p.id}/unmask`, { field: 'idNumber', reason: '想看' }, handler)).statusCode).toBe(403);
  });

  it('exports masked by default and unmasked only on request, both audited', async () => {
    const masked = await get(`/api/people/export?format=csv&q=${encodeURIComponent('李明')}`);
    expect(masked.headers['content-type']).toContain('text/csv');
    expect(masked.body.charCodeAt(0)).toBe(0xfeff);
    expect(masked.body).toMatch(/150302\*{8}/);
    const full = await get(`/api/people/export?format=csv&unmasked=true&q=${encodeURIComponent('李明')}`);
    expect(full.body).toContain(idFor('15030219900909001'));
    const xlsx = await get(`/api/people/export?format=xlsx&q=${encodeURIComponent('李明')}`);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    await new Promise((r) => setTimeout(r, 50));
    const audit = await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'person.export'`);
    expect(audit[0]!.n).toBe(3);
  });
});

describe('history and life events', () => {
  it('keeps previous versions and refuses a stale edit', async () => {
    const p = (await post('/api/people', { name: '赵强', idNumber: idFor('15030219880808003'), regionCode: GRID })).json();
    const r1 = await t.app.inject({ method: 'PATCH', url: `/api/people/${p.id}`, headers: { cookie: admin }, payload: { phone: '13700000001', expectedVersion: 1 } });
    expect(r1.json().version).toBe(2);
    const stale = await t.app.inject({ method: 'PATCH', url: `/api/people/${p.id}`, headers: { cookie: admin }, payload: { phone: '13700000002', expectedVersion: 1 } });
    expect(stale.statusCode).toBe(409);
    const hist = (await get(`/api/people/${p.id}/history`)).json();
    expect(hist).toHaveLength(1);
    expect(hist[0]).toMatchObject({ version: 1, data: { phone: null } });
  });

  it('moves a family in, hands over the head on death, splits and merges households', async () => {
    const house = await newHouse('602', 1, 6);
    const mk = async (name: string, first17: string) => (await post('/api/people', { name, idNumber: idFor(first17), houseId: house.id })).json().id as number;
    const father = await mk('孙大海', '15030219550101001');
    const son = await mk('孙小海', '15030219800101003');
    const daughter = await mk('孙小红', '15030219820101002');
    const hh = (await post(`/api/people/${father}/move-in`, { houseId: house.id, occurredOn: '2020-01-01' })).json().household;
    await post(`/api/people/${son}/move-in`, { houseId: house.id, householdId: hh.id, relation: 'child', occurredOn: '2020-01-01' });
    await post(`/api/people/${daughter}/move-in`, { houseId: house.id, householdId: hh.id, relation: 'child', occurredOn: '2020-01-01' });
    expect((await get(`/api/households/${hh.id}`)).json().members).toHaveLength(3);

    const noHeir = await post(`/api/people/${father}/death`, { occurredOn: '2026-05-01' });
    expect(noHeir.statusCode).toBe(400);
    expect(noHeir.json().errors[0].field).toBe('newHeadPersonId');
    const died = await post(`/api/people/${father}/death`, { occurredOn: '2026-05-01', newHeadPersonId: son });
    expect(died.json().status).toBe('deceased');
    const after = (await get(`/api/households/${hh.id}`)).json();
    expect(after.headPersonId).toBe(son);
    expect(after.members.map((m: { personId: number }) => m.personId).sort()).toEqual([son, daughter].sort());

    const split = await post(`/api/households/${hh.id}/split`, { personIds: [daughter], newHeadPersonId: daughter, occurredOn: '2026-06-01' });
    expect(split.statusCode, split.body).toBe(200);
    expect(split.json().members).toEqual([expect.objectContaining({ personId: daughter, relation: 'head' })]);
    const merged = await post('/api/households/merge', { fromId: split.json().id, intoId: hh.id, occurredOn: '2026-07-01' });
    expect(merged.json().members).toHaveLength(2);
    const kinds = (await get(`/api/households/${hh.id}`)).json().events.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['split', 'merge']));
    expect((await get(`/api/people/${father}`)).json().events.map((e: { kind: string }) => e.kind)).toEqual(['death', 'move_in']);
  });
});

describe('building view', () => {
  it('lays out floors × entrances with each household card colour', async () => {
    const house = await newHouse('301', 2, 3);
    const p = (await post('/api/people', { name: '周红', idNumber: idFor('15030219750505002'), houseId: house.id })).json();
    const hh = (await post(`/api/people/${p.id}/move-in`, { houseId: house.id, occurredOn: '2024-01-01' })).json().household;
    await t.app.inject({ method: 'PATCH', url: `/api/households/${hh.id}`, headers: { cookie: admin }, payload: { colour: 'orange', colourNote: '独居老人' } });
    const bad = await t.app.inject({ method: 'PATCH', url: `/api/households/${hh.id}`, headers: { cookie: admin }, payload: { colour: 'pink' } });
    expect(bad.json().errors[0]).toMatchObject({ field: 'colour', rule: 'enum' });
    const layout = (await get(`/api/buildings/${buildingId}/layout`)).json();
    expect(layout.building.id).toBe(buildingId);
    const cell = layout.houses.find((h: { id: number }) => h.id === house.id);
    expect(cell).toMatchObject({ floor: 3, room: '301', households: [{ id: hh.id, colour: 'orange', headName: '周红', members: 1 }] });
    expect(layout.entrances.map((e: { no: number }) => e.no)).toContain(2);
  });
});
