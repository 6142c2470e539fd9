import { Type } from '@fastify/type-provider-typebox';
import { auditContext, type App } from '../../platform/http/app.js';
import { problemResponses } from '../../platform/http/contracts.js';
import { localize } from '../../platform/errors/index.js';
import { attachment, contentTypeOf } from '../../platform/export/tabular.js';
import type { PeopleService } from './service.js';
import {
  ColourBody,
  CreatePersonBody,
  ExportQuery,
  HouseholdsExportQuery,
  HouseholdsQuery,
  IdParams,
  LeaveBody,
  MergeBody,
  MoveInBody,
  PeopleQuery,
  PersonSchema,
  SplitBody,
  TagBody,
  UnmaskBody,
  UpdateHouseholdBody,
  UpdatePersonBody,
} from './contracts.js';

const tags = ['people'];
const splitTags = (s?: string) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
const Page = <T extends ReturnType<typeof Type.Object>>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export function registerPeopleRoutes(app: App, people: PeopleService): void {
  app.get('/api/people', {
    config: { access: 'person.read' },
    schema: { tags, summary: '人口查询（姓名/身份证号/手机号/地址/标签/户卡颜色/区划）', querystring: PeopleQuery, response: { 200: Page(PersonSchema), ...problemResponses } },
    handler: (req) => {
      const { tags: t, limit, ...q } = req.query;
      return people.list(req.actor, { ...q, tags: splitTags(t), limit: limit ?? 50 });
    },
  });

  app.get('/api/people/export', {
    config: { access: 'person.export' },
    schema: { tags, summary: '导出人口列表（xlsx/csv，按角色脱敏）', querystring: ExportQuery },
    handler: async (req, reply) => {
      const { tags: t, format = 'xlsx', limit: _l, cursor: _c, ...q } = req.query;
      const stream = people.exportList(req.actor, { ...q, tags: splitTags(t), format, limit: 1000 }, auditContext(req));
      return reply.header('content-type', contentTypeOf(format)).header('content-disposition', attachment(`人口名单.${format}`)).send(stream);
    },
  });

  app.get('/api/people/:id', {
    config: { access: 'person.read' },
    schema: { tags, summary: '人员详情（含户、事件、数据来源）', params: IdParams },
    handler: (req) => people.get(req.actor, req.params.id),
  });

  app.post('/api/people', {
    config: { access: 'person.write', idempotent: true },
    schema: { tags, summary: '登记人员（性别、出生日期由身份证号推出）', body: CreatePersonBody },
    handler: async (req, reply) => {
      const r = await people.create(req.actor, req.body, auditContext(req));
      // Warnings (e.g. a retired county code) in the caller's language.
      return reply.status(201).send({ ...r, warnings: r.warnings.map((w) => ({ field: w.field, rule: w.rule, message: localize(w.message, req.locale) })) });
    },
  });

  app.patch('/api/people/:id', {
    config: { access: 'person.write' },
    schema: { tags, summary: '修改人员信息（保留历史版本）', params: IdParams, body: UpdatePersonBody },
    handler: (req) => people.update(req.actor, req.params.id, req.body, auditContext(req)),
  });

  app.get('/api/people/:id/history', {
    config: { access: 'person.read' },
    schema: { tags, summary: '历史版本', params: IdParams },
    handler: (req) => people.history(req.actor, req.params.id),
  });

  app.post('/api/people/:id/unmask', {
    config: { access: 'person.unmask' },
    schema: { tags, summary: '查看完整身份证号/手机号（须填写原因，记入审计）', params: IdParams, body: UnmaskBody, response: { 200: Type.Object({ value: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses } },
    handler: (req) => people.unmask(req.actor, req.params.id, req.body.field, req.body.reason, auditContext(req)),
  });

  app.post('/api/people/:id/move-in', {
    config: { access: 'person.write' },
    schema: { tags, summary: '迁入：入住房屋，加入或新立户', params: IdParams, body: MoveInBody },
    handler: (req) => people.moveIn(req.actor, req.params.id, req.body, auditContext(req)),
  });

  app.post('/api/people/:id/move-out', {
    config: { access: 'person.write' },
    schema: { tags, summary: '迁出', params: IdParams, body: LeaveBody },
    handler: (req) => people.leave(req.actor, req.params.id, 'move_out', req.body, auditContext(req)),
  });

  app.post('/api/people/:id/death', {
    config: { access: 'person.write' },
    schema: { tags, summary: '死亡登记', params: IdParams, body: LeaveBody },
    handler: (req) => people.leave(req.actor, req.params.id, 'death', req.body, auditContext(req)),
  });

  app.get('/api/households', {
    config: { access: 'person.read' },
    schema: { tags, summary: '户列表（按户卡颜色、区划、地址）', querystring: HouseholdsQuery },
    handler: (req) => people.listHouseholds(req.actor, { ...req.query, limit: req.query.limit ?? 50 }),
  });

  app.get('/api/households/export', {
    config: { access: 'person.export' },
    schema: { tags, summary: '导出户列表（xlsx/csv）', querystring: HouseholdsExportQuery },
    handler: async (req, reply) => {
      const { format = 'xlsx', ...q } = req.query;
      const stream = people.exportHouseholds(req.actor, { ...q, format }, auditContext(req));
      return reply.header('content-type', contentTypeOf(format)).header('content-disposition', attachment(`户名单.${format}`)).send(stream);
    },
  });

  app.get('/api/households/:id', {
    config: { access: 'person.read' },
    schema: { tags, summary: '户详情（成员、事件）', params: IdParams },
    handler: (req) => people.getHousehold(req.actor, req.params.id),
  });

  app.patch('/api/households/:id', {
    config: { access: 'person.write' },
    schema: { tags, summary: '修改户卡颜色、户主、户号', params: IdParams, body: UpdateHouseholdBody },
    handler: (req) => people.updateHousehold(req.actor, req.params.id, req.body, auditContext(req)),
  });

  app.post('/api/households/:id/split', {
    config: { access: 'person.write' },
    schema: { tags, summary: '分户', params: IdParams, body: SplitBody },
    handler: (req) => people.split(req.actor, req.params.id, req.body, auditContext(req)),
  });

  app.post('/api/households/merge', {
    config: { access: 'person.write' },
    schema: { tags, summary: '合户', body: MergeBody },
    handler: (req) => people.merge(req.actor, req.body, auditContext(req)),
  });

  app.get('/api/catalogue', {
    config: { access: 'person.read' },
    schema: { tags: ['catalogue'], summary: '人员标签与五色户卡配置' },
    handler: () => people.catalogue(),
  });

  app.put('/api/catalogue/tags', {
    config: { access: 'catalogue.write' },
    schema: { tags: ['catalogue'], summary: '新增或修改人员标签', body: TagBody },
    handler: (req) => people.saveTag(req.actor, req.body, auditContext(req)),
  });

  app.put('/api/catalogue/colours', {
    config: { access: 'catalogue.write' },
    schema: { tags: ['catalogue'], summary: '新增或修改户卡颜色及含义', body: ColourBody },
    handler: (req) => people.saveColour(req.actor, req.body, auditContext(req)),
  });
}
