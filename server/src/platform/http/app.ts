import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, toProblem } from '../errors/index.js';
import { pickLocale, type Locale } from '../i18n/locale.js';
import { can, type Action, type Actor } from '../scope/index.js';
import type { AuditContext } from '../audit/index.js';
import { fieldErrorsFromAjv, type AjvLikeError } from './validation.js';

/**
 * Who may call a route. Every /api route must declare one; the server refuses to start otherwise.
 * An action means "signed in and the role allows it"; the service then calls `authorize` with
 * the thing itself to check scope.
 */
export type Access = 'public' | 'authenticated' | Action;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every route with its access rule, for the scope test and docs. */
    routeTable: RouteEntry[];
  }
  interface FastifyRequest {
    actor: Actor | undefined;
    sessionTokenHash: string | undefined;
    locale: Locale;
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  access: Access | undefined;
}

export type App = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

export interface SessionResolver {
  resolveSession(token: string | undefined): Promise<{ actor: Actor; tokenHash: string } | null>;
}

export interface HttpOptions {
  logLevel: string;
  bodyLimitBytes: number;
  webDist: string | null;
  sessionCookie: string;
  sessions: SessionResolver;
  version: string;
  trustProxy?: boolean;
}

/** Paths that are public by construction (the API docs UI serves its own assets). */
const UNGUARDED_PREFIXES = ['/api/docs'];

const PII_PARAMS = /([?&](?:idNumber|phone|q|name)=)[^&]*/gi;

/** The URL with personal search terms replaced, for logs. */
export function redactQuery(url: string): string {
  return url.replace(PII_PARAMS, '$1[redacted]');
}

export function auditContext(req: FastifyRequest): AuditContext {
  return { actor: req.actor ?? null, ip: req.ip ?? null, requestId: String(req.id) };
}

function sendProblem(req: FastifyRequest, reply: FastifyReply, err: AppError) {
  if (err.headers) reply.headers(err.headers);
  return reply
    .status(err.status)
    .type('application/problem+json; charset=utf-8')
    .send(toProblem(err, req.locale ?? 'zh-CN', req.url.split('?')[0], String(req.id)));
}

/** Translate framework errors (validation, body parsing, limits) into our stable error codes. */
function toAppError(error: FastifyError & { validation?: AjvLikeError[]; validationContext?: string }): AppError | null {
  if (error instanceof AppError) return error;
  if (error.validation) return new AppError('request.invalid', { fields: fieldErrorsFromAjv(error.validation, error.validationContext) });
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request.body_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('request.unsupported_media_type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('request.invalid', { detail: { zh: 'Content-Length 与请求体不符', en: 'Content-Length does not match the body' } });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('request.malformed_body');
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) return new AppError('request.malformed_body');
  if (error.statusCode === 413) return new AppError('request.body_too_large');
  if (error.statusCode === 415) return new AppError('request.unsupported_media_type');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new AppError('request.invalid', { detail: error.message });
  return null;
}

export async function createHttpServer(opts: HttpOptions): Promise<App> {
  const app = Fastify({
    logger: {
      level: opts.logLevel,
      redact: ['req.headers.cookie', 'req.headers.authorization'],
      // ID numbers, phones and searched names are personal information: keep them out of logs.
      serializers: {
        req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactQuery(req.url), remoteAddress: req.ip }),
      },
    },
    bodyLimit: opts.bodyLimitBytes,
    trustProxy: opts.trustProxy ?? false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    ajv: {
      // Unknown fields are an error, not silently dropped; report every bad field at once.
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true },
    },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON only: a text/plain body is what a cross-site form can send without a preflight (CSRF).
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('actor', undefined);
  app.decorateRequest('sessionTokenHash', undefined);
  app.decorateRequest('locale', 'zh-CN');

  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const url = route.url;
    for (const m of [route.method].flat()) if (m !== 'HEAD') routeTable.push({ method: m, url, access: route.config?.access });
    if (!url.startsWith('/api') || UNGUARDED_PREFIXES.some((p) => url.startsWith(p))) return;
    if (!route.config?.access) throw new Error(`route ${route.method} ${url} declares no access rule`);
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gridwork 网格通 API',
        version: opts.version,
        description: 'Errors are RFC 9457 application/problem+json with a stable `code`. Sign in with POST /api/auth/login; the session is a cookie.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: opts.sessionCookie } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.addHook('onRequest', async (req) => {
    req.locale = pickLocale(req.headers['accept-language']);
    const url = req.url;
    if (!url.startsWith('/api') || UNGUARDED_PREFIXES.some((p) => url.startsWith(p))) return;
    const access = req.routeOptions.config?.access;
    if (!access) return; // unknown route: the 404 handler answers
    const token = req.cookies[opts.sessionCookie];
    if (token) {
      const s = await opts.sessions.resolveSession(token);
      if (s) {
        req.actor = s.actor;
        req.sessionTokenHash = s.tokenHash;
      }
    }
    if (access === 'public') return;
    if (!req.actor) throw new AppError('auth.required');
    if (access !== 'authenticated' && !can(req.actor, access)) throw new AppError('auth.forbidden', { extra: { action: access } });
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const appErr = toAppError(error);
    if (appErr) {
      if (appErr.status >= 500) req.log.error({ err: error }, 'request failed');
      return sendProblem(req, reply, appErr);
    }
    req.log.error({ err: error }, 'unhandled error');
    return sendProblem(req, reply, new AppError('internal'));
  });

  const webDist = opts.webDist && fs.existsSync(path.join(opts.webDist, 'index.html')) ? opts.webDist : null;
  if (webDist) {
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      index: false,
      setHeaders: (res, filePath) => {
        // Vite puts content hashes in asset names, so they can be cached forever.
        res.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  app.setNotFoundHandler((req, reply) => {
    const pathOnly = req.url.split('?')[0]!;
    const isApi = pathOnly.startsWith('/api') || pathOnly.startsWith('/open311') || pathOnly === '/healthz' || pathOnly === '/readyz';
    if (!isApi && webDist && (req.method === 'GET' || req.method === 'HEAD')) {
      // Serve real files first, then fall back to the single-page app for client routes.
      const rel = path.normalize(decodeURIComponent(pathOnly)).replace(/^([/\\])+/, '');
      const file = path.join(webDist, rel);
      if (rel && file.startsWith(webDist) && fs.existsSync(file) && fs.statSync(file).isFile()) return reply.sendFile(rel);
      const mobile = pathOnly === '/m' || pathOnly.startsWith('/m/');
      const entry = mobile && fs.existsSync(path.join(webDist, 'm', 'index.html')) ? 'm/index.html' : 'index.html';
      return reply.header('cache-control', 'no-cache').sendFile(entry);
    }
    return sendProblem(req, reply, new AppError('request.not_found'));
  });

  return app;
}
