import { citizenIdCheckChar } from '../../platform/identity/citizenId.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { SYSTEM_CONTEXT } from '../../platform/audit/index.js';
import { creditCheckChar } from '../../platform/identity/creditCode.js';
import type { PeopleDirectory } from './service.js';

let t: TestApp;
let admin: string;
let street01: string;
let community01: string;
/** street1 = street01's scope; c1 = community01's scope; c2 another community in street1; other = a community in another street. */
const R = { street1: '', c1: '', c1g1: '', c1g2: '', c2: '', c2g1: '', other: '', otherGrid: '' };

const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, cookie = admin) =>
  t.app.inject({ method, url, payload: payload as never, headers: { cookie } });

async function created(res: Awaited<ReturnType<typeof inject>>) {
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const newOrg = (body: Record<string, unknown>, cookie = admin) => inject('POST', '/api/party/orgs', body, cookie).then(created);

function expectProblem(res: Awaited<ReturnType<typeof inject>>, status: number, code: string, field?: string, rule?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().code, res.body).toBe(code);
  if (field) expect(res.json().errors, res.body).toContainEqual(expect.objectContaining({ field, ...(rule ? { rule } : {}) }));
}

/** Stand-in for the population registry, so member tests can use arbitrary person ids. */
const people: PeopleDirectory = {
  async namesOf(ids) {
    return new Map(ids.filter((id) => id < 900_000).map((id) => [id, { name: `党员${id}`, idMasked: `150302********${String(id).padStart(4, '0')}` }]));
  },
};

beforeAll(async () => {
  t = await createTestApp('demo');
  t.services.party.usePeopleDirectory(people);
  admin = await t.login('admin');
  street01 = await t.login('street01');
  community01 = await t.login('community01');
  const kids = async (code: string) => (await t.services.regions.childrenUnchecked(code)).map((r) => r.code);
  const streets = await kids('150302000000');
  R.street1 = streets[0]!;
  const communities = await kids(R.street1);
  R.c1 = communities[0]!;
  R.c2 = communities[1]!;
  const grids = await kids(R.c1);
  R.c1g1 = grids[0]!;
  R.c1g2 = grids[1]!;
  R.c2g1 = (await kids(R.c2))[0]!;
  R.other = (await kids(streets[1]!))[0]!;
  R.otherGrid = (await kids(R.other))[0]!;
}, 120_000);
afterAll(() => t?.close());

describe('the party organisation tree', () => {
  let streetCommittee: { id: number };
  let committee: { id: number };
  let general: { id: number };
  let branch: { id: number };

  beforeAll(async () => {
    streetCommittee = await newOrg({ name: '测试街道党工委', level: 'committee', regionCode: R.street1 });
    committee = await newOrg({ name: '测试社区党委', level: 'committee', regionCode: R.c1, parentId: streetCommittee.id, secretary: '张书记' });
  });

  it('nests committee → general branch → branch → group and keeps tree paths', async () => {
    general = await newOrg({ name: '第一党总支', level: 'general_branch', regionCode: R.c1, parentId: committee.id });
    branch = await newOrg({ name: '第一网格党支部', level: 'branch', regionCode: R.c1g1, parentId: general.id });
    const group = await newOrg({ name: '1号楼党小组', level: 'group', regionCode: R.c1g1, parentId: branch.id });
    expect(group).toMatchObject({ level: 'group', levelName: '党小组', parentId: branch.id, region: { code: R.c1g1 }, attachedTo: 'region' });
    expect(group.ancestors.map((a: { id: number }) => a.id)).toEqual([streetCommittee.id, committee.id, general.id, branch.id]);
    const direct = await newOrg({ name: '第二网格党支部', level: 'branch', regionCode: R.c1g2, parentId: committee.id });
    expect(direct.parentId).toBe(committee.id);
  });

  it('refuses levels that do not nest, and parents in another region', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ level: 'group', regionCode: R.c1, parentId: committee.id }, 'parent_level'],
      [{ level: 'general_branch', regionCode: R.c1g1, parentId: branch.id }, 'parent_level'],
      [{ level: 'branch', regionCode: R.c1g1, parentId: branch.id }, 'parent_level'],
      [{ level: 'committee', regionCode: R.c1, parentId: general.id }, 'parent_level'],
      [{ level: 'branch', regionCode: R.c1g1 }, 'required'],
      [{ level: 'group', regionCode: R.c1g1 }, 'required'],
      // A community's committee cannot hold a branch in another community.
      [{ level: 'branch', regionCode: R.c2g1, parentId: committee.id }, 'parent_region'],
    ];
    for (const [body, rule] of cases) {
      expectProblem(await inject('POST', '/api/party/orgs', { name: '不合规', ...body }), 400, 'party.bad_parent', 'parentId', rule);
    }
    expectProblem(await inject('POST', '/api/party/orgs', { name: '两处挂靠', level: 'committee', regionCode: R.c1, organisationId: 1 }), 400, 'request.invalid', 'regionCode', 'attach_one');
    expectProblem(await inject('POST', '/api/party/orgs', { name: '无挂靠', level: 'committee' }), 400, 'request.invalid', 'regionCode', 'attach_one');
    expectProblem(await inject('POST', '/api/party/orgs', { name: '无上级', level: 'branch', regionCode: R.c1g1, parentId: 999_999 }), 404, 'party.org_not_found', 'parentId');
  });

  it('moves a subtree, rewriting every tree path below it, and refuses cycles', async () => {
    const b = await newOrg({ name: '待调整党支部', level: 'branch', regionCode: R.c1g2, parentId: general.id });
    const g = await newOrg({ name: '待调整党小组', level: 'group', regionCode: R.c1g2, parentId: b.id });
    const moved = await inject('PATCH', `/api/party/orgs/${b.id}`, { parentId: committee.id, name: '调整后党支部' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ parentId: committee.id, name: '调整后党支部' });
    const after = (await inject('GET', `/api/party/orgs/${g.id}`)).json();
    expect(after.ancestors.map((a: { id: number }) => a.id)).toEqual([streetCommittee.id, committee.id, b.id]);
    expectProblem(await inject('PATCH', `/api/party/orgs/${b.id}`, { parentId: g.id }), 400, 'party.bad_parent', 'parentId', 'parent_level');
    // Two committees in one community: the upper cannot move under the lower.
    const upper = await newOrg({ name: '上级党委', level: 'committee', regionCode: R.c2 });
    const lower = await newOrg({ name: '下级党委', level: 'committee', regionCode: R.c2, parentId: upper.id });
    expectProblem(await inject('PATCH', `/api/party/orgs/${upper.id}`, { parentId: lower.id }), 400, 'party.bad_parent', 'parentId', 'cycle');
    expectProblem(await inject('PATCH', `/api/party/orgs/${streetCommittee.id}`, { parentId: committee.id }), 400, 'party.bad_parent', 'parentId', 'parent_region');
    expectProblem(await inject('PATCH', `/api/party/orgs/${b.id}`, { parentId: null }), 400, 'party.bad_parent', 'parentId', 'required');
  });

  it('lists lazily: the tops of the caller’s scope, then children with counts', async () => {
    const tops = (await inject('GET', `/api/party/orgs?region=${R.street1}`)).json();
    expect(tops.map((o: { id: number }) => o.id)).toContain(streetCommittee.id);
    expect(tops.some((o: { id: number }) => o.id === committee.id)).toBe(false);
    // For the community worker the street committee is out of sight: the community committee is a top.
    const mine = (await inject('GET', '/api/party/orgs', undefined, community01)).json();
    expect(mine.map((o: { id: number }) => o.id)).toEqual([committee.id]);
    const kids = (await inject('GET', `/api/party/orgs?parentId=${committee.id}`, undefined, community01)).json();
    expect(kids.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(['第一党总支', '第二网格党支部', '调整后党支部']));
    expect(kids.find((o: { id: number }) => o.id === general.id).childCount).toBe(1);
    const detail = (await inject('GET', `/api/party/orgs/${committee.id}`, undefined, community01)).json();
    expect(detail.ancestors).toEqual([]);
    expect(detail.secretary).toBe('张书记');
  });

  it('covers an organisation when a party organisation is attached to it', async () => {
    const code = `91150302${'7'.repeat(9)}`;
    const org = await inject('POST', '/api/orgs', { creditCode: code + creditCheckChar(code), name: '党建测试有限公司', regionCode: R.c1g1, hasPremises: true, hasStaff: true, hasRevenue: true }).then(created);
    expect(org.orgCovered).toBe(false);
    const p = await newOrg({ name: '党建测试有限公司党支部', level: 'branch', organisationId: org.id, parentId: committee.id });
    expect(p).toMatchObject({ attachedTo: 'organisation', organisation: { id: org.id, name: '党建测试有限公司' }, region: { code: R.c1g1 } });
    const now = (await inject('GET', `/api/orgs/${org.id}`)).json();
    expect(now).toMatchObject({ orgCovered: true, workCovered: true, partyOrg: { id: p.id, name: '党建测试有限公司党支部' } });
    const audit = (await inject('GET', `/api/audit?entityType=organisation&entityId=${org.id}`)).json().items;
    expect(audit[0]).toMatchObject({ action: 'org.update', before: { partyOrgId: null }, after: { partyOrgId: p.id }, note: 'party_org.attach' });
    expectProblem(await inject('POST', '/api/party/orgs', { name: 'x', level: 'branch', organisationId: 999_999, parentId: committee.id }), 404, 'org.not_found', 'organisationId');
  });

  it('keeps a street user to their street', async () => {
    const outside = await newOrg({ name: '外街道社区党委', level: 'committee', regionCode: R.other });
    expectProblem(await inject('GET', `/api/party/orgs/${outside.id}`, undefined, street01), 403, 'scope.forbidden');
    expectProblem(await inject('PATCH', `/api/party/orgs/${outside.id}`, { secretary: '越界' }, street01), 403, 'scope.forbidden');
    expectProblem(await inject('POST', '/api/party/orgs', { name: '越界党支部', level: 'committee', regionCode: R.otherGrid }, street01), 403, 'scope.forbidden');
    expectProblem(await inject('POST', '/api/party/orgs', { name: '挂到外面', level: 'committee', regionCode: R.c1, parentId: outside.id }, street01), 403, 'scope.forbidden');
    const audit = (await inject('GET', `/api/audit?entityType=party_org&entityId=${outside.id}`)).json().items;
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['party_org.create']);
  });
});

describe('party members and 双报到', () => {
  let branch: { id: number };
  let otherBranch: { id: number };

  beforeAll(async () => {
    const c = await newOrg({ name: '党员测试社区党委', level: 'committee', regionCode: R.c2 });
    branch = await newOrg({ name: '党员测试党支部', level: 'branch', regionCode: R.c2g1, parentId: c.id });
    const o = await newOrg({ name: '外街道机关党委', level: 'committee', regionCode: R.other });
    otherBranch = await newOrg({ name: '外街道机关党支部', level: 'branch', regionCode: R.otherGrid, parentId: o.id });
  });

  it('registers members with their name from the population registry; one membership per person', async () => {
    const m = await inject('POST', '/api/party/members', { personId: 101, partyOrgId: branch.id, membership: 'probationary', joinedOn: '2025-07-01' }).then(created);
    expect(m).toMatchObject({ personId: 101, name: '党员101', idMasked: '150302********0101', partyOrg: { id: branch.id }, region: { code: R.c2g1 }, membership: 'probationary', inService: false, homeCommunity: null });
    expectProblem(await inject('POST', '/api/party/members', { personId: 101, partyOrgId: branch.id }), 409, 'party.member_exists', 'personId', 'unique');
    expectProblem(await inject('POST', '/api/party/members', { personId: 950_000, partyOrgId: branch.id }), 400, 'request.invalid', 'personId', 'exists');
    expectProblem(await inject('POST', '/api/party/members', { personId: 102, partyOrgId: branch.id, joinedOn: '2025-02-30' }), 400, 'request.invalid', 'joinedOn');
    const audit = (await inject('GET', `/api/audit?entityType=party_member&entityId=${m.id}`)).json().items;
    expect(audit[0]).toMatchObject({ action: 'party_member.create', after: { personId: 101, partyOrgId: branch.id } });
  });

  it('accepts only a community as the home community of an in-service member', async () => {
    const body = { partyOrgId: otherBranch.id, inService: true, workUnit: '市直某局' };
    expectProblem(await inject('POST', '/api/party/members', { ...body, personId: 201, homeCommunityCode: R.c1g1 }), 400, 'request.invalid', 'homeCommunityCode', 'community_level');
    expectProblem(await inject('POST', '/api/party/members', { ...body, personId: 201, homeCommunityCode: R.street1 }), 400, 'request.invalid', 'homeCommunityCode', 'community_level');
    expectProblem(await inject('POST', '/api/party/members', { ...body, personId: 201, inService: false, homeCommunityCode: R.c1 }), 400, 'request.invalid', 'homeCommunityCode', 'in_service_only');
    const m = await inject('POST', '/api/party/members', { ...body, personId: 201, homeCommunityCode: R.c1 }).then(created);
    expect(m).toMatchObject({ inService: true, homeCommunity: { code: R.c1, level: 'community' }, region: { code: R.otherGrid } });
    expect(m.reportedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('shows the home community the in-service members who registered there, though their branch is elsewhere', async () => {
    const mine = (await inject('GET', '/api/party/members?limit=500', undefined, community01)).json().items;
    expect(mine.map((m: { personId: number }) => m.personId)).toContain(201);
    const filtered = (await inject('GET', `/api/party/members?homeCommunity=${R.c1}&inService=true`, undefined, community01)).json().items;
    expect(filtered.map((m: { personId: number }) => m.personId)).toEqual([201]);
    // Visible is not writable: the member belongs to a branch outside the community.
    expectProblem(await inject('PATCH', `/api/party/members/${filtered[0].id}`, { workUnit: '改' }, community01), 403, 'scope.forbidden');
    expectProblem(await inject('GET', `/api/party/members?homeCommunity=${R.c1g1}`), 400, 'request.invalid', 'homeCommunity', 'community_level');
  });

  it('counts members and in-service members of an organisation and its subtree', async () => {
    await inject('POST', '/api/party/members', { personId: 301, partyOrgId: branch.id, inService: true, workUnit: '某公司', homeCommunityCode: R.c2 }).then(created);
    const parent = (await inject('GET', `/api/party/orgs/${branch.id}`)).json().parentId;
    const detail = (await inject('GET', `/api/party/orgs/${parent}`)).json();
    expect(detail.members).toEqual({ direct: 0, directInService: 0, total: 2, totalInService: 1, totalProbationary: 1 });
    expect((await inject('GET', `/api/party/orgs/${branch.id}`)).json()).toMatchObject({ memberCount: 2, members: { direct: 2, directInService: 1 } });
    const sub = (await inject('GET', `/api/party/members?orgId=${parent}&subtree=true`)).json().items;
    expect(sub.map((m: { personId: number }) => m.personId).sort()).toEqual([101, 301]);
    expect((await inject('GET', `/api/party/members?orgId=${parent}`)).json().items).toEqual([]);
  });

  it('transfers a member, and clears 双报到 only together with in-service', async () => {
    const m = (await inject('GET', `/api/party/members?orgId=${branch.id}&inService=true`)).json().items[0];
    expectProblem(await inject('PATCH', `/api/party/members/${m.id}`, { inService: false }), 400, 'request.invalid', 'homeCommunityCode', 'in_service_only');
    const res = await inject('PATCH', `/api/party/members/${m.id}`, { inService: false, homeCommunityCode: null, partyOrgId: otherBranch.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ inService: false, homeCommunity: null, partyOrg: { id: otherBranch.id }, region: { code: R.otherGrid } });
    // street01 may not pull a member into a branch outside the street.
    const own = await inject('POST', '/api/party/members', { personId: 401, partyOrgId: branch.id }, street01).then(created);
    expectProblem(await inject('PATCH', `/api/party/members/${own.id}`, { partyOrgId: otherBranch.id }, street01), 403, 'scope.forbidden');
    const audit = (await inject('GET', `/api/audit?entityType=party_member&entityId=${m.id}`)).json().items;
    expect(audit[0]).toMatchObject({ action: 'party_member.update', before: { inService: true, homeCommunityCode: R.c2 }, after: { inService: false, homeCommunityCode: null } });
  });

  it('checks members against the population registry and shows their names masked', async () => {
    // The real registry, as createServices wires it (the rest of this file uses a stand-in).
    t.services.party.usePeopleDirectory({ namesOf: (ids) => t.services.people.namesOf(ids) });
    const cookie = await t.login('admin');
    const c = await t.services.party.createOrg(
      { id: 0, username: 'system', displayName: 'system', role: 'city_admin', scopeCode: '150300000000', scopePath: '1503', department: null },
      { name: '人口库核对党委', level: 'committee', regionCode: R.c1 },
      SYSTEM_CONTEXT,
    );
    const unknown = await t.app.inject({ method: 'POST', url: '/api/party/members', payload: { personId: 999999, partyOrgId: c.id }, headers: { cookie } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ field: 'personId', rule: 'exists' });
    const first17 = '15030219700707001';
    const person = await t.app.inject({ method: 'POST', url: '/api/people', headers: { cookie }, payload: { name: '党员甲', idNumber: first17 + citizenIdCheckChar(first17), regionCode: R.c1 } });
    expect(person.statusCode, person.body).toBe(201);
    const res = await t.app.inject({ method: 'POST', url: '/api/party/members', payload: { personId: person.json().id, partyOrgId: c.id }, headers: { cookie } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: '党员甲', idMasked: expect.stringMatching(/^150302\*{8}/) });
    t.services.party.usePeopleDirectory(people);
  });

});
