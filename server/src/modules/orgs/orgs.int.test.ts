import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test/app.js';
import { rows } from '../../platform/db/client.js';
import { SYSTEM_CONTEXT } from '../../platform/audit/index.js';
import { creditCheckChar } from '../../platform/identity/creditCode.js';
import { rate } from './coverage.js';

let t: TestApp;
let admin: string;
let street01: string;
/** The first street (street01's scope), a second street, communities and grids; `cov` is kept for the coverage fixture. */
const R = { street1: '', street2: '', c1: '', c2: '', cov: '', g1: '', g2: '', work: '', otherGrid: '' };

let seq = 0;
/** A valid credit code with the given two-character prefix (kind). */
function creditCode(prefix = '91'): string {
  const first17 = `${prefix}150302${String(++seq).padStart(9, '0')}`;
  return first17 + creditCheckChar(first17);
}

const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, cookie = admin) =>
  t.app.inject({ method, url, payload: payload as never, headers: { cookie } });

async function createOrg(body: Record<string, unknown>, cookie = admin) {
  const res = await inject('POST', '/api/orgs', { creditCode: creditCode(), name: '测试企业', ...body }, cookie);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

beforeAll(async () => {
  t = await createTestApp('demo');
  admin = await t.login('admin');
  street01 = await t.login('street01');
  const kids = async (code: string) => (await t.services.regions.childrenUnchecked(code)).map((r) => r.code);
  const streets = await kids('150302000000');
  R.street1 = streets[0]!;
  R.street2 = streets[1]!;
  const communities = await kids(R.street1);
  R.c1 = communities[0]!;
  R.cov = communities[1]!;
  R.c2 = (await kids(R.street2))[0]!;
  const grids = await kids(R.cov);
  R.g1 = grids[0]!;
  R.g2 = grids[1]!;
  R.work = (await kids(R.c1))[1]!;
  R.otherGrid = (await kids(R.c2))[0]!;
}, 120_000);
afterAll(() => t?.close());

describe('registering organisations', () => {
  it('refuses a bad credit code with 400 naming the field and the GB 32100 rule', async () => {
    const good = creditCode();
    const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const cases: [string, string][] = [
      [wrongCheck, 'credit_check_char'],
      ['91150302000', 'credit_length'],
      [`${good.slice(0, 16)}I${good[17]}`, 'credit_charset'],
    ];
    for (const [code, rule] of cases) {
      const res = await inject('POST', '/api/orgs', { creditCode: code, name: '坏代码', regionCode: R.work });
      expect(res.statusCode, code).toBe(400);
      expect(res.json().code).toBe('org.credit_code_invalid');
      expect(res.json().errors).toEqual([expect.objectContaining({ field: 'creditCode', rule })]);
    }
  });

  it('validates industry, location and unknown fields', async () => {
    const bad = async (body: Record<string, unknown>, field: string, rule: string) => {
      const res = await inject('POST', '/api/orgs', { creditCode: creditCode(), name: '校验', ...body });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors, res.body).toContainEqual(expect.objectContaining({ field, rule }));
    };
    await bad({ regionCode: R.work, industry: 'Z' }, 'industry', 'enum');
    await bad({}, 'regionCode', 'required');
    await bad({ lng: 106.8 }, 'lat', 'required');
    await bad({ regionCode: R.street1 }, 'regionCode', 'level');
    // Kind and group come from the code, never from the client.
    await bad({ regionCode: R.work, kind: '51' }, 'kind', 'unknown_field');
    await bad({ regionCode: R.work, grp: 'social_org' }, 'grp', 'unknown_field');
  });

  it('derives kind and group from the code prefix', async () => {
    const expectations: [string, string, string][] = [
      ['91', 'enterprise', '企业'],
      ['92', 'enterprise', '个体工商户'],
      ['93', 'enterprise', '农民专业合作社'],
      ['51', 'social_org', '社会团体'],
      ['52', 'social_org', '民办非企业单位（社会服务机构）'],
      ['53', 'social_org', '基金会'],
    ];
    for (const [prefix, grp, kindName] of expectations) {
      const o = await createOrg({ creditCode: creditCode(prefix).toLowerCase(), regionCode: R.work });
      expect(o).toMatchObject({ kind: prefix, grp, kindName, region: { code: R.work, level: 'grid' } });
      expect(o.creditCode).toBe(o.creditCode.toUpperCase());
    }
  });

  it('answers 409 naming creditCode for a code already registered', async () => {
    const code = creditCode();
    await createOrg({ creditCode: code, regionCode: R.work });
    const res = await inject('POST', '/api/orgs', { creditCode: code.toLowerCase(), name: '重复', regionCode: R.work });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'org.credit_code_taken', errors: [{ field: 'creditCode', rule: 'unique' }] });
  });

  it('places an organisation in the grid containing its point', async () => {
    const [c] = await rows<{ center_lng: number; center_lat: number }>(t.database.db, sql`SELECT center_lng, center_lat FROM regions WHERE code = ${R.work}`);
    const where = (await inject('GET', `/api/geo/locate?lng=${c!.center_lng}&lat=${c!.center_lat}`)).json();
    const o = await createOrg({ lng: c!.center_lng, lat: c!.center_lat });
    expect(o.region.code).toBe(where.microgrid?.code ?? where.grid.code);
    expect(o.lng).toBe(c!.center_lng);
  });

  it('updates with provenance, optimistic locking and an audit entry holding before and after', async () => {
    const o = await createOrg({ regionCode: R.work, name: '老名字有限公司', employees: 3 });
    expect(o.provenance.name).toMatchObject({ s: 'manual', u: 'admin' });
    const res = await inject('PATCH', `/api/orgs/${o.id}`, { name: '新名字有限公司', guidanceOfficer: '  王指导  ', version: o.version });
    expect(res.statusCode, res.body).toBe(200);
    const u = res.json();
    expect(u).toMatchObject({ name: '新名字有限公司', guidanceOfficer: '王指导', workCovered: true, orgCovered: false, version: o.version + 1 });
    const stale = await inject('PATCH', `/api/orgs/${o.id}`, { employees: 9, version: o.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('org.version_conflict');
    const audit = (await inject('GET', `/api/audit?entityType=organisation&entityId=${o.id}`)).json().items;
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['org.update', 'org.create']);
    expect(audit[0].before).toMatchObject({ name: '老名字有限公司', guidanceOfficer: null });
    expect(audit[0].after).toMatchObject({ name: '新名字有限公司', guidanceOfficer: '王指导' });
  });

  it('finds organisations by a name fragment or a credit code prefix, with a cursor', async () => {
    const a = await createOrg({ regionCode: R.work, name: '乌海市星火矿山机械有限公司' });
    await createOrg({ regionCode: R.work, name: '星火社区服务中心' });
    const hits = (await inject('GET', `/api/orgs?q=${encodeURIComponent('矿山机械')}`)).json().items;
    expect(hits.map((h: { id: number }) => h.id)).toEqual([a.id]);
    const both = (await inject('GET', `/api/orgs?q=${encodeURIComponent('星火')}&limit=1`)).json();
    expect(both.items).toHaveLength(1);
    expect((await inject('GET', `/api/orgs?q=${encodeURIComponent('星火')}&limit=1&cursor=${both.nextCursor}`)).json().items).toHaveLength(1);
    expect((await inject('GET', `/api/orgs?q=${a.creditCode.slice(0, 17)}`)).json().items.map((h: { id: number }) => h.id)).toEqual([a.id]);
    // LIKE wildcards in the query are plain characters.
    expect((await inject('GET', `/api/orgs?q=${encodeURIComponent('星%')}`)).json().items).toEqual([]);
  });

  it('keeps a street user inside their street: another street’s organisation is 403 scope.forbidden', async () => {
    const mine = await createOrg({ regionCode: R.work, name: '本街道企业' });
    const theirs = await createOrg({ regionCode: R.otherGrid, name: '外街道企业' });
    expect((await inject('GET', `/api/orgs/${mine.id}`, undefined, street01)).statusCode).toBe(200);
    for (const res of [
      await inject('GET', `/api/orgs/${theirs.id}`, undefined, street01),
      await inject('PATCH', `/api/orgs/${theirs.id}`, { employees: 1 }, street01),
      await inject('POST', '/api/orgs', { creditCode: creditCode(), name: '越界', regionCode: R.otherGrid }, street01),
      await inject('GET', `/api/orgs?region=${R.c2}`, undefined, street01),
    ]) {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().code).toBe('scope.forbidden');
    }
    // Moving one's own organisation out of the street is refused too.
    expect((await inject('PATCH', `/api/orgs/${mine.id}`, { regionCode: R.otherGrid }, street01)).json().code).toBe('scope.forbidden');
    const listed = (await inject('GET', '/api/orgs?limit=500', undefined, street01)).json().items;
    expect(listed.some((o: { id: number }) => o.id === mine.id)).toBe(true);
    expect(listed.every((o: { region: { code: string } }) => o.region.code.startsWith(R.street1.slice(0, 9)))).toBe(true);
  });
});

describe('两个覆盖: coverage', () => {
  /**
   * Fixture in community R.cov (nothing else lives there):
   *   grid g1: E1 三有 + party org (org+work), E2 三有 + officer (work), E5 三有 but deregistered (not counted),
   *            S1 social org + party org (org+work)
   *   grid g2: E3 三有, nothing (uncovered), E4 not 三有 + officer (not counted), S2 social org (uncovered),
   *            S3 social org deregistered (not counted)
   *   community itself: E6 三有 + party org, no industry
   */
  const three = { hasPremises: true, hasStaff: true, hasRevenue: true };
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    // The hand count below assumes the community starts empty (the demo seeds no organisations there).
    const before = (await inject('GET', `/api/coverage?region=${R.cov}`)).json();
    expect(before.totals.enterprises.total + before.totals.socialOrgs.total, 'organisations already in the fixture community').toBe(0);
    const party = await inject('POST', '/api/party/orgs', { name: '测试社区非公企业联合党委', level: 'committee', regionCode: R.cov });
    expect(party.statusCode, party.body).toBe(201);
    const partyOrgId = party.json().id;
    const fixture: [string, Record<string, unknown>][] = [
      ['E1', { regionCode: R.g1, industry: 'C', ...three, partyOrgId }],
      ['E2', { regionCode: R.g1, industry: 'C', ...three, guidanceOfficer: '李指导' }],
      ['E5', { regionCode: R.g1, industry: 'C', ...three, partyOrgId, status: 'deregistered' }],
      ['S1', { creditCode: creditCode('51'), regionCode: R.g1, industry: 'S', partyOrgId }],
      ['E3', { regionCode: R.g2, industry: 'F', ...three }],
      ['E4', { regionCode: R.g2, industry: 'F', hasPremises: true, hasStaff: true, guidanceOfficer: '李指导' }],
      ['S2', { creditCode: creditCode('52'), regionCode: R.g2 }],
      ['S3', { creditCode: creditCode('53'), regionCode: R.g2, partyOrgId, status: 'deregistered' }],
      ['E6', { regionCode: R.cov, ...three, partyOrgId }],
    ];
    for (const [key, body] of fixture) ids[key] = (await createOrg({ name: `覆盖测试${key}`, ...body })).id;
  });

  const cell = (total: number, org: number, work: number) => ({ total, orgCovered: org, workCovered: work, orgRate: rate(org, total), workRate: rate(work, total) });

  it('rounds rates to two decimals', () => {
    expect([rate(1, 3), rate(2, 3), rate(1, 8), rate(0, 5), rate(0, 0)]).toEqual([33.33, 66.67, 12.5, 0, null]);
  });

  it('counts by child region, with the organisations placed on the node itself in their own row', async () => {
    const res = await inject('GET', `/api/coverage?region=${R.cov}`);
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    const row = (key: string) => c.rows.find((r: { key: string }) => r.key === key);
    const grids = await t.services.regions.childrenUnchecked(R.cov);
    expect(c.rows).toHaveLength(grids.length + 1);
    expect(row(R.g1)).toMatchObject({ enterprises: cell(2, 1, 2), socialOrgs: cell(1, 1, 1) });
    expect(row(R.g2)).toMatchObject({ enterprises: cell(1, 0, 0), socialOrgs: cell(1, 0, 0) });
    expect(row(R.cov)).toMatchObject({ name: expect.stringContaining('本级'), enterprises: cell(1, 1, 1), socialOrgs: cell(0, 0, 0) });
    expect(row(grids[2]!.code)).toMatchObject({ enterprises: cell(0, 0, 0) });
    expect(c.totals).toEqual({ enterprises: cell(4, 2, 3), socialOrgs: cell(2, 1, 1) });
    expect(c.totals.enterprises).toMatchObject({ orgRate: 50, workRate: 75 });
    // One level up the community is one row with the same figures.
    const up = (await inject('GET', `/api/coverage?region=${R.street1}`)).json();
    expect(up.rows.find((r: { key: string }) => r.key === R.cov)).toMatchObject({ enterprises: cell(4, 2, 3), socialOrgs: cell(2, 1, 1) });
  });

  it('counts by industry section', async () => {
    const c = (await inject('GET', `/api/coverage?region=${R.cov}&by=industry`)).json();
    const by = Object.fromEntries(c.rows.map((r: { key: string; enterprises: unknown; socialOrgs: unknown; name: string }) => [r.key, r]));
    expect(by.C).toMatchObject({ name: '制造业', enterprises: cell(2, 1, 2) });
    expect(by.F).toMatchObject({ enterprises: cell(1, 0, 0) });
    expect(by.S).toMatchObject({ socialOrgs: cell(1, 1, 1) });
    expect(by.none).toMatchObject({ name: '未填行业', enterprises: cell(1, 1, 1), socialOrgs: cell(1, 0, 0) });
    expect(c.totals).toEqual({ enterprises: cell(4, 2, 3), socialOrgs: cell(2, 1, 1) });
  });

  /** Page through a list with a small page size and collect every id. */
  async function all(url: string): Promise<number[]> {
    const out: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await inject('GET', `${url}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      out.push(...res.json().items.map((i: { id: number }) => i.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    return out;
  }

  it('lists exactly the organisations behind every number', async () => {
    const c = (await inject('GET', `/api/coverage?region=${R.cov}`)).json();
    const base = `/api/coverage/list?region=${R.cov}`;
    for (const r of [...c.rows, { key: undefined, ...c.totals }]) {
      for (const [grp, figures] of [['enterprise', r.enterprises], ['social_org', r.socialOrgs]] as const) {
        const key = r.key ? `&key=${r.key}` : '';
        expect((await all(`${base}&grp=${grp}${key}`)).length, `${r.key} ${grp} total`).toBe(figures.total);
        expect((await all(`${base}&grp=${grp}${key}&covered=org`)).length, `${r.key} ${grp} org`).toBe(figures.orgCovered);
        expect((await all(`${base}&grp=${grp}${key}&covered=work&value=true`)).length).toBe(figures.workCovered);
        expect((await all(`${base}&grp=${grp}${key}&covered=work&value=false`)).length).toBe(figures.total - figures.workCovered);
      }
    }
    expect((await all(`${base}&grp=enterprise&key=${R.g1}&covered=work`)).sort()).toEqual([ids.E1!, ids.E2!].sort());
    expect(await all(`${base}&grp=enterprise&key=${R.g2}&covered=work&value=false`)).toEqual([ids.E3!]);
    expect(await all(`${base}&grp=enterprise&by=industry&key=none`)).toEqual([ids.E6!]);
    expect(await all(`${base}&grp=social_org&by=industry&key=none`)).toEqual([ids.S2!]);
    const bad = await inject('GET', `${base}&grp=enterprise&key=${R.c1}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'key', rule: 'not_child' });
  });

  it('answers from the region_path index', async () => {
    const plan = await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      return rows<{ 'QUERY PLAN': string }>(
        tx,
        sql`EXPLAIN SELECT left(region_path, 12), count(*) FILTER (WHERE party_org_id IS NOT NULL) FROM organisations WHERE region_path LIKE '150302%' GROUP BY 1`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/organisations_region_path_idx/);
  });

  it('refuses a street user another street’s coverage, and roles without coverage.read', async () => {
    expect((await inject('GET', `/api/coverage?region=${R.c2}`, undefined, street01)).json().code).toBe('scope.forbidden');
    expect((await inject('GET', '/api/coverage', undefined, street01)).json().region.code).toBe(R.street1);
    const grid = await t.login('grid01');
    expect((await inject('GET', '/api/coverage', undefined, grid)).json().code).toBe('auth.forbidden');
  });

  it('shows the same populations in the ledgers, and exports them as CSV with a BOM, audited', async () => {
    const l = (await inject('GET', `/api/ledgers/three_have_enterprises?region=${R.cov}`)).json();
    expect(l.title).toBe('“三有”企业台账');
    expect(l.items.map((i: { id: number }) => i.id).sort()).toEqual([ids.E1, ids.E2, ids.E3, ids.E6].sort());
    expect(l.columns[0]).toEqual({ key: 'creditCode', title: '统一社会信用代码', titleEn: 'Credit code' });
    const social = (await inject('GET', `/api/ledgers/social_orgs?region=${R.cov}&orgCovered=false`)).json();
    expect(social.items.map((i: { id: number }) => i.id)).toEqual([ids.S2]);

    const res = await inject('GET', `/api/ledgers/three_have_enterprises/export?region=${R.cov}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(String(res.headers['content-disposition'])).toContain(`filename*=UTF-8''${encodeURIComponent('“三有”企业台账')}`);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.rawPayload.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['统一社会信用代码', '名称', '类型']);
    expect(lines).toHaveLength(5);
    expect(lines.some((x) => x.includes('覆盖测试E1') && x.endsWith('是,是'))).toBe(true);
    const audit = (await inject('GET', '/api/audit?action=ledger.export')).json().items;
    expect(audit[0]).toMatchObject({ entityType: 'ledger', entityId: 'three_have_enterprises', after: { format: 'csv' } });
  });
});

describe('sites: parks and commercial buildings', () => {
  it('counts the organisations in each site and their coverage', async () => {
    const res = await inject('POST', '/api/sites', { kind: 'commercial_building', name: '星光商务大厦', regionCode: R.street1, guidanceOfficer: '赵指导' });
    expect(res.statusCode, res.body).toBe(201);
    const site = res.json();
    expect(site).toMatchObject({ orgCovered: false, workCovered: true, orgs: { total: 0, orgCovered: 0, workCovered: 0 } });
    await createOrg({ regionCode: R.work, siteId: site.id, guidanceOfficer: '赵指导' });
    await createOrg({ regionCode: R.c1, siteId: site.id });
    const listed = (await inject('GET', `/api/sites?kind=commercial_building&region=${R.street1}`)).json().items;
    expect(listed.find((s: { id: number }) => s.id === site.id).orgs).toEqual({ total: 2, orgCovered: 0, workCovered: 1 });
    expect((await inject('GET', `/api/orgs?siteId=${site.id}`)).json().items).toHaveLength(2);
    const upd = await inject('PATCH', `/api/sites/${site.id}`, { name: '星光商务大厦（A座）', guidanceOfficer: null });
    expect(upd.json()).toMatchObject({ name: '星光商务大厦（A座）', workCovered: false });
    const ledger = (await inject('GET', `/api/ledgers/commercial_buildings?region=${R.street1}`)).json();
    expect(ledger.items.find((r: { id: number }) => r.id === site.id)).toMatchObject({ name: '星光商务大厦（A座）', orgsTotal: 2 });
    expect((await inject('GET', '/api/ledgers/parks?industry=C')).json().errors[0]).toMatchObject({ field: 'industry', rule: 'not_applicable' });
    expect((await inject('POST', '/api/sites', { kind: 'park', name: '越界园区', regionCode: R.street2 }, street01)).json().code).toBe('scope.forbidden');
  });
});

describe('imports: upsertFromImport', () => {
  const dept = (name: string, batchId: number) => ({ dept: name, batchId, at: '2026-03-01T08:00:00.000Z' });
  const path = () => R.work;

  it('creates, updates from the same department, and reports another department’s different values as conflicts', async () => {
    const { orgs } = t.services;
    const code = creditCode();
    const hand = await createOrg({ regionCode: R.work, name: '手工录入企业', address: '手工地址' });
    const first = await t.database.db.transaction((tx) =>
      orgs.upsertFromImport(
        tx,
        [
          { creditCode: code, name: '市场监管局企业', regionPath: path(), industry: 'C', employees: 10 },
          { creditCode: hand.creditCode, name: '手工录入企业', regionPath: path(), address: '监管局地址', employees: 5 },
        ],
        dept('市场监管局', 1),
        { ctx: SYSTEM_CONTEXT, scopePath: '1503' },
      ),
    );
    expect(first).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    expect(first.conflicts).toEqual([
      { entityId: hand.id, field: 'address', current: '手工地址', incoming: '监管局地址', currentSource: expect.objectContaining({ s: 'manual', u: 'admin' }) },
    ]);
    const created = (await inject('GET', `/api/orgs?q=${code}`)).json().items[0];
    expect(created).toMatchObject({ kind: '91', grp: 'enterprise', industry: 'C', employees: 10, region: { code: R.work } });
    expect((await inject('GET', `/api/orgs/${created.id}`)).json().provenance.employees).toEqual({ s: '市场监管局', b: 1, t: '2026-03-01T08:00:00.000Z' });

    const again = await t.database.db.transaction((tx) =>
      orgs.upsertFromImport(
        tx,
        [
          { creditCode: code, name: '市场监管局企业', regionPath: path(), employees: 12, address: '' },
          { creditCode: hand.creditCode, name: '手工录入企业', regionPath: path() },
        ],
        dept('市场监管局', 2),
      ),
    );
    expect(again).toEqual({ created: 0, updated: 1, unchanged: 1, conflicts: [] });
    const other = await t.database.db.transaction((tx) =>
      orgs.upsertFromImport(tx, [{ creditCode: code, name: '市场监管局企业', regionPath: path(), employees: 99, hasPremises: true }], dept('税务局', 3)),
    );
    expect(other.updated).toBe(1);
    expect(other.conflicts).toEqual([{ entityId: created.id, field: 'employees', current: 12, incoming: 99, currentSource: { s: '市场监管局', b: 2, t: '2026-03-01T08:00:00.000Z' } }]);
    const after = (await inject('GET', `/api/orgs/${created.id}`)).json();
    expect(after).toMatchObject({ employees: 12, hasPremises: true, address: null });
    expect(after.provenance.hasPremises.s).toBe('税务局');
    const audit = (await inject('GET', '/api/audit?action=org.import')).json().items;
    expect(audit[0].after).toMatchObject({ dept: '市场监管局', created: 1, updated: 1, conflicts: 1 });
  });

  it('merges a batch larger than one statement chunk with set-based SQL', async () => {
    const n = 5200;
    const batch = Array.from({ length: n }, (_, i) => ({ creditCode: creditCode('92'), name: `批量个体户${i}`, regionPath: path(), employees: i % 7 }));
    const t0 = Date.now();
    const out = await t.database.db.transaction((tx) => t.services.orgs.upsertFromImport(tx, batch, dept('市场监管局', 4)));
    expect(out).toMatchObject({ created: n, updated: 0, unchanged: 0 });
    const out2 = await t.database.db.transaction((tx) =>
      t.services.orgs.upsertFromImport(tx, batch.map((r, i) => (i % 2 ? { ...r, employees: 100 } : r)), dept('市场监管局', 5)),
    );
    expect(out2).toMatchObject({ created: 0, updated: n / 2, unchanged: n / 2 });
    expect(Date.now() - t0).toBeLessThan(30_000);
    const [c] = await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM organisations WHERE name LIKE '批量个体户%' AND employees = 100`);
    expect(c!.n).toBe(n / 2);
  }, 60_000);

  it('names the row and field of an invalid import row', async () => {
    const bad = t.database.db.transaction((tx) =>
      t.services.orgs.upsertFromImport(tx, [{ creditCode: creditCode(), name: '好', regionPath: path() }, { creditCode: '123', name: '坏', regionPath: path() }], dept('x', 6)),
    );
    await expect(bad).rejects.toMatchObject({ code: 'org.credit_code_invalid', fields: [{ field: 'rows[1].creditCode', rule: 'credit_length' }] });
  });
});
