import { auditContext, type App } from '../../platform/http/app.js';
import { problemResponses } from '../../platform/http/contracts.js';
import type { OrgService } from './service.js';
import type { CoverageService } from './coverage.js';
import type { LedgerService } from './ledgers.js';
import { attachment } from './csv.js';
import {
  CoverageListQuery,
  CoverageQuery,
  CreateOrgBody,
  CreateSiteBody,
  IdParams,
  LedgerExportQuery,
  LedgerParams,
  LedgerQuery,
  LedgerResponse,
  OrgDetailSchema,
  OrgListQuery,
  OrgSchema,
  Page,
  SiteListQuery,
  SiteSchema,
  UpdateOrgBody,
  UpdateSiteBody,
  CoverageResponse,
} from './contracts.js';

/** Thin routes: parse, call the service, shape the reply. */
export function registerOrgRoutes(app: App, s: { orgs: OrgService; coverage: CoverageService; ledgers: LedgerService }): void {
  const { orgs, coverage, ledgers } = s;
  const tags = ['orgs'];

  app.get('/api/orgs', {
    config: { access: 'org.read' },
    schema: { tags, summary: '企业和社会组织列表（限管辖范围）', querystring: OrgListQuery, response: { 200: Page(OrgSchema), ...problemResponses } },
    handler: (req) => orgs.list(req.actor, req.query),
  });

  app.get('/api/orgs/:id', {
    config: { access: 'org.read' },
    schema: { tags, summary: '组织详情（含字段来源）', params: IdParams, response: { 200: OrgDetailSchema, ...problemResponses } },
    handler: (req) => orgs.get(req.actor, req.params.id),
  });

  app.post('/api/orgs', {
    config: { access: 'org.write', idempotent: true },
    schema: { tags, summary: '登记企业或社会组织（类型由信用代码推定）', body: CreateOrgBody, response: { 201: OrgDetailSchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(201).send(await orgs.create(req.actor, req.body, auditContext(req))),
  });

  app.patch('/api/orgs/:id', {
    config: { access: 'org.write' },
    schema: { tags, summary: '修改组织信息', params: IdParams, body: UpdateOrgBody, response: { 200: OrgDetailSchema, ...problemResponses } },
    handler: (req) => orgs.update(req.actor, req.params.id, req.body, auditContext(req)),
  });

  app.get('/api/sites', {
    config: { access: 'org.read' },
    schema: { tags, summary: '园区、商务楼宇（含入驻组织数与覆盖）', querystring: SiteListQuery, response: { 200: Page(SiteSchema), ...problemResponses } },
    handler: (req) => orgs.listSites(req.actor, req.query),
  });

  app.get('/api/sites/:id', {
    config: { access: 'org.read' },
    schema: { tags, summary: '园区或楼宇详情', params: IdParams, response: { 200: SiteSchema, ...problemResponses } },
    handler: (req) => orgs.getSite(req.actor, req.params.id),
  });

  app.post('/api/sites', {
    config: { access: 'org.write', idempotent: true },
    schema: { tags, summary: '新增园区或商务楼宇', body: CreateSiteBody, response: { 201: SiteSchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(201).send(await orgs.createSite(req.actor, req.body, auditContext(req))),
  });

  app.patch('/api/sites/:id', {
    config: { access: 'org.write' },
    schema: { tags, summary: '修改园区或楼宇', params: IdParams, body: UpdateSiteBody, response: { 200: SiteSchema, ...problemResponses } },
    handler: (req) => orgs.updateSite(req.actor, req.params.id, req.body, auditContext(req)),
  });

  app.get('/api/coverage', {
    config: { access: 'coverage.read' },
    schema: { tags: ['coverage'], summary: '两个覆盖：按下级区划或行业统计', querystring: CoverageQuery, response: { 200: CoverageResponse, ...problemResponses } },
    handler: (req) => coverage.coverage(req.actor, req.query),
  });

  app.get('/api/coverage/list', {
    config: { access: 'coverage.read' },
    schema: { tags: ['coverage'], summary: '覆盖统计数字背后的组织清单', querystring: CoverageListQuery, response: { 200: Page(OrgSchema), ...problemResponses } },
    handler: (req) => coverage.list(req.actor, req.query),
  });

  app.get('/api/ledgers/:kind', {
    config: { access: 'org.read' },
    schema: { tags: ['ledgers'], summary: '四类台账', params: LedgerParams, querystring: LedgerQuery, response: { 200: LedgerResponse, ...problemResponses } },
    handler: (req) => ledgers.list(req.actor, req.params.kind, req.query),
  });

  app.get('/api/ledgers/:kind/export', {
    config: { access: 'org.read' },
    schema: { tags: ['ledgers'], summary: '导出台账 CSV（UTF-8 BOM，Excel 可直接打开；记入审计）', params: LedgerParams, querystring: LedgerExportQuery },
    handler: async (req, reply) => {
      const { format: _f, ...filters } = req.query;
      const { fileName, body } = await ledgers.exportCsv(req.actor, req.params.kind, filters, auditContext(req));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment(fileName, `${req.params.kind}.csv`))
        .send(body);
    },
  });
}
