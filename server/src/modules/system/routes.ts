import { Type } from '@fastify/type-provider-typebox';
import type { App } from '../../platform/http/app.js';
import { migrationStatus, type Db } from '../../platform/db/client.js';

export interface PublicConfig {
  tileUrl: string;
  tileAttribution: string;
  tileCrs: 'wgs84' | 'gcj02';
  demo: boolean;
  demoAccounts: { username: string; password: string; role: string; displayName: string }[];
  version: string;
}

export function registerSystemRoutes(app: App, db: Db, publicConfig: () => Promise<PublicConfig>): void {
  app.get('/healthz', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/readyz', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'Readiness: database reachable and migrations applied' },
    handler: async (_req, reply) => {
      const m = await migrationStatus(db);
      const ready = m.applied >= m.shipped && m.shipped > 0;
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', migrations: m });
    },
  });

  app.get('/api/config', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: '前端配置（地图瓦片、演示模式）' },
    handler: () => publicConfig(),
  });

  app.get('/api/openapi.json', {
    config: { access: 'public' },
    schema: { hide: true },
    handler: async () => app.swagger(),
  });
}
