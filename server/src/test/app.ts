import type { LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../platform/config.js';
import type { Database } from '../platform/db/client.js';
import type { App } from '../platform/http/app.js';
import { buildApp, createServices, type Services } from '../app.js';
import { openTestDatabase } from './db.js';
import { TEST_PII_KEY, type TemplateName } from './templates.js';

export interface TestApp {
  app: App;
  database: Database;
  services: Services;
  config: Config;
  /** Sign in and return the cookie header for later requests. */
  login(username: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

export const DEMO_PW = 'gridwork-demo';

export async function createTestApp(template: TemplateName = 'demo', env: Record<string, string> = {}, opts: { now?: () => Date } = {}): Promise<TestApp> {
  const database = await openTestDatabase(template);
  const config = loadConfig({ LOG_LEVEL: 'silent', GRIDWORK_WEB_DIST: '/nonexistent', GRIDWORK_PII_KEY: TEST_PII_KEY, ...env });
  const services = createServices(database, config, opts);
  const app = await buildApp(database, config, services);
  await app.ready();
  // Each login comes from its own address so the per-address throttle does not couple tests.
  let n = 0;
  return {
    app,
    database,
    services,
    config,
    async login(username, password = DEMO_PW) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password },
        remoteAddress: `10.9.${Math.floor(++n / 250)}.${n % 250}`,
      });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      return cookieOf(res);
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export function cookieOf(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'gw_session');
  if (!c) throw new Error('no session cookie');
  return `gw_session=${c.value}`;
}
