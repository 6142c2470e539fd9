import { Type } from '@fastify/type-provider-typebox';
import { auditContext, type App } from '../http/app.js';
import { problemResponses, RegionRef } from '../http/contracts.js';
import { AppError } from '../errors/index.js';
import { PERMISSIONS, type Actor } from '../scope/index.js';
import { SESSION_COOKIE, type AuthService } from './service.js';

const tags = ['auth'];

export const MeSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  scope: Type.Union([RegionRef, Type.Null()]),
  department: Type.Union([Type.String(), Type.Null()]),
  permissions: Type.Array(Type.String()),
});

export interface AuthRouteDeps {
  auth: AuthService;
  cookieSecure: boolean;
  /** Name and level of a scope code, from the regions module. */
  describeScope(code: string): Promise<{ code: string; name: string; level: string } | null>;
}

export function registerAuthRoutes(app: App, deps: AuthRouteDeps): void {
  const me = async (a: Actor) => ({
    id: a.id,
    username: a.username,
    displayName: a.displayName,
    role: a.role,
    scope: a.scopeCode ? await deps.describeScope(a.scopeCode) : null,
    department: a.department,
    permissions: [...PERMISSIONS[a.role]],
  });

  app.post('/api/auth/login', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: '登录（成功后下发会话 Cookie）',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ user: MeSchema }), ...problemResponses },
    },
    handler: async (req, reply) => {
      const r = await deps.auth.login(req.body.username, req.body.password, auditContext(req), req.headers['user-agent']);
      reply.setCookie(SESSION_COOKIE, r.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.cookieSecure,
        expires: r.expiresAt,
      });
      return { user: await me(r.actor) };
    },
  });

  app.post('/api/auth/logout', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '退出登录', response: { 204: Type.Null(), ...problemResponses } },
    handler: async (req, reply) => {
      await deps.auth.logout(req.sessionTokenHash!, auditContext(req));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  });

  app.get('/api/auth/me', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '当前用户', response: { 200: Type.Object({ user: MeSchema }), ...problemResponses } },
    handler: async (req) => {
      if (!req.actor) throw new AppError('auth.required');
      return { user: await me(req.actor) };
    },
  });

  app.post('/api/auth/password', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: '修改密码',
      body: Type.Object(
        { currentPassword: Type.String({ minLength: 1, maxLength: 128 }), newPassword: Type.String({ minLength: 1, maxLength: 128 }) },
        { additionalProperties: false },
      ),
      response: { 204: Type.Null(), ...problemResponses },
    },
    handler: async (req, reply) => {
      await deps.auth.changePassword(req.actor!, req.sessionTokenHash!, req.body.currentPassword, req.body.newPassword, auditContext(req));
      return reply.status(204).send(null);
    },
  });
}
