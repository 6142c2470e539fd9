/**
 * Walks every /api endpoint with users of every role and scope, and proves that no read or
 * write crosses a scope. A new endpoint without a row here fails the first test; an endpoint
 * that skips `authorize` fails the second (an out-of-scope caller would get a 2xx).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { SYSTEM_CONTEXT } from '../audit/index.js';
import { importDivisions } from '../../modules/regions/divisionImporter.js';
import { parseRegionCode } from '../../modules/regions/codes.js';
import { authRepo } from '../auth/repo.js';
import { citizenIdCheckChar } from '../identity/citizenId.js';
import { creditCheckChar } from '../identity/creditCode.js';
import type { Actor } from './index.js';
import { importsRepo } from '../../modules/imports/repo.js';
import { PERMISSIONS, type Action, type Role } from './roles.js';
import { jpegWithGps } from '../../test/imageFixtures.js';

interface Fixture {
  /** Grid inside every Wuhai demo scope, another in a different district, one in another city. */
  grid: { in: string; out: string; otherCity: string };
  community: { in: string; out: string; otherCity: string };
  user: { in: number; out: number; otherCity: number };
  person: Triple<number>;
  house: Triple<number>;
  building: Triple<number>;
  household: Triple<number>;
  /** Registry records in each target grid: an organisation, a park, a party committee and one member of it. */
  org: Triple<number>;
  site: Triple<number>;
  partyOrg: Triple<number>;
  member: Triple<number>;
  /** A new person (with a household of one, in a new house) per call, for state-changing actions. */
  freshPerson(grid: string): Promise<{ personId: number; householdId: number; houseId: number }>;
  /** A finished import batch run in each target grid, and a saved import template (templates are city-wide). */
  importBatch: Triple<number>;
  importMapping: number;
  /** An open conflict on the target person; a fresh one per call for resolving. */
  conflict: Triple<number>;
  freshConflict(grid: string): Promise<number>;
  /** A ticket reported in each target grid; a fresh one (status reported) per call for transitions. */
  ticket: Triple<number>;
  freshTicket(grid: string): Promise<number>;
  /** A fresh dispatch rule in a community, for deleting. */
  freshRule(community: string): Promise<number>;
}

interface Caller {
  username: string;
  role: Role;
  scopePath: string | null;
  cookie: string;
}

type Target = 'in' | 'out';
type Req = { url: string; body?: unknown; headers?: Record<string, string> };
type Triple<T> = { in: T; out: T; otherCity: T };

interface Case {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  /** Unscoped by design: geography lookup and one's own account. */
  access: Action | 'public' | 'authenticated';
  /** Build the request for a target inside or outside the caller's scope. */
  request?: (t: Target, f: Fixture, c: Caller, n: number) => Req | Promise<Req>;
  /** Roles allowed by permission still get 403 here: the action is unscoped (city-wide settings, lookups). */
  unscoped?: boolean;
  /** Extra check for responses that are not JSON lists (exports), or whose rule is not plain scope. */
  check?: (res: { statusCode: number; body: string }, c: Caller, f: Fixture, target: Target) => void;
  /** For list endpoints: the region path of every returned item (null = unscoped item). */
  itemPaths?: (body: any, c: Caller) => (string | null)[];
  ok: number;
}

const pathOf = (code: string) => parseRegionCode(code)!.path;
/** A valid unified social credit code, unique per n. */
const creditCode = (n: number) => {
  const first17 = `9199${String(n).padStart(13, '0')}`;
  return first17 + creditCheckChar(first17);
};
/** Out-of-scope target for the caller: the city admin's "outside" is another city. */
const pick = (o: { in: any; out: any; otherCity: any }, t: Target, c: Caller) => (t === 'in' ? o.in : c.role === 'city_admin' ? o.otherCity : o.out);

const CASES: Case[] = [
  { method: 'GET', url: '/api/config', access: 'public', ok: 200 },
  { method: 'GET', url: '/api/openapi.json', access: 'public', ok: 200 },
  { method: 'POST', url: '/api/auth/login', access: 'public', ok: 401, request: () => ({ url: '/api/auth/login', body: { username: 'nobody', password: 'x' } }) },
  { method: 'GET', url: '/api/auth/me', access: 'authenticated', ok: 200 },
  { method: 'POST', url: '/api/auth/logout', access: 'authenticated', ok: 204, request: () => ({ url: '/api/auth/logout' }) },
  {
    method: 'POST',
    url: '/api/auth/password',
    access: 'authenticated',
    ok: 400,
    request: () => ({ url: '/api/auth/password', body: { currentPassword: 'wrong-one-1', newPassword: 'whatever-2026' } }),
  },
  { method: 'GET', url: '/api/geo/locate', access: 'geo.locate', ok: 200, request: () => ({ url: '/api/geo/locate?lng=106.82&lat=39.62' }) },
  { method: 'GET', url: '/api/geo/grids.geojson', access: 'geo.locate', ok: 200, request: () => ({ url: '/api/geo/grids.geojson?bbox=106.81,39.61,106.83,39.63' }) },
  { method: 'GET', url: '/api/regions/:code', access: 'region.read', ok: 200, request: (t, f, c) => ({ url: `/api/regions/${pick(f.grid, t, c)}` }) },
  { method: 'GET', url: '/api/regions/:code/children', access: 'region.read', ok: 200, request: (t, f, c) => ({ url: `/api/regions/${pick(f.community, t, c)}/children` }) },
  {
    method: 'GET',
    url: '/api/regions/:code/grids.geojson',
    access: 'region.read',
    ok: 200,
    request: (t, f, c) => ({ url: `/api/regions/${pick(f.community, t, c)}/grids.geojson` }),
  },
  { method: 'GET', url: '/api/regions/:code/buildings', access: 'building.read', ok: 200, request: (t, f, c) => ({ url: `/api/regions/${pick(f.grid, t, c)}/buildings` }) },
  {
    method: 'GET',
    url: '/api/regions/:code/buildings.geojson',
    access: 'building.read',
    ok: 200,
    request: (t, f, c) => ({ url: `/api/regions/${pick(f.grid, t, c)}/buildings.geojson` }),
  },
  {
    method: 'GET',
    url: '/api/regions/search',
    access: 'region.read',
    ok: 200,
    request: () => ({ url: `/api/regions/search?q=${encodeURIComponent('社区')}&limit=100` }),
    itemPaths: (b: { code: string }[]) => b.map((r) => pathOf(r.code)),
  },
  {
    method: 'POST',
    url: '/api/regions',
    access: 'region.write',
    ok: 201,
    request: (t, f, c) => ({ url: '/api/regions', body: { parentCode: pick(f.community, t, c), name: '测试网格', level: 'grid' } }),
  },
  { method: 'PATCH', url: '/api/regions/:code', access: 'region.write', ok: 200, request: (t, f, c) => ({ url: `/api/regions/${pick(f.grid, t, c)}`, body: { name: '改名网格' } }) },
  {
    method: 'POST',
    url: '/api/buildings',
    access: 'building.write',
    ok: 201,
    request: (t, f, c) => ({ url: '/api/buildings', body: { regionCode: pick(f.grid, t, c), name: '测试楼', lng: 0, lat: 0 } }),
  },
  {
    method: 'GET',
    url: '/api/users',
    access: 'user.read',
    ok: 200,
    request: () => ({ url: '/api/users?limit=500' }),
    itemPaths: (b: { items: { scope: { code: string } | null }[] }) => b.items.map((u) => (u.scope ? pathOf(u.scope.code) : null)),
  },
  {
    method: 'POST',
    url: '/api/users',
    access: 'user.write',
    ok: 201,
    request: (t, f, c, n) => ({
      url: '/api/users',
      body: { username: `u${n}x${c.username}`, displayName: '测试', password: 'Passw0rd-test', role: 'grid_worker', scopeCode: pick(f.grid, t, c) },
    }),
  },
  { method: 'PATCH', url: '/api/users/:id', access: 'user.write', ok: 200, request: (t, f, c) => ({ url: `/api/users/${pick(f.user, t, c)}`, body: { department: '测试科' } }) },
  { method: 'POST', url: '/api/users/:id/unlock', access: 'user.write', ok: 200, request: (t, f, c) => ({ url: `/api/users/${pick(f.user, t, c)}/unlock` }) },
  {
    method: 'GET',
    url: '/api/audit',
    access: 'audit.read',
    ok: 200,
    request: () => ({ url: '/api/audit?limit=500' }),
    itemPaths: (b: { items: { scopePath: string | null }[] }) => b.items.map((e) => e.scopePath),
  },
  // ---- registries: people, households, houses ----
  {
    method: 'GET',
    url: '/api/people',
    access: 'person.read',
    ok: 200,
    request: () => ({ url: '/api/people?limit=500' }),
    itemPaths: (b: { items: { regionCode: string }[] }) => b.items.map((p) => pathOf(p.regionCode)),
  },
  {
    method: 'GET',
    url: '/api/people/export',
    access: 'person.export',
    ok: 200,
    request: () => ({ url: '/api/people/export?format=csv' }),
    // The export is a file: the out-of-scope people must not be in it.
    check: (res, c) => {
      expect(res.statusCode).toBe(200);
      if (c.role !== 'city_admin') expect(res.body).not.toContain('测试2,');
      expect(res.body).not.toContain('测试3,');
    },
  },
  { method: 'GET', url: '/api/people/:id', access: 'person.read', ok: 200, request: (t, f, c) => ({ url: `/api/people/${pick(f.person, t, c)}` }) },
  { method: 'GET', url: '/api/people/:id/history', access: 'person.read', ok: 200, request: (t, f, c) => ({ url: `/api/people/${pick(f.person, t, c)}/history` }) },
  { method: 'PATCH', url: '/api/people/:id', access: 'person.write', ok: 200, request: (t, f, c) => ({ url: `/api/people/${pick(f.person, t, c)}`, body: { ethnicity: '汉族' } }) },
  {
    method: 'POST',
    url: '/api/people',
    access: 'person.write',
    ok: 201,
    request: (t, f, c, n) => {
      const first17 = `150303${1960 + (n % 40)}0202${String(n % 1000).padStart(3, '0')}`;
      return { url: '/api/people', body: { name: `新登记${n}`, idNumber: first17 + citizenIdCheckChar(first17), regionCode: pick(f.grid, t, c) } };
    },
  },
  {
    method: 'POST',
    url: '/api/people/:id/unmask',
    access: 'person.unmask',
    ok: 200,
    request: (t, f, c) => ({ url: `/api/people/${pick(f.person, t, c)}/unmask`, body: { field: 'idNumber', reason: '入户走访核对' } }),
  },
  {
    method: 'POST',
    url: '/api/people/:id/move-in',
    access: 'person.write',
    ok: 200,
    request: async (t, f, c) => {
      const p = await f.freshPerson(pick(f.grid, t, c));
      return { url: `/api/people/${p.personId}/move-in`, body: { houseId: p.houseId, occurredOn: '2026-02-01' } };
    },
  },
  {
    method: 'POST',
    url: '/api/people/:id/move-out',
    access: 'person.write',
    ok: 200,
    request: async (t, f, c) => ({ url: `/api/people/${(await f.freshPerson(pick(f.grid, t, c))).personId}/move-out`, body: { occurredOn: '2026-03-01' } }),
  },
  {
    method: 'POST',
    url: '/api/people/:id/death',
    access: 'person.write',
    ok: 200,
    request: async (t, f, c) => ({ url: `/api/people/${(await f.freshPerson(pick(f.grid, t, c))).personId}/death`, body: { occurredOn: '2026-03-01' } }),
  },
  {
    method: 'GET',
    url: '/api/households',
    access: 'person.read',
    ok: 200,
    request: () => ({ url: '/api/households?limit=500' }),
    itemPaths: (b: { items: { regionCode: string }[] }) => b.items.map((h) => pathOf(h.regionCode)),
  },
  {
    method: 'GET',
    url: '/api/households/export',
    access: 'person.export',
    ok: 200,
    request: () => ({ url: '/api/households/export?format=csv' }),
    check: (res, c, f) => {
      expect(res.statusCode).toBe(200);
      // Rows carry the region code: none may lie outside the caller's scope.
      for (const line of res.body.split('\r\n').slice(1).filter(Boolean)) expect(line.split(',').pop()!.startsWith(c.scopePath!)).toBe(true);
      void f;
    },
  },
  {
    method: 'GET',
    url: '/api/houses/export',
    access: 'person.export',
    ok: 200,
    request: () => ({ url: '/api/houses/export?format=csv' }),
    check: (res, c) => {
      expect(res.statusCode).toBe(200);
      for (const line of res.body.split('\r\n').slice(1).filter(Boolean)) expect(line.split(',').pop()!.startsWith(c.scopePath!)).toBe(true);
    },
  },
  { method: 'GET', url: '/api/households/:id', access: 'person.read', ok: 200, request: (t, f, c) => ({ url: `/api/households/${pick(f.household, t, c)}` }) },
  { method: 'PATCH', url: '/api/households/:id', access: 'person.write', ok: 200, request: (t, f, c) => ({ url: `/api/households/${pick(f.household, t, c)}`, body: { colour: 'green' } }) },
  {
    method: 'POST',
    url: '/api/households/:id/split',
    access: 'person.write',
    ok: 200,
    request: async (t, f, c) => {
      // A household of two: the second member splits off.
      const a = await f.freshPerson(pick(f.grid, t, c));
      const b = await f.freshPerson(pick(f.grid, t, c));
      await tApp().services.people.moveIn(SYSTEM_ACTOR, b.personId, { houseId: a.houseId, householdId: a.householdId, relation: 'child', occurredOn: '2026-01-02' }, SYSTEM_CONTEXT);
      return { url: `/api/households/${a.householdId}/split`, body: { personIds: [b.personId], newHeadPersonId: b.personId, occurredOn: '2026-04-01' } };
    },
  },
  {
    method: 'POST',
    url: '/api/households/merge',
    access: 'person.write',
    ok: 200,
    request: async (t, f, c) => {
      const a = await f.freshPerson(pick(f.grid, t, c));
      const b = await f.freshPerson(pick(f.grid, t, c));
      return { url: '/api/households/merge', body: { fromId: a.householdId, intoId: b.householdId, occurredOn: '2026-04-01' } };
    },
  },
  { method: 'GET', url: '/api/catalogue', access: 'person.read', ok: 200, unscoped: true },
  {
    method: 'PUT',
    url: '/api/catalogue/tags',
    access: 'catalogue.write',
    ok: 200,
    unscoped: true,
    request: () => ({ url: '/api/catalogue/tags', body: { code: 'test_tag', name: '测试', category: '测试', mustVisit: false } }),
  },
  {
    method: 'PUT',
    url: '/api/catalogue/colours',
    access: 'catalogue.write',
    ok: 200,
    unscoped: true,
    request: () => ({ url: '/api/catalogue/colours', body: { code: 'purple', name: '紫色', hex: '#722ed1', meaning: '测试' } }),
  },
  {
    method: 'GET',
    url: '/api/houses',
    access: 'house.read',
    ok: 200,
    request: () => ({ url: '/api/houses?limit=500' }),
    itemPaths: (b: { items: { regionCode: string }[] }) => b.items.map((h) => pathOf(h.regionCode)),
  },
  { method: 'GET', url: '/api/houses/:id', access: 'house.read', ok: 200, request: (t, f, c) => ({ url: `/api/houses/${pick(f.house, t, c)}` }) },
  { method: 'PATCH', url: '/api/houses/:id', access: 'house.write', ok: 200, request: (t, f, c) => ({ url: `/api/houses/${pick(f.house, t, c)}`, body: { occupancy: 'rented' } }) },
  {
    method: 'POST',
    url: '/api/houses',
    access: 'house.write',
    ok: 201,
    request: (t, f, c, n) => ({ url: '/api/houses', body: { buildingId: pick(f.building, t, c), entranceNo: 1, floor: 1, room: `S${n}` } }),
  },
  { method: 'GET', url: '/api/buildings/:id/layout', access: 'house.read', ok: 200, request: (t, f, c) => ({ url: `/api/buildings/${pick(f.building, t, c)}/layout` }) },
  // ---- registries: organisations, sites, coverage, ledgers ----
  {
    method: 'GET',
    url: '/api/orgs',
    access: 'org.read',
    ok: 200,
    request: () => ({ url: '/api/orgs?limit=500' }),
    itemPaths: (b: { items: { region: { code: string } }[] }) => b.items.map((o) => pathOf(o.region.code)),
  },
  { method: 'GET', url: '/api/orgs/:id', access: 'org.read', ok: 200, request: (t, f, c) => ({ url: `/api/orgs/${pick(f.org, t, c)}` }) },
  {
    method: 'POST',
    url: '/api/orgs',
    access: 'org.write',
    ok: 201,
    request: (t, f, c, n) => ({ url: '/api/orgs', body: { creditCode: creditCode(n), name: '范围测试企业', regionCode: pick(f.grid, t, c) } }),
  },
  { method: 'PATCH', url: '/api/orgs/:id', access: 'org.write', ok: 200, request: (t, f, c, n) => ({ url: `/api/orgs/${pick(f.org, t, c)}`, body: { employees: n } }) },
  {
    method: 'GET',
    url: '/api/sites',
    access: 'org.read',
    ok: 200,
    request: () => ({ url: '/api/sites?limit=500' }),
    itemPaths: (b: { items: { region: { code: string } }[] }) => b.items.map((s) => pathOf(s.region.code)),
  },
  { method: 'GET', url: '/api/sites/:id', access: 'org.read', ok: 200, request: (t, f, c) => ({ url: `/api/sites/${pick(f.site, t, c)}` }) },
  {
    method: 'POST',
    url: '/api/sites',
    access: 'org.write',
    ok: 201,
    request: (t, f, c) => ({ url: '/api/sites', body: { kind: 'park', name: '范围测试园区', regionCode: pick(f.grid, t, c) } }),
  },
  { method: 'PATCH', url: '/api/sites/:id', access: 'org.write', ok: 200, request: (t, f, c) => ({ url: `/api/sites/${pick(f.site, t, c)}`, body: { name: '改名园区' } }) },
  { method: 'GET', url: '/api/coverage', access: 'coverage.read', ok: 200, request: (t, f, c) => ({ url: `/api/coverage?region=${pick(f.grid, t, c)}` }) },
  {
    method: 'GET',
    url: '/api/coverage/list',
    access: 'coverage.read',
    ok: 200,
    request: (t, f, c) => ({ url: `/api/coverage/list?region=${pick(f.grid, t, c)}&grp=enterprise` }),
  },
  {
    method: 'GET',
    url: '/api/ledgers/:kind',
    access: 'org.read',
    ok: 200,
    request: () => ({ url: '/api/ledgers/parks?limit=500' }),
    itemPaths: (b: { items: { regionCode: string }[] }) => b.items.map((r) => pathOf(r.regionCode)),
  },
  {
    method: 'GET',
    url: '/api/ledgers/:kind/export',
    access: 'org.read',
    ok: 200,
    request: (t, f, c) => ({ url: `/api/ledgers/parks/export?region=${pick(f.grid, t, c)}` }),
  },
  // ---- registries: party organisations and members ----
  {
    method: 'GET',
    url: '/api/party/orgs',
    access: 'party.read',
    ok: 200,
    request: () => ({ url: '/api/party/orgs' }),
    itemPaths: (b: { region: { code: string } }[]) => b.map((o) => pathOf(o.region.code)),
  },
  { method: 'GET', url: '/api/party/orgs/:id', access: 'party.read', ok: 200, request: (t, f, c) => ({ url: `/api/party/orgs/${pick(f.partyOrg, t, c)}` }) },
  {
    method: 'POST',
    url: '/api/party/orgs',
    access: 'party.write',
    ok: 201,
    request: (t, f, c) => ({ url: '/api/party/orgs', body: { name: '范围测试党支部', level: 'branch', parentId: pick(f.partyOrg, t, c), regionCode: pick(f.grid, t, c) } }),
  },
  {
    method: 'PATCH',
    url: '/api/party/orgs/:id',
    access: 'party.write',
    ok: 200,
    request: (t, f, c) => ({ url: `/api/party/orgs/${pick(f.partyOrg, t, c)}`, body: { secretary: '测试书记' } }),
  },
  {
    method: 'GET',
    url: '/api/party/members',
    access: 'party.read',
    ok: 200,
    request: () => ({ url: '/api/party/members?limit=500' }),
    // 双报到: a member is visible through their branch's region or through the community they registered at.
    itemPaths: (b: { items: { region: { code: string }; homeCommunity: { code: string } | null }[] }, c) =>
      b.items.map((m) => {
        const paths = [m.region.code, m.homeCommunity?.code].filter((x): x is string => !!x).map(pathOf);
        return paths.find((p) => c.scopePath && p.startsWith(c.scopePath)) ?? paths[0]!;
      }),
  },
  {
    method: 'POST',
    url: '/api/party/members',
    access: 'party.write',
    ok: 201,
    request: async (t, f, c) => ({ url: '/api/party/members', body: { personId: (await f.freshPerson(pick(f.grid, t, c))).personId, partyOrgId: pick(f.partyOrg, t, c) } }),
  },
  {
    method: 'PATCH',
    url: '/api/party/members/:id',
    access: 'party.write',
    ok: 200,
    request: (t, f, c) => ({ url: `/api/party/members/${pick(f.member, t, c)}`, body: { workUnit: '测试单位' } }),
  },
  // ---- department imports and the conflict queue ----
  {
    method: 'POST',
    url: '/api/imports/inspect',
    access: 'import.run',
    ok: 200,
    request: (t, f, c) => importUpload('/api/imports/inspect', { kind: 'people', regionCode: pick(f.grid, t, c) }),
  },
  {
    method: 'POST',
    url: '/api/imports',
    access: 'import.run',
    ok: 202,
    request: (t, f, c) => importUpload('/api/imports', { kind: 'people', source: '范围测试局', regionCode: pick(f.grid, t, c) }),
  },
  {
    method: 'GET',
    url: '/api/imports',
    access: 'import.run',
    ok: 200,
    request: () => ({ url: '/api/imports?limit=500' }),
    itemPaths: (b: { items: { regionCode: string }[] }) => b.items.map((x) => pathOf(x.regionCode)),
  },
  { method: 'GET', url: '/api/imports/:id', access: 'import.run', ok: 200, request: (t, f, c) => ({ url: `/api/imports/${pick(f.importBatch, t, c)}` }) },
  { method: 'GET', url: '/api/imports/:id/errors', access: 'import.run', ok: 200, request: (t, f, c) => ({ url: `/api/imports/${pick(f.importBatch, t, c)}/errors` }) },
  { method: 'GET', url: '/api/imports/:id/errors.csv', access: 'import.run', ok: 200, request: (t, f, c) => ({ url: `/api/imports/${pick(f.importBatch, t, c)}/errors.csv` }) },
  { method: 'GET', url: '/api/import-mappings', access: 'import.run', ok: 200, unscoped: true },
  {
    method: 'POST',
    url: '/api/import-mappings',
    access: 'import.run',
    ok: 201,
    unscoped: true,
    request: (_t, _f, _c, n) => ({ url: '/api/import-mappings', body: { name: `范围测试模板${n}`, source: '范围测试局', kind: 'people', columns: { name: '姓名', idNumber: '身份证号' } } }),
  },
  {
    method: 'PUT',
    url: '/api/import-mappings/:id',
    access: 'import.run',
    ok: 200,
    unscoped: true,
    request: (_t, f) => ({ url: `/api/import-mappings/${f.importMapping}`, body: { columns: { name: '姓名', idNumber: '公民身份号码' } } }),
  },
  {
    method: 'GET',
    url: '/api/conflicts',
    access: 'person.read',
    ok: 200,
    request: () => ({ url: '/api/conflicts?limit=500' }),
    itemPaths: (b: { items: { regionCode: string }[] }) => b.items.map((x) => pathOf(x.regionCode)),
  },
  {
    method: 'POST',
    url: '/api/conflicts/:id/resolve',
    access: 'conflict.resolve',
    ok: 200,
    request: async (t, f, c) => ({ url: `/api/conflicts/${t === 'in' ? await f.freshConflict(f.grid.in) : pick(f.conflict, t, c)}/resolve`, body: { resolution: 'keep_current' } }),
  },
  // ---- uploaded photos: any signed-in user (residents too); the modules that attach them narrow who reads ----
  { method: 'POST', url: '/api/uploads', access: 'authenticated', ok: 201, request: () => photoUpload() },
  { method: 'GET', url: '/api/uploads/:id', access: 'authenticated', ok: 200, request: async () => ({ url: await scopeUploadUrl() }) },
  // ---- the closed loop: reporting is open to all; tickets are read and worked by scope, residents see their own ----
  {
    method: 'POST',
    url: '/api/tickets',
    access: 'ticket.report',
    ok: 201,
    unscoped: true,
    request: (t, f, c) => ({ url: '/api/tickets', body: { categoryCode: '0301', description: '范围测试', regionCode: pick(f.grid, t, c) } }),
  },
  {
    method: 'GET',
    url: '/api/tickets',
    access: 'ticket.read',
    ok: 200,
    request: () => ({ url: '/api/tickets?limit=200' }),
    check: (res, c) => {
      expect(res.statusCode).toBe(200);
      for (const item of JSON.parse(res.body).items as { regionCode: string; mine: boolean }[]) {
        if (c.role === 'resident') expect(item.mine, `${c.username}: someone else's ticket`).toBe(true);
        else expect(pathOf(item.regionCode).startsWith(c.scopePath!), `${c.username}: ticket in ${item.regionCode}`).toBe(true);
      }
    },
  },
  { method: 'GET', url: '/api/tickets/inbox', access: 'ticket.read', ok: 200, unscoped: true },
  { method: 'POST', url: '/api/tickets/inbox/read', access: 'ticket.read', ok: 200, unscoped: true, request: () => ({ url: '/api/tickets/inbox/read', body: { ids: [1, 2, 3] } }) },
  { method: 'GET', url: '/api/tickets/duplicates', access: 'ticket.report', ok: 200, unscoped: true, request: () => ({ url: '/api/tickets/duplicates?categoryCode=0301&lng=106.82&lat=39.62' }) },
  { method: 'GET', url: '/api/tickets/metrics', access: 'ticket.metrics', ok: 200, request: (t, f, c) => ({ url: `/api/tickets/metrics?region=${pick(f.community, t, c)}` }) },
  { method: 'GET', url: '/api/tickets/:id', access: 'ticket.read', ok: 200, request: (t, f, c) => ({ url: `/api/tickets/${pick(f.ticket, t, c)}` }), check: ticketRule(200) },
  { method: 'GET', url: '/api/tickets/:id/targets', access: 'ticket.work', ok: 200, request: (t, f, c) => ({ url: `/api/tickets/${pick(f.ticket, t, c)}/targets` }), check: ticketRule(200) },
  {
    method: 'POST',
    url: '/api/tickets/:id/actions/:action',
    access: 'ticket.work',
    ok: 200,
    request: async (t, f, c) => ({ url: `/api/tickets/${await f.freshTicket(pick(f.grid, t, c))}/actions/accept`, body: {} }),
    // Accepting is a dispatcher's step: a department handler sees the ticket but may not accept it.
    check: ticketRule(200, { dept_handler: [403, 'ticket.not_your_step'] }),
  },
  { method: 'GET', url: '/api/ticket-categories', access: 'authenticated', ok: 200 },
  { method: 'PATCH', url: '/api/ticket-categories/:code', access: 'catalogue.write', ok: 200, unscoped: true, request: () => ({ url: '/api/ticket-categories/0303', body: { resolveValue: 24, resolveUnit: 'hour' } }) },
  { method: 'GET', url: '/api/dispatch-rules', access: 'ticket.read', ok: 200, unscoped: true },
  {
    method: 'POST',
    url: '/api/dispatch-rules',
    access: 'dispatch.write',
    ok: 201,
    request: (t, f, c, n) => ({ url: '/api/dispatch-rules', body: { categoryCode: n % 2 ? '0302' : '0303', regionCode: pick(f.community, t, c), tier: 'community' } }),
  },
  { method: 'DELETE', url: '/api/dispatch-rules/:id', access: 'dispatch.write', ok: 204, request: async (t, f, c) => ({ url: `/api/dispatch-rules/${await f.freshRule(pick(f.community, t, c))}` }) },
  { method: 'GET', url: '/api/calendar', access: 'authenticated', ok: 200, request: () => ({ url: '/api/calendar?year=2026' }) },
  { method: 'PUT', url: '/api/calendar/overrides/:day', access: 'calendar.write', ok: 200, unscoped: true, request: () => ({ url: '/api/calendar/overrides/2031-05-06', body: { work: false, note: '测试' } }) },
  { method: 'DELETE', url: '/api/calendar/overrides/:day', access: 'calendar.write', ok: 200, unscoped: true, request: () => ({ url: '/api/calendar/overrides/2031-05-06' }) },
  // ---- 12345 hotline exchange: rows are placed by point; one outside the caller's area is an error row, not a ticket ----
  {
    method: 'POST',
    url: '/api/hotline/tickets',
    access: 'hotline.import',
    ok: 200,
    request: async (t, f, c, n) => {
      const b = (await tApp().services.regions.buildingInfo(pick(f.building, t, c)))!;
      const receivedAt = new Date(Date.now() - 3600_000).toISOString();
      return { url: '/api/hotline/tickets', body: [{ ticketNo: `SCOPE-${n}`, receivedAt, callerPhone: '13800001111', content: '范围测试', categoryCode: '0301', lng: b.lng, lat: b.lat }] };
    },
    check: (res, c, f, target) => {
      const label = `${c.username} ${target} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      expect(res.statusCode, label).toBe(200);
      const inside = target === 'in' && pathOf(f.grid.in).startsWith(c.scopePath!);
      expect(JSON.parse(res.body).rows[0].result, label).toBe(inside ? 'created' : 'error');
    },
  },
  {
    method: 'GET',
    url: '/api/hotline/results',
    access: 'hotline.read',
    ok: 200,
    request: () => ({ url: '/api/hotline/results?limit=500' }),
    itemPaths: (b: { items: { regionCode: string }[] }) => b.items.map((x) => pathOf(x.regionCode)),
  },
  // ---- webhooks: endpoints cover a region inside the administrator's area ----
  {
    method: 'GET',
    url: '/api/webhooks',
    access: 'webhook.write',
    ok: 200,
    request: async (_t, f) => {
      await Promise.all([f.community.in, f.community.out, f.community.otherCity].map(scopeWebhook));
      return { url: '/api/webhooks' };
    },
    itemPaths: (b: { regionCode: string }[]) => b.map((e) => pathOf(e.regionCode)),
  },
  {
    method: 'POST',
    url: '/api/webhooks',
    access: 'webhook.write',
    ok: 201,
    request: (t, f, c) => ({ url: '/api/webhooks', body: { url: 'http://127.0.0.1:9/scope', events: ['ticket.created'], regionCode: pick(f.community, t, c) } }),
  },
  { method: 'PATCH', url: '/api/webhooks/:id', access: 'webhook.write', ok: 200, request: async (t, f, c) => ({ url: `/api/webhooks/${await scopeWebhook(pick(f.community, t, c))}`, body: { description: '范围测试' } }) },
  { method: 'DELETE', url: '/api/webhooks/:id', access: 'webhook.write', ok: 204, request: async (t, f, c) => ({ url: `/api/webhooks/${await freshWebhook(pick(f.community, t, c))}` }) },
  { method: 'GET', url: '/api/webhooks/:id/deliveries', access: 'webhook.write', ok: 200, request: async (t, f, c) => ({ url: `/api/webhooks/${await scopeWebhook(pick(f.community, t, c))}/deliveries` }) },
  {
    method: 'POST',
    url: '/api/webhooks/:id/deliveries/:deliveryId/redeliver',
    access: 'webhook.write',
    ok: 202,
    request: async (t, f, c) => {
      const d = await scopeDelivery(pick(f.grid, t, c), pick(f.community, t, c));
      return { url: `/api/webhooks/${d.endpointId}/deliveries/${d.deliveryId}/redeliver` };
    },
  },
  // ---- Open311 keys: issued for a region inside the administrator's area, listed and revoked by area ----
  {
    method: 'GET',
    url: '/api/open311/keys',
    access: 'apikey.write',
    ok: 200,
    // Keys exist inside, outside and in the other city before the list is read.
    request: async (_t, f) => {
      await (open311KeysSeeded ??= Promise.all([f.community.in, f.community.out, f.community.otherCity].map(freshApiKey)));
      return { url: '/api/open311/keys' };
    },
    itemPaths: (b: { regionCode: string }[]) => b.map((k) => pathOf(k.regionCode)),
  },
  {
    method: 'POST',
    url: '/api/open311/keys',
    access: 'apikey.write',
    ok: 201,
    request: (t, f, c) => ({ url: '/api/open311/keys', body: { name: '范围测试系统', regionCode: pick(f.community, t, c) } }),
  },
  {
    method: 'POST',
    url: '/api/open311/keys/:id/revoke',
    access: 'apikey.write',
    ok: 200,
    request: async (t, f, c) => ({ url: `/api/open311/keys/${await freshApiKey(pick(f.community, t, c))}/revoke` }),
  },
];

/** An Open311 key for a community (written through the service, as an administrator of both cities would). */
const freshApiKey = async (community: string) => (await tApp().services.open311.createKey(SYSTEM_ACTOR, { name: '范围测试', regionCode: community }, SYSTEM_CONTEXT)).id;
let open311KeysSeeded: Promise<unknown> | undefined;

/**
 * Tickets: staff inside get `ok`, staff outside get scope.forbidden; a resident learns nothing
 * about tickets that are not theirs (404). `special` overrides the inside answer per role.
 */
function ticketRule(ok: number, special: Partial<Record<Role, [number, string]>> = {}) {
  return (res: { statusCode: number; body: string }, c: Caller, f: Fixture, target: Target) => {
    const label = `${c.username} ${target} → ${res.statusCode} ${res.body.slice(0, 160)}`;
    const code = res.statusCode >= 400 ? JSON.parse(res.body).code : undefined;
    if (c.role === 'resident') {
      expect([res.statusCode, code], label).toEqual([404, 'ticket.not_found']);
      return;
    }
    const inside = target === 'in' && pathOf(f.grid.in).startsWith(c.scopePath!);
    if (!inside) {
      expect([res.statusCode, code], label).toEqual([403, 'scope.forbidden']);
      return;
    }
    const s = special[c.role];
    if (s) expect([res.statusCode, code], label).toEqual(s);
    else expect(res.statusCode, label).toBe(ok);
  };
}

/** A small JPEG as a multipart photo upload. */
function photoUpload(): Req {
  const boundary = 'scopeTestPhoto';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scope.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
  return {
    url: '/api/uploads',
    body: Buffer.concat([Buffer.from(head), jpegWithGps(), Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** One stored photo, read by every caller. */
let scopeUpload: Promise<string> | undefined;
const scopeUploadUrl = () => (scopeUpload ??= tApp().services.uploads.create(SYSTEM_ACTOR, { bytes: jpegWithGps() }, SYSTEM_CONTEXT).then((u) => u.url));

/** Webhook endpoints for a community, written through the service: one kept per community, or a fresh one to delete. */
const freshWebhook = async (community: string) =>
  (await tApp().services.webhooks.create(SYSTEM_ACTOR, { url: 'http://127.0.0.1:9/scope', events: ['ticket.created'], regionCode: community }, SYSTEM_CONTEXT)).id;
const scopeWebhooks = new Map<string, Promise<number>>();
const scopeWebhook = (community: string) => scopeWebhooks.get(community) ?? scopeWebhooks.set(community, freshWebhook(community)).get(community)!;
/** A queued delivery on the community's endpoint: a ticket reported in its grid. */
async function scopeDelivery(grid: string, community: string): Promise<{ endpointId: number; deliveryId: number }> {
  const endpointId = await scopeWebhook(community);
  await tApp().services.tickets.create(SYSTEM_ACTOR, { categoryCode: '0301', description: '范围测试', regionCode: grid }, SYSTEM_CONTEXT);
  const { items } = await tApp().services.webhooks.deliveries(SYSTEM_ACTOR, endpointId, { limit: 1 });
  return { endpointId, deliveryId: items[0]!.id };
}

/** A one-row people CSV as a multipart upload. */
function importUpload(url: string, fields: Record<string, string>): Req {
  const boundary = 'scopeTestBoundary';
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const file = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scope.csv"\r\nContent-Type: text/csv\r\n\r\n姓名,身份证号\r\n范围测试,150302198001010011\r\n`;
  return {
    url,
    body: Buffer.from(Object.entries(fields).map(([k, v]) => part(k, v)).join('') + file + `\r\n--${boundary}--\r\n`),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** Import batches and conflicts are written straight through the imports repository: the fixtures need no file. */
async function importFixtures(grids: Triple<string>, persons: Triple<number>) {
  const db = t.database.db;
  const batch = async (grid: string) =>
    (await importsRepo.insertBatch(db, { source: '范围测试局', kind: 'people', fileName: 'scope.csv', fileSha256: '0'.repeat(64), columns: {}, status: 'done', scopePath: pathOf(grid) })).id;
  const conflictOn = async (grid: string, personId: number) =>
    (
      await importsRepo.insertConflicts(db, [
        {
          entityType: 'person',
          entityId: personId,
          field: 'ethnicity',
          currentValue: null,
          currentShown: null,
          currentSource: { s: '民政局', b: null, t: '2026-01-01T00:00:00.000Z' },
          incomingValue: JSON.stringify({ ethnicity: '回族' }),
          incomingShown: '回族',
          incomingSource: { s: '范围测试局', b: null, t: '2026-01-02T00:00:00.000Z' },
          batchId: null,
          regionPath: pathOf(grid),
        },
      ])
    )[0]!;
  const importMapping = (await importsRepo.upsertMapping(db, { name: '范围测试', source: '范围测试局', kind: 'people', columns: { name: '姓名', idNumber: '身份证号' }, createdBy: null })).id;
  return {
    importBatch: { in: await batch(grids.in), out: await batch(grids.out), otherCity: await batch(grids.otherCity) },
    importMapping,
    conflict: { in: await conflictOn(grids.in, persons.in), out: await conflictOn(grids.out, persons.out), otherCity: await conflictOn(grids.otherCity, persons.otherCity) },
    freshConflict: (grid: string) => conflictOn(grid, grid === grids.in ? persons.in : grid === grids.out ? persons.out : persons.otherCity),
  };
}

const SYSTEM_ACTOR: Actor = { id: 0, username: 'system', displayName: 'system', role: 'city_admin', scopeCode: null, scopePath: '15', department: null };
const tApp = () => t;

let t: TestApp;
let dataDir: string | undefined;
let f: Fixture;
const callers: Caller[] = [];

beforeAll(async () => {
  // Uploaded photos go to a throwaway data directory, not ./data.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-scope-'));
  t = await createTestApp('demo', { GRIDWORK_DATA_DIR: dataDir });
  const { regions, users } = t.services;
  const first = async (code: string) => (await regions.childrenUnchecked(code))[0]!.code;
  // Demo accounts sit in 海勃湾区's first street → community → grid; 海南区 is "elsewhere".
  const c1 = await first(await first('150302000000'));
  const g1 = await first(c1);
  const c2 = await first(await first('150303000000'));
  const g2 = await first(c2);
  // A second city, so even the city administrator has an outside.
  await importDivisions(t.database.db, '1502', SYSTEM_CONTEXT);
  const c3 = await first(await first(await first('150200000000')));
  await regions.createCell(
    { id: 0, username: 'system', displayName: 'system', role: 'city_admin', scopeCode: '150200000000', scopePath: '1502', department: null },
    { parentCode: c3, name: '包头测试网格', level: 'grid' },
    SYSTEM_CONTEXT,
  );
  const g3 = await first(c3);
  const mk = async (username: string, role: Role, scopeCode: string | null) => {
    await users.ensureSystemUser({ username, displayName: username, password: 'Passw0rd-fixture', role, scopeCode }, SYSTEM_CONTEXT);
  };
  await mk('target-in', 'grid_worker', g1);
  await mk('target-out', 'grid_worker', g2);
  await mk('target-other', 'grid_worker', g3);
  await mk('district01', 'district_staff', '150302000000');
  await mk('handler01', 'dept_handler', (await regions.lookup(c1))!.code.slice(0, 9).padEnd(12, '0'));
  await mk('resident01', 'resident', null);
  const ids: Record<string, number> = {};
  for (const u of ['target-in', 'target-out', 'target-other']) ids[u] = (await authRepo.findByUsername(t.database.db, u))!.id;
  const system: Actor = { id: 0, username: 'system', displayName: 'system', role: 'city_admin', scopeCode: null, scopePath: '15', department: null };
  // Buildings: the demo has them in Wuhai; the other city's grid gets one by hand.
  const buildingIn = (await regions.buildings(system, g1, 0, 1)).items[0]!.id;
  const buildingOut = (await regions.buildings(system, g2, 0, 1)).items[0]!.id;
  const buildingOther = (await regions.createBuilding(system, { regionCode: g3, name: '测试楼', lng: 110, lat: 40, floors: 6, entrances: 2 }, SYSTEM_CONTEXT)).id;
  const buildingOf: Record<string, number> = { [g1]: buildingIn, [g2]: buildingOut, [g3]: buildingOther };
  let seq = 0;
  const freshPerson = async (grid: string) => {
    seq++;
    const house = await t.services.housing.create(system, { buildingId: buildingOf[grid]!, entranceNo: 1, floor: 1, room: `F${seq}` }, SYSTEM_CONTEXT);
    const first17 = `150302${1950 + (seq % 50)}0101${String(seq % 1000).padStart(3, '0')}`;
    const p = await t.services.people.create(system, { name: `测试${seq}`, idNumber: first17 + citizenIdCheckChar(first17), houseId: house.id }, SYSTEM_CONTEXT);
    const moved = await t.services.people.moveIn(system, p.id, { houseId: house.id, occurredOn: '2026-01-01' }, SYSTEM_CONTEXT);
    return { personId: p.id, householdId: moved.household!.id, houseId: house.id };
  };
  const [pin, pout, pother] = [await freshPerson(g1), await freshPerson(g2), await freshPerson(g3)];
  const freshTicket = async (grid: string) => (await t.services.tickets.create(system, { categoryCode: '0301', description: '范围测试', regionCode: grid }, SYSTEM_CONTEXT)).id;
  const triple = <T>(k: (x: typeof pin) => T): Triple<T> => ({ in: k(pin), out: k(pout), otherCity: k(pother) });
  const registry = async (grid: string, n: number, personId: number) => {
    const { orgs, party } = t.services;
    const org = await orgs.create(system, { creditCode: creditCode(900_000 + n), name: `范围测试企业${n}`, regionCode: grid }, SYSTEM_CONTEXT);
    const site = await orgs.createSite(system, { kind: 'park', name: `范围测试园区${n}`, regionCode: grid }, SYSTEM_CONTEXT);
    const po = await party.createOrg(system, { name: `范围测试党委${n}`, level: 'committee', regionCode: grid }, SYSTEM_CONTEXT);
    const member = await party.createMember(system, { personId, partyOrgId: po.id }, SYSTEM_CONTEXT);
    return { org: org.id, site: site.id, partyOrg: po.id, member: member.id };
  };
  const [rin, rout, rother] = [await registry(g1, 1, pin.personId), await registry(g2, 2, pout.personId), await registry(g3, 3, pother.personId)];
  const registryTriple = (k: keyof typeof rin): Triple<number> => ({ in: rin[k], out: rout[k], otherCity: rother[k] });
  f = {
    grid: { in: g1, out: g2, otherCity: g3 },
    community: { in: c1, out: c2, otherCity: c3 },
    user: { in: ids['target-in']!, out: ids['target-out']!, otherCity: ids['target-other']! },
    person: triple((x) => x.personId),
    house: triple((x) => x.houseId),
    household: triple((x) => x.householdId),
    building: { in: buildingIn, out: buildingOut, otherCity: buildingOther },
    org: registryTriple('org'),
    site: registryTriple('site'),
    partyOrg: registryTriple('partyOrg'),
    member: registryTriple('member'),
    freshPerson,
    ...(await importFixtures({ in: g1, out: g2, otherCity: g3 }, triple((x) => x.personId))),
    ticket: { in: await freshTicket(g1), out: await freshTicket(g2), otherCity: await freshTicket(g3) },
    freshTicket,
    freshRule: async (community: string) =>
      (await t.services.ticketCatalogue.putRule(system, { categoryCode: '0304', regionCode: community, tier: 'street' }, SYSTEM_CONTEXT)).id,
  };
  const accounts: [string, Role, string | null][] = [
    ['admin', 'city_admin', '1503'],
    ['district01', 'district_staff', '150302'],
    ['street01', 'street_staff', pathOf(c1).slice(0, 9)],
    ['community01', 'community_staff', pathOf(c1)],
    ['grid01', 'grid_worker', pathOf(g1)],
    ['handler01', 'dept_handler', pathOf(c1).slice(0, 9)],
    ['resident01', 'resident', null],
  ];
  for (const [username, role, scopePath] of accounts) {
    const pw = username.endsWith('01') && !['district01', 'handler01'].includes(username) ? 'gridwork-demo' : 'Passw0rd-fixture';
    callers.push({ username, role, scopePath, cookie: await t.login(username === 'admin' ? 'admin' : username, username === 'admin' ? 'gridwork-demo' : pw) });
  }
}, 120_000);

afterAll(async () => {
  await t?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('scope: every endpoint is covered', () => {
  it('has a case for every registered /api route, with the same access rule', () => {
    const registered = t.app.routeTable
      .filter((r) => r.url.startsWith('/api') && !r.url.startsWith('/api/docs'))
      .map((r) => `${r.method} ${r.url} ${r.access}`)
      .sort();
    const covered = CASES.map((c) => `${c.method} ${c.url} ${c.access}`).sort();
    expect(registered).toEqual(covered);
  });
});

describe('scope: no read or write crosses a scope', () => {
  let n = 0;
  for (const c of CASES) {
    it(`${c.method} ${c.url}`, async () => {
      for (const caller of callers) {
        for (const target of ['in', 'out'] as const) {
          // Log-out ends the session the other rows use; test it with a fresh one.
          const cookie = c.url === '/api/auth/logout' ? await t.login(caller.username, caller.username === 'admin' || ['street01', 'community01', 'grid01', 'resident01'].includes(caller.username) ? 'gridwork-demo' : 'Passw0rd-fixture') : caller.cookie;
          const req = c.request ? await c.request(target, f, caller, ++n) : { url: c.url };
          const res = await t.app.inject({ method: c.method, url: req.url, payload: req.body as never, headers: { ...req.headers, cookie } });
          const label = `${caller.username} (${caller.role}) ${target} → ${res.statusCode} ${res.body.slice(0, 160)}`;
          if (c.access === 'public' || c.access === 'authenticated') {
            expect(res.statusCode, label).toBe(c.ok);
            continue;
          }
          const allowed = PERMISSIONS[caller.role].has(c.access);
          if (!allowed) {
            expect(res.statusCode, label).toBe(403);
            expect(res.json().code, label).toBe('auth.forbidden');
            continue;
          }
          if (c.itemPaths) {
            // Lists take the scope from the caller: every item must lie inside it.
            expect(res.statusCode, label).toBe(c.ok);
            const paths = c.itemPaths(res.json(), caller);
            for (const p of paths) {
              if (p === null) expect(caller.role, `${label}: unscoped item`).toBe('city_admin');
              else expect(p.startsWith(caller.scopePath!), `${label}: item ${p}`).toBe(true);
            }
            continue;
          }
          if (c.access === 'geo.locate' || c.unscoped) {
            expect(res.statusCode, label).toBe(c.ok);
            continue;
          }
          if (c.check) {
            c.check(res, caller, f, target);
            continue;
          }
          const insideExists = target === 'out' || pathOf(pick(f.grid, 'in', caller)).startsWith(caller.scopePath!);
          if (target === 'in') {
            // Community-level targets are not inside a grid worker's scope; those rows are skipped.
            const needsCommunity = /children|grids\.geojson|^\/api\/regions$/.test(c.url) || (c.method === 'POST' && c.url === '/api/regions');
            const inside = needsCommunity ? pathOf(f.community.in).startsWith(caller.scopePath!) : insideExists;
            if (!inside) continue;
            // Building points must lie in the grid; a (0,0) point is refused with 400 after the scope check passed.
            const expected = c.url === '/api/buildings' ? 400 : c.ok;
            expect(res.statusCode, label).toBe(expected);
          } else {
            expect(res.statusCode, label).toBe(403);
            expect(res.json().code, label).toBe('scope.forbidden');
          }
        }
      }
      // And nobody gets in without a session.
      const req = c.request ? await c.request('in', f, callers[0]!, ++n) : { url: c.url };
      const anon = await t.app.inject({ method: c.method, url: req.url, payload: req.body as never, headers: req.headers });
      if (c.access === 'public') expect(anon.statusCode).toBe(c.ok);
      else expect(anon.statusCode).toBe(401);
    });
  }
});
