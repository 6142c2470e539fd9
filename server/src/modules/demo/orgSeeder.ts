import type { Db } from '../../platform/db/client.js';
import { createRng, type Rng } from '../../platform/geo/index.js';
import { CREDIT_CHARSET, creditCheckChar } from '../../platform/identity/creditCode.js';
import { SYSTEM_CONTEXT } from '../../platform/audit/index.js';
import type { Actor } from '../../platform/scope/index.js';
import type { OrgService, ImportOrgRow } from '../orgs/service.js';
import type { PartyService } from '../party/service.js';
import type { PeopleService } from '../people/service.js';
import type { RegionDto, RegionService } from '../regions/service.js';
import { chineseName } from './names.js';

export interface OrgDemoReport {
  enterprises: number;
  socialOrgs: number;
  partyOrgs: number;
  partyMembers: number;
}

// Wuhai is a coal and chemicals city: mining, energy and manufacturing weigh more than usual.
const INDUSTRIES: [string, number, string[]][] = [
  ['B', 6, ['煤业', '矿业', '洗煤']],
  ['C', 16, ['化工', '建材', '机械', '冶金']],
  ['D', 4, ['电力', '热力', '燃气']],
  ['E', 10, ['建筑', '建设工程', '装饰']],
  ['F', 22, ['商贸', '超市', '物资']],
  ['G', 7, ['物流', '运输']],
  ['H', 12, ['餐饮', '酒店', '饭店']],
  ['I', 3, ['网络科技', '信息技术']],
  ['K', 4, ['物业服务', '房地产']],
  ['L', 6, ['商务咨询', '人力资源']],
  ['O', 10, ['家政服务', '汽车修理', '美容美发']],
];
const SOCIAL: [string, string][] = [
  ['51', '协会'],
  ['51', '商会'],
  ['52', '社会工作服务中心'],
  ['52', '养老服务中心'],
  ['52', '培训学校'],
  ['53', '公益基金会'],
];
const WORDS = '鑫盛泰丰源华兴隆达宏远通瑞祥安康宇恒昌金顺海德利和新'.split('');

function weighted<T>(rng: Rng, items: [T, number, ...unknown[]][]): T {
  const total = items.reduce((s, i) => s + i[1], 0);
  let r = rng.next() * total;
  for (const i of items) if ((r -= i[1]) < 0) return i[0];
  return items[0]![0];
}

/** A valid unified social credit code of a given prefix registered in a county. */
function creditCode(rng: Rng, prefix: string, county: string, used: Set<string>): string {
  for (;;) {
    let body = '';
    for (let i = 0; i < 9; i++) body += i === 0 ? rng.pick(['M', 'M', 'L', '0', '6', '7']) : CREDIT_CHARSET[rng.int(0, CREDIT_CHARSET.length - 1)];
    const first17 = `${prefix}${county}${body}`;
    if (used.has(first17)) continue;
    used.add(first17);
    return first17 + creditCheckChar(first17);
  }
}

/**
 * Enterprises and social organisations at Wuhai's density (about 25 and 5 per community),
 * with party-organisation coverage near the reports' 60.21% / 58.7% and work coverage through
 * guidance officers; a committee per community, a branch per grid (支部建在网格上), and the
 * resident party members registered with their grid's branch — some in service elsewhere
 * and registered at home (双报到).
 */
export async function seedOrgsAndParty(
  db: Db,
  services: { regions: RegionService; orgs: OrgService; party: PartyService; people: PeopleService },
  cityCode: string,
  communities: RegionDto[],
): Promise<OrgDemoReport> {
  const rng = createRng(`gridwork-orgs-${cityCode}`);
  const system: Actor = { id: 0, username: 'system', displayName: 'system', role: 'city_admin', scopeCode: null, scopePath: cityCode, department: null };
  const report: OrgDemoReport = { enterprises: 0, socialOrgs: 0, partyOrgs: 0, partyMembers: 0 };
  const used = new Set<string>();
  const src = { dept: '演示数据', batchId: null, at: new Date() };
  for (const community of communities) {
    const grids = (await services.regions.childrenUnchecked(community.code)).filter((g) => g.level === 'grid');
    if (!grids.length) continue;
    const county = community.code.slice(0, 6);
    const short = community.name.replace(/(居民委员会|居委会|村民委员会|村委会)$/, '');
    const rows: (ImportOrgRow & { covered: boolean })[] = [];
    const nEnt = rng.int(18, 32);
    const nSoc = rng.int(3, 8);
    for (let i = 0; i < nEnt + nSoc; i++) {
      const social = i >= nEnt;
      const grid = rng.pick(grids);
      const [lng, lat] = grid.center ?? [null, null];
      const industry = social ? null : weighted(rng, INDUSTRIES);
      const words = social ? null : INDUSTRIES.find((x) => x[0] === industry)![2];
      const [prefix, suffix] = social ? rng.pick(SOCIAL) : [weighted(rng, [['91', 85], ['92', 10], ['93', 5]]), ''];
      const brand = rng.pick(WORDS) + rng.pick(WORDS);
      const name = social
        ? `乌海市${short}${suffix}`.replace(/社区社区/, '社区') + (rng.next() < 0.5 ? '' : `（${brand}）`)
        : prefix === '92'
          ? `海勃湾区${brand}${rng.pick(words!)}店`
          : prefix === '93'
            ? `乌海市${brand}种养殖专业合作社`
            : `乌海市${brand}${rng.pick(words!)}有限公司`;
      const threeHave = rng.next() < (social ? 0.9 : 0.78);
      rows.push({
        creditCode: creditCode(rng, prefix, county, used),
        name: `${name}${i}`.replace(/\d+$/, (n) => (rows.some((r) => r.name.startsWith(name)) ? `（${n}）` : '')),
        regionPath: grid.code,
        industry,
        address: `${community.name.replace(/居委会$/, '')}${grid.name}${rng.int(1, 99)}号`,
        lng: lng !== null ? lng + rng.float(-0.001, 0.001) : null,
        lat: lat !== null ? lat + rng.float(-0.001, 0.001) : null,
        employees: social ? rng.int(3, 40) : Math.round(Math.exp(rng.float(1, 6))),
        hasPremises: threeHave || rng.next() < 0.5,
        hasStaff: threeHave || rng.next() < 0.5,
        hasRevenue: threeHave || rng.next() < 0.4,
        status: 'operating',
        guidanceOfficer: rng.next() < 0.995 ? chineseName(rng, rng.next() < 0.5 ? 'male' : 'female') : null,
        partyMembers: rng.int(0, 12),
        covered: rng.next() < (social ? 0.587 : 0.6021),
      });
    }
    await db.transaction((tx) => services.orgs.upsertFromImport(tx, rows, src));
    report.enterprises += nEnt;
    report.socialOrgs += nSoc;

    // 社区党委 → 网格党支部; covered organisations get a branch of their own.
    const committee = await services.party.createOrg(system, { name: `中共${short}委员会`, level: 'committee', regionCode: community.code, secretary: chineseName(rng, 'female') }, SYSTEM_CONTEXT);
    report.partyOrgs++;
    const branchOf = new Map<string, number>();
    for (const g of grids) {
      const b = await services.party.createOrg(system, { name: `${g.name}党支部`, level: 'branch', parentId: committee.id, regionCode: g.code, secretary: chineseName(rng, 'male') }, SYSTEM_CONTEXT);
      branchOf.set(g.code, b.id);
      report.partyOrgs++;
    }
    const orgIds = await services.orgs.idsByCreditCodes(rows.filter((r) => r.covered).map((r) => r.creditCode));
    for (const [code, id] of orgIds) {
      const r = rows.find((x) => x.creditCode === code)!;
      await services.party.createOrg(system, { name: `${r.name}党支部`, level: 'branch', parentId: committee.id, organisationId: id }, SYSTEM_CONTEXT);
      report.partyOrgs++;
    }
    const members = await services.people.byPoliticalStatus(community.code, 'cpc_member');
    await db.transaction(async (tx) => {
      report.partyMembers += await services.party.addMembersBulk(
        tx,
        members
          .map((m) => {
            const grid = m.regionPath.slice(0, 15);
            const branch = branchOf.get(grid);
            if (!branch) return null;
            const age = new Date().getFullYear() - Number(m.birthDate.slice(0, 4));
            const inService = age >= 22 && age <= 60 && rng.next() < 0.35;
            return {
              personId: m.id,
              partyOrgId: branch,
              regionPath: grid,
              joinedOn: `${Math.max(Number(m.birthDate.slice(0, 4)) + 20, 1960)}-07-01`,
              inService,
              workUnit: inService ? rng.pick(['乌海市人民医院', '海勃湾区人民政府', '乌海市第一中学', '乌海能源公司', '乌海供电公司']) : null,
              homeCommunityCode: inService ? community.code : null,
              reportedOn: inService ? '2024-03-01' : null,
            };
          })
          .filter((x): x is NonNullable<typeof x> => x !== null),
      );
    });
  }
  return report;
}
