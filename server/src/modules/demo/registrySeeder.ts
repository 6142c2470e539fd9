import type { Db } from '../../platform/db/client.js';
import { createRng, type Rng } from '../../platform/geo/index.js';
import { citizenIdCheckChar } from '../../platform/identity/citizenId.js';
import { divisionCodeSets } from '../../platform/identity/divisionCodes.js';
import { normaliseAddress } from '../../platform/text/address.js';
import { textGrams } from '../../platform/text/grams.js';
import type { ImportSource } from '../../platform/provenance/index.js';
import type { Actor } from '../../platform/scope/index.js';
import type { HouseImportRow } from '../housing/repo.js';
import type { HousingService } from '../housing/service.js';
import type { ImportedPerson, PeopleService } from '../people/service.js';
import type { RegionService, BuildingDto, RegionDto } from '../regions/service.js';
import { chineseName, mobile } from './names.js';
import { seedOrgsAndParty, type OrgDemoReport } from './orgSeeder.js';
import type { OrgService } from '../orgs/service.js';
import type { PartyService } from '../party/service.js';

/** none: regions, grids and buildings only (test templates); default: the first street; city: everything. */
export type DemoScale = 'none' | 'default' | 'city';

export interface RegistryDemoReport {
  communities: number;
  houses: number;
  households: number;
  residents: number;
  orgs?: OrgDemoReport;
  ms: number;
}

// Outside Inner Mongolia: where Wuhai's migrant workers mostly come from (Shaanxi, Ningxia,
// Gansu, Hebei, Henan, Shandong, Sichuan). Filtered against the current code list at run time.
const MIGRANT_COUNTIES = ['610113', '610402', '640104', '640205', '620102', '620402', '130104', '410105', '370102', '510104', '610802'];
const IM_COUNTIES = ['150102', '150203', '150602', '150802', '152921', '150121'];

interface Member {
  relation: string;
  sex: 'male' | 'female';
  age: number;
}

/** A plausible household: its head, maybe a spouse, children, sometimes an elderly parent. */
function household(rng: Rng): Member[] {
  const r = rng.next();
  const size = r < 0.22 ? 1 : r < 0.54 ? 2 : r < 0.8 ? 3 : r < 0.93 ? 4 : 5;
  const headSex = rng.next() < 0.62 ? 'male' : 'female';
  const headAge = size === 1 ? rng.int(22, 90) : size === 2 && rng.next() < 0.5 ? rng.int(58, 88) : rng.int(28, 62);
  const out: Member[] = [{ relation: 'head', sex: headSex, age: headAge }];
  if (size >= 2 && rng.next() < 0.88) out.push({ relation: 'spouse', sex: headSex === 'male' ? 'female' : 'male', age: Math.max(20, headAge + rng.int(-5, 3)) });
  while (out.length < size) {
    const parent = out.length === size - 1 && size >= 4 && headAge < 55 && rng.next() < 0.5;
    if (parent) out.push({ relation: 'parent', sex: rng.next() < 0.6 ? 'female' : 'male', age: Math.min(98, headAge + rng.int(24, 32)) });
    else out.push({ relation: 'child', sex: rng.next() < 0.51 ? 'male' : 'female', age: Math.max(0, headAge - rng.int(22, 36)) });
  }
  return out;
}

/**
 * Generated residents for the demo city, put in through the same merge path an import uses:
 * houses in every building of the chosen communities, households with members, valid ID
 * numbers with real address codes, tags at realistic rates and a card colour per household.
 * `default` fills the first street (tens of thousands of residents); `city` every community
 * (about half a million for Wuhai).
 */
export async function seedRegistryDemo(
  db: Db,
  services: { regions: RegionService; housing: HousingService; people: PeopleService; orgs: OrgService; party: PartyService },
  cityCode: string,
  scale: DemoScale,
  log: (msg: string) => void = () => undefined,
): Promise<RegistryDemoReport> {
  const t0 = Date.now();
  const rng = createRng(`gridwork-registry-${cityCode}`);
  const system: Actor = { id: 0, username: 'system', displayName: 'system', role: 'city_admin', scopeCode: null, scopePath: cityCode, department: null };
  const { counties } = divisionCodeSets();
  const migrantCounties = MIGRANT_COUNTIES.filter((c) => counties.has(c));
  const imCounties = IM_COUNTIES.filter((c) => counties.has(c));
  const src: ImportSource = { dept: '演示数据', batchId: null, at: new Date() };

  if (scale === 'none') return { communities: 0, houses: 0, households: 0, residents: 0, ms: 0 };
  const districts = await services.regions.childrenUnchecked(`${cityCode}00000000`);
  const streets = scale === 'city' ? (await Promise.all(districts.map((d) => services.regions.childrenUnchecked(d.code)))).flat() : (await services.regions.childrenUnchecked(districts[0]!.code)).slice(0, 1);
  const communities = (await Promise.all(streets.map((s) => services.regions.childrenUnchecked(s.code)))).flat();
  const report: RegistryDemoReport = { communities: communities.length, houses: 0, households: 0, residents: 0, ms: 0 };
  const usedIds = new Set<string>();

  const citizenId = (county: string, age: number, sex: 'male' | 'female') => {
    for (;;) {
      // A birthday within the year before the person turned `age`, never in the future.
      const now = new Date();
      const d = new Date(Date.UTC(now.getUTCFullYear() - age, now.getUTCMonth(), now.getUTCDate()) - rng.int(0, 364) * 86_400_000);
      const birth = d.toISOString().slice(0, 10).replace(/-/g, '');
      let seq = rng.int(0, 499) * 2 + (sex === 'male' ? 1 : 0);
      seq = Math.min(seq, 999);
      const first17 = `${county}${birth}${String(seq).padStart(3, '0')}`;
      if (usedIds.has(first17)) continue;
      usedIds.add(first17);
      return first17 + citizenIdCheckChar(first17);
    }
  };

  const fresh: RegionDto[] = [];
  for (const community of communities) {
    // Seeding twice must not double the population: a community with houses is done.
    if ((await services.housing.list(system, { region: community.code, limit: 1 })).items.length) continue;
    fresh.push(community);
    const district = community.code.slice(0, 6);
    const buildings: BuildingDto[] = [];
    for (let cursor = 0; ; ) {
      const page = await services.regions.buildings(system, community.code, cursor, 500);
      buildings.push(...page.items);
      if (!page.nextCursor) break;
      cursor = Number(page.nextCursor);
    }
    const houses: (HouseImportRow & { occupied: boolean; rented: boolean })[] = [];
    for (const b of buildings) {
      const commercialGround = (b.floors ?? 1) >= 4 && rng.next() < 0.2;
      for (let e = 1; e <= (b.entrances ?? 1); e++) {
        for (let f = 1; f <= (b.floors ?? 1); f++) {
          for (let k = 1; k <= 2; k++) {
            const room = `${f}${String(k).padStart(2, '0')}`;
            const address = `${b.address ?? b.name}${e}单元${room}室`;
            const commercial = commercialGround && f === 1;
            const occupied = !commercial && rng.next() < 0.82;
            const rented = occupied && rng.next() < 0.22;
            houses.push({
              entranceNo: e,
              addressKey: normaliseAddress(address),
              address,
              addressGrams: textGrams(address),
              // Buildings sit in grids or micro-grids, whose code is their path.
              regionPath: b.regionCode,
              buildingId: b.id,
              floor: f,
              room,
              areaM2: Math.round((commercial ? rng.float(40, 200) : rng.float(45, 140)) * 10) / 10,
              use: commercial ? 'commercial' : 'residential',
              occupancy: occupied ? (rented ? 'rented' : 'self_occupied') : 'vacant',
              occupied,
              rented,
            });
          }
        }
      }
    }
    await db.transaction(async (tx) => {
      for (let i = 0; i < houses.length; i += 5000) {
        const r = await services.housing.upsertFromImport(tx, houses.slice(i, i + 5000), src);
        report.houses += r.created;
      }
    });
    const houseIds = new Map((await services.housing.byAddressKeys(db, houses.filter((h) => h.occupied).map((h) => h.addressKey))).map((h) => [h.addressKey, h.id]));

    const people: ImportedPerson[] = [];
    const families: { houseId: number; regionPath: string; colour: string; members: { idHash: string; relation: string }[] }[] = [];
    for (const h of houses) {
      if (!h.occupied) continue;
      const migrant = h.rented ? rng.next() < 0.6 : rng.next() < 0.04;
      const mongolian = !migrant && rng.next() < 0.06;
      const needy = rng.next() < 0.03;
      const disabled = rng.next() < 0.02;
      const members = household(rng);
      const county = migrant ? rng.pick(migrantCounties) : rng.next() < 0.88 ? district : rng.pick(imCounties);
      let partyHousehold = false;
      const fam = { houseId: houseIds.get(h.addressKey)!, regionPath: h.regionPath, colour: 'green', members: [] as { idHash: string; relation: string }[] };
      for (const m of members) {
        const id = citizenId(m.relation === 'child' && rng.next() < 0.9 ? (migrant ? county : district) : county, m.age, m.sex);
        const tags: string[] = [];
        if (migrant) tags.push('migrant');
        if (needy) tags.push('needy', ...(rng.next() < 0.6 ? ['low_income'] : []));
        if (disabled && m.relation === 'head') tags.push('disabled');
        if (members.length === 1 && m.age >= 65) tags.push('elderly_alone');
        if (members.length === 2 && members.every((x) => x.age >= 60)) tags.push('empty_nest');
        if (m.sex === 'male' && m.age >= 40 && rng.next() < 0.03) tags.push('veteran');
        if (m.age >= 18 && rng.next() < 0.03) tags.push('volunteer');
        if (m.age >= 18 && rng.next() < 0.003) tags.push('special_group');
        const political = m.age >= 18 && rng.next() < 0.08 ? 'cpc_member' : m.age >= 14 && m.age <= 28 && rng.next() < 0.25 ? 'cyl_member' : 'masses';
        if (political === 'cpc_member') partyHousehold = true;
        const prepared = services.people.prepareImported({
          name: chineseName(rng, m.sex, mongolian),
          idNumber: id,
          phone: m.age >= 16 && rng.next() < 0.9 ? mobile(rng) : null,
          ethnicity: mongolian ? '蒙古族' : rng.next() < 0.97 ? '汉族' : rng.pick(['回族', '满族', '达斡尔族']),
          registeredAddress: migrant ? null : h.address,
          politicalStatus: political,
          tags,
        });
        people.push({ ...prepared, houseId: fam.houseId, regionPath: h.regionPath });
        fam.members.push({ idHash: prepared.idHash, relation: m.relation });
      }
      fam.colour = partyHousehold && rng.next() < 0.6 ? 'red' : needy || disabled || (members.length === 1 && members[0]!.age >= 65) ? 'orange' : migrant ? 'blue' : rng.next() < 0.015 ? 'yellow' : 'green';
      families.push(fam);
    }
    await db.transaction(async (tx) => {
      const ids = new Map<string, number>();
      for (let i = 0; i < people.length; i += 5000) {
        const r = await services.people.upsertFromImport(tx, people.slice(i, i + 5000), src);
        for (const [k, v] of r.ids) ids.set(k, v);
        report.residents += r.created;
      }
      const fresh = families.filter((f) => f.members.every((m) => ids.has(m.idHash)));
      for (let i = 0; i < fresh.length; i += 2000) {
        await services.people.createHouseholdsBulk(
          tx,
          fresh.slice(i, i + 2000).map((f) => ({
            houseId: f.houseId,
            regionPath: f.regionPath,
            colour: f.colour,
            since: '2020-01-01',
            members: f.members.map((m) => ({ personId: ids.get(m.idHash)!, relation: m.relation })),
          })),
        );
      }
      report.households += fresh.length;
    });
    log(`${community.name}: ${buildings.length} 栋楼, ${houses.length} 套房, ${families.length} 户`);
  }
  report.orgs = await seedOrgsAndParty(db, services, cityCode, fresh);
  report.ms = Date.now() - t0;
  return report;
}
