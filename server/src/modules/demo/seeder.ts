import type { Db } from '../../platform/db/client.js';
import type { AuditContext } from '../../platform/audit/index.js';
import { getSetting, setSetting } from '../../platform/settings/index.js';
import type { Role } from '../../platform/scope/index.js';
import { importDivisions, type DivisionImportReport } from '../regions/divisionImporter.js';
import { generateDemoGeometry, type DemoGeometryReport } from '../regions/demoGeometryGenerator.js';
import type { RegionService } from '../regions/service.js';
import type { UserService } from '../users/service.js';
import type { HousingService } from '../housing/service.js';
import type { PeopleService } from '../people/service.js';
import type { OrgService } from '../orgs/service.js';
import type { PartyService } from '../party/service.js';
import { recordAudit } from '../../platform/audit/index.js';
import { seedRegistryDemo, type DemoScale, type RegistryDemoReport } from './registrySeeder.js';

/** Published demo credentials: only ever created by the demo seeder. */
export const DEMO_PASSWORD = 'gridwork-demo';

interface DemoAccount {
  username: string;
  password: string;
  role: Role;
  displayName: string;
  /** Which node of the seeded city the account answers for (none: a resident). */
  scope: 'city' | 'district' | 'street' | 'community' | 'grid' | 'none';
  department?: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'admin', password: DEMO_PASSWORD, role: 'city_admin', displayName: '演示管理员', scope: 'city' },
  { username: 'street01', password: DEMO_PASSWORD, role: 'street_staff', displayName: '街道干部（演示）', scope: 'street' },
  { username: 'community01', password: DEMO_PASSWORD, role: 'community_staff', displayName: '社区工作者（演示）', scope: 'community' },
  { username: 'grid01', password: DEMO_PASSWORD, role: 'grid_worker', displayName: '网格员（演示）', scope: 'grid' },
  { username: 'dept01', password: DEMO_PASSWORD, role: 'dept_handler', displayName: '城管执法局（演示）', scope: 'district', department: '城市管理综合执法局' },
  { username: 'resident01', password: DEMO_PASSWORD, role: 'resident', displayName: '居民（演示）', scope: 'none' },
];

const SEEDED_KEY = 'demo.seeded';

export async function isDemoSeeded(db: Db): Promise<boolean> {
  return (await getSetting(db, SEEDED_KEY)) !== undefined;
}

export interface DemoReport {
  divisions: DivisionImportReport;
  geometry: DemoGeometryReport;
  registry: RegistryDemoReport;
  accounts: string[];
  ms: number;
}

/**
 * Seed a demo city: real divisions from the package, generated grids and buildings, and the
 * demo accounts (scoped to the first street, community and grid). Safe to run again.
 */
export async function seedDemo(
  db: Db,
  services: { regions: RegionService; users: UserService; housing: HousingService; people: PeopleService; orgs: OrgService; party: PartyService },
  cityCode: string,
  ctx: AuditContext,
  opts: { scale?: DemoScale; log?: (msg: string) => void } = {},
): Promise<DemoReport> {
  const t0 = Date.now();
  const divisions = await importDivisions(db, cityCode, ctx);
  const geometry = await generateDemoGeometry(db, cityCode, ctx);
  const registry = await seedRegistryDemo(db, services, cityCode, opts.scale ?? 'default', opts.log);
  await recordAudit(db, ctx, { action: 'demo.seed_registry', entityType: 'region', entityId: divisions.city.code, scopePath: cityCode, after: registry });
  // First street → its first community → its first grid, for the scoped demo accounts.
  const scopes: Record<Exclude<DemoAccount['scope'], 'none'>, string | null> = { city: divisions.city.code, district: null, street: null, community: null, grid: null };
  const firstChild = async (code: string | null) => (code ? ((await services.regions.childrenUnchecked(code))[0]?.code ?? null) : null);
  scopes.district = await firstChild(scopes.city);
  scopes.street = await firstChild(scopes.district);
  scopes.community = await firstChild(scopes.street);
  scopes.grid = await firstChild(scopes.community);
  const accounts: string[] = [];
  for (const a of DEMO_ACCOUNTS) {
    const scopeCode = a.scope === 'none' ? null : scopes[a.scope];
    if (a.scope !== 'none' && !scopeCode) continue;
    const { scope: _scope, ...account } = a;
    const created = await services.users.ensureSystemUser({ ...account, scopeCode }, ctx, { skipPasswordPolicy: true });
    if (created) accounts.push(a.username);
  }
  await setSetting(db, SEEDED_KEY, { city: cityCode, at: new Date().toISOString() });
  return { divisions, geometry, registry, accounts, ms: Date.now() - t0 };
}
