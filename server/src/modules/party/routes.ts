import { Type } from '@fastify/type-provider-typebox';
import { auditContext, type App } from '../../platform/http/app.js';
import { problemResponses } from '../../platform/http/contracts.js';
import { Page } from '../orgs/contracts.js';
import type { PartyService } from './service.js';
import {
  CreateMemberBody,
  CreatePartyOrgBody,
  IdParams,
  MemberListQuery,
  PartyMemberSchema,
  PartyOrgDetailSchema,
  PartyOrgListQuery,
  PartyOrgSchema,
  UpdateMemberBody,
  UpdatePartyOrgBody,
} from './contracts.js';

const tags = ['party'];

/** Thin routes: parse, call the service, shape the reply. */
export function registerPartyRoutes(app: App, party: PartyService): void {
  app.get('/api/party/orgs', {
    config: { access: 'party.read' },
    schema: { tags, summary: '党组织树：下级（按需加载）或管辖范围内的顶层', querystring: PartyOrgListQuery, response: { 200: Type.Array(PartyOrgSchema), ...problemResponses } },
    handler: (req) => party.listOrgs(req.actor, req.query),
  });

  app.get('/api/party/orgs/:id', {
    config: { access: 'party.read' },
    schema: { tags, summary: '党组织详情（含党员数、在职党员数）', params: IdParams, response: { 200: PartyOrgDetailSchema, ...problemResponses } },
    handler: (req) => party.getOrg(req.actor, req.params.id),
  });

  app.post('/api/party/orgs', {
    config: { access: 'party.write', idempotent: true },
    schema: { tags, summary: '新建党组织（挂靠区划或组织）', body: CreatePartyOrgBody, response: { 201: PartyOrgDetailSchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(201).send(await party.createOrg(req.actor, req.body, auditContext(req))),
  });

  app.patch('/api/party/orgs/:id', {
    config: { access: 'party.write' },
    schema: { tags, summary: '改名、书记、成立日期或调整上级', params: IdParams, body: UpdatePartyOrgBody, response: { 200: PartyOrgDetailSchema, ...problemResponses } },
    handler: (req) => party.updateOrg(req.actor, req.params.id, req.body, auditContext(req)),
  });

  app.get('/api/party/members', {
    config: { access: 'party.read' },
    schema: { tags, summary: '党员列表（含到本社区报到的在职党员）', querystring: MemberListQuery, response: { 200: Page(PartyMemberSchema), ...problemResponses } },
    handler: (req) => party.listMembers(req.actor, req.query),
  });

  app.post('/api/party/members', {
    config: { access: 'party.write', idempotent: true },
    schema: { tags, summary: '登记党员', body: CreateMemberBody, response: { 201: PartyMemberSchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(201).send(await party.createMember(req.actor, req.body, auditContext(req))),
  });

  app.patch('/api/party/members/:id', {
    config: { access: 'party.write' },
    schema: { tags, summary: '修改党员信息、组织关系转接、双报到', params: IdParams, body: UpdateMemberBody, response: { 200: PartyMemberSchema, ...problemResponses } },
    handler: (req) => party.updateMember(req.actor, req.params.id, req.body, auditContext(req)),
  });
}
