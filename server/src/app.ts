import path from 'node:path';
import { createHttpServer, type App } from './platform/http/app.js';
import type { Config } from './platform/config.js';
import type { Database } from './platform/db/client.js';
import { AuthService, SESSION_COOKIE } from './platform/auth/service.js';
import { registerAuthRoutes } from './platform/auth/routes.js';
import { registerAuditRoutes } from './platform/audit/routes.js';
import { RegionService } from './modules/regions/service.js';
import { registerRegionRoutes } from './modules/regions/routes.js';
import { UserService } from './modules/users/service.js';
import { registerUserRoutes } from './modules/users/routes.js';
import { registerSystemRoutes } from './modules/system/routes.js';
import { DEMO_ACCOUNTS, isDemoSeeded } from './modules/demo/seeder.js';
import { VERSION } from './version.js';
import { HousingService } from './modules/housing/service.js';
import { registerHousingRoutes } from './modules/housing/routes.js';
import { PeopleService } from './modules/people/service.js';
import { registerPeopleRoutes } from './modules/people/routes.js';
import { createPiiCipher, loadPiiKey, type PiiCipher } from './platform/pii/index.js';
import { OrgService } from './modules/orgs/service.js';
import { CoverageService } from './modules/orgs/coverage.js';
import { LedgerService } from './modules/orgs/ledgers.js';
import { registerOrgRoutes } from './modules/orgs/routes.js';
import { PartyService } from './modules/party/service.js';
import { registerPartyRoutes } from './modules/party/routes.js';
import { ImportService } from './modules/imports/service.js';
import { IMPORT_TUNING } from './modules/imports/importRunner.js';
import { registerImportRoutes } from './modules/imports/routes.js';
import { TicketCatalogue } from './modules/tickets/catalogue.js';
import { TicketService } from './modules/tickets/service.js';
import { TicketMetrics } from './modules/tickets/metrics.js';
import { registerTicketRoutes } from './modules/tickets/routes.js';
import { LocalDiskStorage } from './platform/storage/index.js';
import { UploadService, uploadMaxBytesFromEnv } from './platform/storage/service.js';
import { registerUploadRoutes } from './platform/storage/routes.js';
import { registerIdempotency } from './platform/http/idempotency.js';
import { WebhookService } from './modules/webhooks/service.js';
import { registerWebhookRoutes } from './modules/webhooks/routes.js';
import { HotlineService } from './modules/hotline/service.js';
import { registerHotlineRoutes } from './modules/hotline/routes.js';
import { Open311Service } from './modules/open311/service.js';
import { registerOpen311Routes } from './modules/open311/routes.js';

export interface Services {
  auth: AuthService;
  regions: RegionService;
  users: UserService;
  pii: PiiCipher;
  housing: HousingService;
  people: PeopleService;
  orgs: OrgService;
  party: PartyService;
  coverage: CoverageService;
  ledgers: LedgerService;
  imports: ImportService;
  uploads: UploadService;
  ticketCatalogue: TicketCatalogue;
  tickets: TicketService;
  ticketMetrics: TicketMetrics;
  webhooks: WebhookService;
  hotline: HotlineService;
  open311: Open311Service;
}

export function createServices(database: Database, config: Pick<Config, 'sessionTtlHours' | 'piiKey' | 'dataDir'>, opts: { now?: () => Date } = {}): Services {
  const db = database.db;
  const regions = new RegionService(db);
  const housing = new HousingService(db, regions);
  const pii = createPiiCipher(loadPiiKey({ envKey: config.piiKey, dataDir: config.dataDir, embedded: database.kind === 'pglite' }));
  // Organisations name their party organisations and party organisations set organisations'
  // coverage: the lookup is bound late to break the cycle.
  const orgs: OrgService = new OrgService(db, regions, { refs: (d, ids) => party.refs(d, ids) });
  const people = new PeopleService(db, pii, regions, housing);
  const party: PartyService = new PartyService(db, regions, orgs, { namesOf: (ids) => people.namesOf(ids) });
  const uploads = new UploadService(db, new LocalDiskStorage(path.join(config.dataDir, 'uploads')), { maxBytes: uploadMaxBytesFromEnv() });
  const ticketCatalogue = new TicketCatalogue(db, regions, opts.now);
  const tickets = new TicketService(db, regions, ticketCatalogue, pii, {
    now: opts.now,
    photos: uploads,
    registry: { checkPerson: (a, id) => people.get(a, id), checkHousehold: (a, id) => people.getHousehold(a, id) },
    buildings: {
      buildingPlace: async (id) => {
        const b = await regions.buildingInfo(id);
        return b ? { regionCode: b.regionCode, lng: b.lng, lat: b.lat, address: b.address } : null;
      },
    },
  });
  // Integrations: outbox rows (webhooks) and the hotline's result feed are written inside every ticket change.
  const webhooks = new WebhookService(db, regions, pii, { now: opts.now });
  const hotline = new HotlineService(db, regions, housing, tickets, ticketCatalogue, { now: opts.now });
  uploads.setReferrer('ticket', (ids, d) => tickets.photosInUse(ids, d));
  tickets.addSink(webhooks.sink);
  tickets.addSink(hotline.sink);
  return {
    auth: new AuthService(db, config.sessionTtlHours * 3600_000),
    regions,
    users: new UserService(db, regions),
    pii,
    housing,
    people,
    orgs,
    party,
    coverage: new CoverageService(db, regions, orgs),
    ledgers: new LedgerService(db, regions, orgs),
    imports: new ImportService(db, regions, housing, people, orgs, { uploadDir: path.join(config.dataDir, 'imports'), tuning: IMPORT_TUNING[database.kind] }),
    uploads,
    ticketCatalogue,
    tickets,
    ticketMetrics: new TicketMetrics(db, regions, ticketCatalogue, opts.now),
    webhooks,
    hotline,
    open311: new Open311Service(db, regions, tickets, ticketCatalogue, { now: opts.now }),
  };
}

/** Compose the HTTP application: platform plumbing first, then each module's routes. */
export async function buildApp(database: Database, config: Config, services = createServices(database, config)): Promise<App> {
  const app = await createHttpServer({
    logLevel: config.logLevel,
    bodyLimitBytes: config.bodyLimitBytes,
    webDist: config.webDist,
    sessionCookie: SESSION_COOKIE,
    sessions: services.auth,
    version: VERSION,
    trustProxy: config.trustProxy,
  });
  const db = database.db;
  // Idempotency-Key on creating routes (config.idempotent); before any route is registered.
  registerIdempotency(app, { db, seal: services.pii });
  registerSystemRoutes(app, db, async () => {
    const demo = database.kind === 'pglite' && (await isDemoSeeded(db));
    return {
      tileUrl: config.tileUrl,
      tileAttribution: config.tileAttribution,
      tileCrs: config.tileCrs,
      demo,
      demoAccounts: demo ? DEMO_ACCOUNTS.map(({ username, password, role, displayName }) => ({ username, password, role, displayName })) : [],
      version: VERSION,
    };
  });
  registerAuthRoutes(app, {
    auth: services.auth,
    cookieSecure: config.cookieSecure,
    describeScope: async (code) => (await services.regions.lookup(code)) ?? null,
  });
  registerAuditRoutes(app, db);
  registerRegionRoutes(app, services.regions);
  registerUserRoutes(app, services.users);
  registerHousingRoutes(app, services.housing);
  registerPeopleRoutes(app, services.people);
  registerOrgRoutes(app, services);
  registerPartyRoutes(app, services.party);
  registerImportRoutes(app, services.imports);
  registerUploadRoutes(app, services.uploads);
  registerTicketRoutes(app, { tickets: services.tickets, metrics: services.ticketMetrics, catalogue: services.ticketCatalogue });
  registerWebhookRoutes(app, services.webhooks);
  registerHotlineRoutes(app, services.hotline);
  registerOpen311Routes(app, services.open311);
  return app;
}
