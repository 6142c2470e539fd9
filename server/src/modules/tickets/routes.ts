import { Type } from '@fastify/type-provider-typebox';
import { auditContext, type App } from '../../platform/http/app.js';
import { problemResponses } from '../../platform/http/contracts.js';
import type { TicketService } from './service.js';
import type { TicketMetrics } from './metrics.js';
import type { TicketCatalogue } from './catalogue.js';
import {
  ActionBody,
  ActionParams,
  CalendarQuery,
  CalendarSchema,
  CategorySchema,
  CodeParams,
  CreateDispatchRuleBody,
  CreateTicketBody,
  CreatedTicketSchema,
  DayParams,
  DispatchRuleSchema,
  DuplicateQuery,
  DuplicateSchema,
  IdParams,
  InboxSchema,
  MetricsQuery,
  MetricsSchema,
  OverrideBody,
  ReadNoticesBody,
  TargetOptionSchema,
  TicketDetailSchema,
  TicketListQuery,
  TicketSchema,
  UpdateCategoryBody,
} from './contracts.js';

const tags = ['tickets'];

/** Thin routes: parse, call the service, shape the reply. */
export function registerTicketRoutes(app: App, s: { tickets: TicketService; metrics: TicketMetrics; catalogue: TicketCatalogue }): void {
  const { tickets, metrics, catalogue } = s;

  app.post('/api/tickets', {
    config: { access: 'ticket.report', idempotent: true },
    schema: { tags, summary: '上报问题（居民、网格员、工作人员代录）；返回疑似重复工单', body: CreateTicketBody, response: { 201: CreatedTicketSchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(201).send(await tickets.create(req.actor, req.body, auditContext(req))),
  });

  app.get('/api/tickets', {
    config: { access: 'ticket.read' },
    schema: { tags, summary: '工单列表：全部（管辖范围）/ 我的待办 / 我上报的', querystring: TicketListQuery, response: { 200: Type.Object({ items: Type.Array(TicketSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses } },
    handler: (req) => tickets.list(req.actor, req.query),
  });

  app.get('/api/tickets/inbox', {
    config: { access: 'ticket.read' },
    schema: { tags, summary: '待办与提醒：新派单、临期、超期、督办', response: { 200: InboxSchema, ...problemResponses } },
    handler: (req) => tickets.inbox(req.actor),
  });

  app.post('/api/tickets/inbox/read', {
    config: { access: 'ticket.read' },
    schema: { tags, summary: '标记提醒已读', body: ReadNoticesBody, response: { 200: Type.Object({ updated: Type.Integer() }), ...problemResponses } },
    handler: (req) => tickets.markRead(req.actor, req.body.ids),
  });

  app.get('/api/tickets/duplicates', {
    config: { access: 'ticket.report' },
    schema: { tags, summary: '上报前查疑似重复：同类问题、附近、近期', querystring: DuplicateQuery, response: { 200: Type.Array(DuplicateSchema), ...problemResponses } },
    handler: (req) => tickets.duplicatesNear(req.actor, req.query),
  });

  app.get('/api/tickets/metrics', {
    config: { access: 'ticket.metrics' },
    schema: { tags, summary: '响应率、按期办结率、解决率、满意率、网格/社区内办结占比，按区划、单位或分类排名', querystring: MetricsQuery, response: { 200: MetricsSchema, ...problemResponses } },
    handler: (req) => metrics.report(req.actor, req.query),
  });

  app.get('/api/tickets/:id', {
    config: { access: 'ticket.read' },
    schema: { tags, summary: '工单详情（含流转记录、疑似重复）', params: IdParams, response: { 200: TicketDetailSchema, ...problemResponses } },
    handler: (req) => tickets.get(req.actor, req.params.id),
  });

  app.get('/api/tickets/:id/targets', {
    config: { access: 'ticket.work' },
    schema: { tags, summary: '可派往的处置单位（派单目录推荐在前）', params: IdParams, response: { 200: Type.Array(TargetOptionSchema), ...problemResponses } },
    handler: (req) => tickets.targets(req.actor, req.params.id),
  });

  app.post('/api/tickets/:id/actions/:action', {
    config: { access: 'ticket.work' },
    schema: { tags, summary: '流转：受理、派单、响应、办结、核查、评价、退单、改派、延期、并单、提级、督办…', params: ActionParams, body: ActionBody, response: { 200: TicketDetailSchema, ...problemResponses } },
    handler: (req) => tickets.act(req.actor, req.params.id, req.params.action, req.body, auditContext(req)),
  });

  // ---- catalogue ------------------------------------------------------------------------------

  app.get('/api/ticket-categories', {
    config: { access: 'authenticated' },
    schema: { tags, summary: '问题分类目录（含时限）', response: { 200: Type.Array(CategorySchema), ...problemResponses } },
    handler: () => catalogue.categories(),
  });

  app.patch('/api/ticket-categories/:code', {
    config: { access: 'catalogue.write' },
    schema: { tags, summary: '修改分类的时限、默认层级或承办部门', params: CodeParams, body: UpdateCategoryBody, response: { 200: CategorySchema, ...problemResponses } },
    handler: (req) => catalogue.updateCategory(req.actor, req.params.code, req.body, auditContext(req)),
  });

  app.get('/api/dispatch-rules', {
    config: { access: 'ticket.read' },
    schema: { tags, summary: '派单目录：分类 × 区域 → 处置单位', response: { 200: Type.Array(DispatchRuleSchema), ...problemResponses } },
    handler: (req) => catalogue.rules(req.actor),
  });

  app.post('/api/dispatch-rules', {
    config: { access: 'dispatch.write', idempotent: true },
    schema: { tags, summary: '新增或替换派单规则', body: CreateDispatchRuleBody, response: { 201: DispatchRuleSchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(201).send(await catalogue.putRule(req.actor, req.body, auditContext(req))),
  });

  app.delete('/api/dispatch-rules/:id', {
    config: { access: 'dispatch.write' },
    schema: { tags, summary: '删除派单规则', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
    handler: async (req, reply) => {
      await catalogue.deleteRule(req.actor, req.params.id, auditContext(req));
      return reply.status(204).send(null);
    },
  });

  // ---- working-day calendar -------------------------------------------------------------------

  app.get('/api/calendar', {
    config: { access: 'authenticated' },
    schema: { tags: ['calendar'], summary: '工作日历：法定节假日、调休上班日与本市调整', querystring: CalendarQuery, response: { 200: CalendarSchema, ...problemResponses } },
    handler: (req) => catalogue.calendarYear(req.query.year),
  });

  app.put('/api/calendar/overrides/:day', {
    config: { access: 'calendar.write' },
    schema: { tags: ['calendar'], summary: '设置本市某天上班或休息', params: DayParams, body: OverrideBody, response: { 200: CalendarSchema, ...problemResponses } },
    handler: (req) => catalogue.setOverride(req.actor, req.params.day, req.body, auditContext(req)),
  });

  app.delete('/api/calendar/overrides/:day', {
    config: { access: 'calendar.write' },
    schema: { tags: ['calendar'], summary: '取消本市对某天的调整', params: DayParams, response: { 200: CalendarSchema, ...problemResponses } },
    handler: (req) => catalogue.clearOverride(req.actor, req.params.day, auditContext(req)),
  });
}
