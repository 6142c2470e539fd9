import { Type } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { auditContext, type App } from '../../platform/http/app.js';
import { problemResponses } from '../../platform/http/contracts.js';
import { AppError, ERRORS, localize } from '../../platform/errors/index.js';
import type { Locale } from '../../platform/i18n/locale.js';
import type { Open311Service } from './service.js';
import { ApiKeySchema, CreateApiKeyBody, CreatedApiKeySchema, KeyIdParams } from './contracts.js';
import { MalformedForm, parseForm, type FormPairs } from './form.js';
import { discoveryXml, errorsXml, serviceDefinitionXml, serviceRequestsXml, servicesXml, xmlDocument, type XmlElement } from './xml.js';

/** The plugin covers all of /open311, so unknown paths there get Open311 errors too; the API is under /v2. */
const ROOT = '/open311';
const V2 = '/v2';
type Format = 'json' | 'xml';
export interface Open311ErrorItem {
  code: number;
  description: string;
}

/** The format a response is written in: the path's suffix; XML (the specification's required format) otherwise. */
function formatOfUrl(url: string): Format {
  return url.split('?')[0]!.endsWith('.json') ? 'json' : 'xml';
}

function requireFormat(format: string): Format {
  if (format === 'json' || format === 'xml') return format;
  throw new AppError('request.not_found', { detail: { zh: `不支持的格式 .${format}，请用 .json 或 .xml`, en: `unsupported format .${format}; use .json or .xml` } });
}

function send(reply: FastifyReply, format: Format, status: number, json: unknown, xml: () => XmlElement) {
  reply.status(status);
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(xmlDocument(xml()));
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(json));
}

/** Any error as the specification's error list: [{code, description}] with the HTTP status as code. */
export function toOpen311Errors(error: unknown, locale: Locale): { status: number; errors: Open311ErrorItem[] } {
  if (error instanceof AppError) {
    const status = error.status === 401 ? 403 : error.status;
    const title = localize(ERRORS[error.code], locale);
    const descriptions = error.fields?.length
      ? error.fields.map((f) => `${f.field}: ${localize(f.message, locale)}`)
      : [error.detail ? `${title}${locale === 'en' ? ': ' : '：'}${localize(error.detail, locale)}` : title];
    return { status, errors: descriptions.map((description) => ({ code: status, description })) };
  }
  const e = error as FastifyError;
  const text = (zh: string, en: string) => (locale === 'en' ? en : zh);
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.statusCode === 415) {
    return { status: 400, errors: [{ code: 400, description: text('请求体须为 application/x-www-form-urlencoded', 'the body must be application/x-www-form-urlencoded') }] };
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) return { status: 413, errors: [{ code: 413, description: localize(ERRORS['request.body_too_large'], locale) }] };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return { status: 400, errors: [{ code: 400, description: e.message || localize(ERRORS['request.invalid'], locale) }] };
  return { status: 500, errors: [{ code: 500, description: localize(ERRORS.internal, locale) }] };
}

/** Query parameters as single strings (a repeated parameter joins with commas, as lists are written). */
function query(req: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.map(String).join(',');
  }
  return out;
}

const tags = ['open311'];
const FORMAT_NOTE = '格式由后缀决定：.json 或 .xml';

/**
 * Open311 GeoReport v2 at /open311/v2 (public, answered in the specification's formats and
 * errors), and the administrators' key management under /api/open311/keys.
 */
export function registerOpen311Routes(app: App, open311: Open311Service): void {
  app.get('/api/open311/keys', {
    config: { access: 'apikey.write' },
    schema: { tags, summary: 'Open311 接入密钥列表（管辖范围内）', response: { 200: Type.Array(ApiKeySchema), ...problemResponses } },
    handler: (req) => open311.listKeys(req.actor),
  });

  app.post('/api/open311/keys', {
    config: { access: 'apikey.write' },
    schema: { tags, summary: '为外部系统签发 Open311 接入密钥（密钥只显示这一次）', body: CreateApiKeyBody, response: { 201: CreatedApiKeySchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(201).send(await open311.createKey(req.actor, req.body, auditContext(req))),
  });

  app.post('/api/open311/keys/:id/revoke', {
    config: { access: 'apikey.write' },
    schema: { tags, summary: '吊销 Open311 接入密钥（立即失效）', params: KeyIdParams, response: { 200: ApiKeySchema, ...problemResponses } },
    handler: (req) => open311.revokeKey(req.actor, req.params.id, auditContext(req)),
  });

  app.register(
    async (scope: App) => {
      // Form posts here only: the rest of the server stays JSON-only (a CSRF measure). No JSON either.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_req, body, done) => {
        try {
          done(null, parseForm(body as Buffer));
        } catch (e) {
          if (!(e instanceof MalformedForm)) return done(e as Error, undefined);
          done(new AppError('request.malformed_body', { detail: { zh: `不是合法的 application/x-www-form-urlencoded 请求体（${e.message}）`, en: `not a valid application/x-www-form-urlencoded body (${e.message})` } }), undefined);
        }
      });

      scope.setErrorHandler((error, req, reply) => {
        const { status, errors } = toOpen311Errors(error, req.locale);
        if (status >= 500) req.log.error({ err: error }, 'open311 request failed');
        return send(reply, formatOfUrl(req.url), status, errors, () => errorsXml(errors));
      });

      scope.setNotFoundHandler((req, reply) => {
        const errors = [{ code: 404, description: localize(ERRORS['request.not_found'], req.locale) }];
        return send(reply, formatOfUrl(req.url), 404, errors, () => errorsXml(errors));
      });

      const get = (url: string, summary: string, handler: (req: FastifyRequest<{ Params: Record<string, string> }>, reply: FastifyReply) => Promise<unknown>) =>
        scope.get(url, { config: { access: 'public' }, schema: { tags, summary: `${summary}（${FORMAT_NOTE}）` }, handler });

      // Discovery at the endpoint and, as Service Discovery suggests, one level up.
      for (const url of [`${V2}/discovery.:format`, '/discovery.:format']) {
        get(url, '服务发现（Open311 Service Discovery）', async (req, reply) => {
          const format = requireFormat(req.params.format!);
          const d = open311.discovery(`${req.protocol}://${req.host}${ROOT}${V2}`, req.locale);
          return send(reply, format, 200, d, () => discoveryXml(d));
        });
      }

      get(`${V2}/services.:format`, '服务列表：问题分类目录的末级分类', async (req, reply) => {
        const format = requireFormat(req.params.format!);
        const list = await open311.services(req.locale);
        return send(reply, format, 200, list, () => servicesXml(list));
      });

      get(`${V2}/services/:service_code.:format`, '服务定义：需补充填写的属性', async (req, reply) => {
        const format = requireFormat(req.params.format!);
        const d = await open311.definition(req.params.service_code!);
        return send(reply, format, 200, d, () => serviceDefinitionXml(d));
      });

      scope.post(`${V2}/requests.:format`, {
        config: { access: 'public' },
        schema: { tags, summary: `提交服务请求（application/x-www-form-urlencoded，须 api_key；${FORMAT_NOTE}）`, consumes: ['application/x-www-form-urlencoded'] },
        handler: async (req: FastifyRequest<{ Params: Record<string, string> }>, reply) => {
          const format = requireFormat(req.params.format!);
          const created = [await open311.submit((req.body as FormPairs | undefined) ?? [], query(req).api_key, auditContext(req), req.locale)];
          return send(reply, format, 201, created, () => serviceRequestsXml(created));
        },
      });

      get(`${V2}/requests.:format`, '服务请求列表（经 Open311 提交的；默认近 90 天，最多 1000 条）', async (req, reply) => {
        const format = requireFormat(req.params.format!);
        const list = await open311.requests(query(req), req.locale);
        return send(reply, format, 200, list, () => serviceRequestsXml(list));
      });

      get(`${V2}/requests/:service_request_id.:format`, '单个服务请求', async (req, reply) => {
        const format = requireFormat(req.params.format!);
        const list = await open311.request(req.params.service_request_id!, query(req).api_key, req.locale);
        return send(reply, format, 200, list, () => serviceRequestsXml(list));
      });

      get(`${V2}/tokens/:token.:format`, '由 token 查服务请求编号', async (req, reply) => {
        const format = requireFormat(req.params.format!);
        const list = await open311.token(req.params.token!, query(req).api_key);
        return send(reply, format, 200, list, () => serviceRequestsXml(list));
      });
    },
    { prefix: ROOT },
  );
}
