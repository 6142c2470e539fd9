import { Type } from '@fastify/type-provider-typebox';
import { auditContext, type App } from '../../platform/http/app.js';
import { CursorQuery, problemResponses, RegionRef } from '../../platform/http/contracts.js';
import { ROLES } from '../../platform/scope/index.js';
import type { UserService } from './service.js';

const tags = ['users'];
const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  scope: Type.Union([RegionRef, Type.Null()]),
  department: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

const Phone = Type.String({ pattern: '^[0-9+\\- ]{5,20}$' });

const CreateUserBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 32 }),
    displayName: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 8, maxLength: 128 }),
    role: RoleSchema,
    scopeCode: Type.Optional(Nullable(Type.String({ maxLength: 32 }))),
    department: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    phone: Type.Optional(Nullable(Phone)),
  },
  { additionalProperties: false },
);

const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
    role: Type.Optional(RoleSchema),
    scopeCode: Type.Optional(Nullable(Type.String({ maxLength: 32 }))),
    department: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    phone: Type.Optional(Nullable(Phone)),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export function registerUserRoutes(app: App, users: UserService): void {
  app.get('/api/users', {
    config: { access: 'user.read' },
    schema: {
      tags,
      summary: '用户列表（限管辖范围）',
      querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 64 })), role: Type.Optional(RoleSchema), ...CursorQuery }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(UserSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses },
    },
    handler: (req) => users.list(req.actor, { search: req.query.q, role: req.query.role, cursor: req.query.cursor, limit: req.query.limit ?? 50 }),
  });

  app.post('/api/users', {
    config: { access: 'user.write', idempotent: true },
    schema: { tags, summary: '新建用户', body: CreateUserBody, response: { 201: UserSchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(201).send(await users.create(req.actor, req.body, auditContext(req))),
  });

  app.patch('/api/users/:id', {
    config: { access: 'user.write' },
    schema: { tags, summary: '修改用户（含重置密码、停用）', params: IdParams, body: UpdateUserBody, response: { 200: UserSchema, ...problemResponses } },
    handler: (req) => users.update(req.actor, req.params.id, req.body, auditContext(req)),
  });

  app.post('/api/users/:id/unlock', {
    config: { access: 'user.write' },
    schema: { tags, summary: '解除登录锁定', params: IdParams, response: { 200: UserSchema, ...problemResponses } },
    handler: (req) => users.unlock(req.actor, req.params.id, auditContext(req)),
  });
}
