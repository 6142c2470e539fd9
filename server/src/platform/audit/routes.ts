import { Type } from '@fastify/type-provider-typebox';
import type { App } from '../http/app.js';
import { CursorQuery, problemResponses } from '../http/contracts.js';
import type { Db } from '../db/client.js';
import { scopeOf } from '../scope/index.js';
import { queryAudit } from './index.js';

const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.Union([Type.Object({ id: Type.Union([Type.Integer(), Type.Null()]), username: Type.String(), role: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  ip: Type.Union([Type.String(), Type.Null()]),
  /** Region path (significant code prefix) the change belongs to. */
  scopePath: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
});

export function registerAuditRoutes(app: App, db: Db): void {
  app.get('/api/audit', {
    config: { access: 'audit.read' },
    schema: {
      tags: ['audit'],
      summary: '审计日志查询（限管辖范围）',
      querystring: Type.Object(
        {
          actor: Type.Optional(Type.String({ maxLength: 64 })),
          action: Type.Optional(Type.String({ maxLength: 64 })),
          entityType: Type.Optional(Type.String({ maxLength: 64 })),
          entityId: Type.Optional(Type.String({ maxLength: 64 })),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          ...CursorQuery,
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ items: Type.Array(AuditEntry), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses },
    },
    handler: async (req) => {
      const scope = scopeOf(req.actor, 'audit.read');
      const q = req.query;
      const r = await queryAudit(db, {
        scopePath: scope,
        // Sign-in failures of unknown usernames carry no region; only a city-wide admin sees them.
        cityWide: req.actor!.role === 'city_admin',
        actor: q.actor,
        action: q.action,
        entityType: q.entityType,
        entityId: q.entityId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        beforeId: q.cursor ? Number(q.cursor) : undefined,
        limit: q.limit ?? 50,
      });
      return {
        items: r.items.map((e) => ({
          id: e.id,
          at: e.at.toISOString(),
          actor: e.actorUsername ? { id: e.actorId, username: e.actorUsername, role: e.actorRole } : null,
          action: e.action,
          entityType: e.entityType,
          entityId: e.entityId,
          before: e.before,
          after: e.after,
          ip: e.ip,
          scopePath: e.scopePath,
          note: e.note,
        })),
        nextCursor: r.nextId ? String(r.nextId) : null,
      };
    },
  });
}
