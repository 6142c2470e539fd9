import { Type } from '@fastify/type-provider-typebox';
import { auditContext, type App } from '../../platform/http/app.js';
import { problemResponses } from '../../platform/http/contracts.js';
import type { WebhookService } from './service.js';
import { CreateEndpointBody, DeliveriesQuery, DeliveryParams, DeliverySchema, EndpointSchema, EndpointWithSecretSchema, IdParams, UpdateEndpointBody } from './contracts.js';

const tags = ['webhooks'];

export function registerWebhookRoutes(app: App, webhooks: WebhookService): void {
  app.get('/api/webhooks', {
    config: { access: 'webhook.write' },
    schema: { tags, summary: '推送地址列表（管辖范围内）', response: { 200: Type.Array(EndpointSchema), ...problemResponses } },
    handler: (req) => webhooks.list(req.actor),
  });

  app.post('/api/webhooks', {
    config: { access: 'webhook.write', idempotent: true },
    schema: {
      tags,
      summary: '登记推送地址；返回的 secret 只显示这一次',
      description: '工单事件以 POST 推送到 url，带 Gridwork-Signature（t=<秒>,v1=<HMAC-SHA256>）与 Gridwork-Event-Id 头。验签方法见 docs/integrations.md。',
      body: CreateEndpointBody,
      response: { 201: EndpointWithSecretSchema, ...problemResponses },
    },
    handler: async (req, reply) => reply.status(201).send(await webhooks.create(req.actor, req.body, auditContext(req))),
  });

  app.patch('/api/webhooks/:id', {
    config: { access: 'webhook.write' },
    schema: { tags, summary: '修改推送地址、事件、范围、启停；rotateSecret 生成新密钥（只显示一次）', params: IdParams, body: UpdateEndpointBody, response: { 200: EndpointWithSecretSchema, ...problemResponses } },
    handler: (req) => webhooks.update(req.actor, req.params.id, req.body, auditContext(req)),
  });

  app.delete('/api/webhooks/:id', {
    config: { access: 'webhook.write' },
    schema: { tags, summary: '删除推送地址（连同待推送与推送记录）', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
    handler: async (req, reply) => {
      await webhooks.remove(req.actor, req.params.id, auditContext(req));
      return reply.status(204).send(null);
    },
  });

  app.get('/api/webhooks/:id/deliveries', {
    config: { access: 'webhook.write' },
    schema: { tags, summary: '推送记录：每个事件的状态与每次尝试（状态码、错误、耗时），新的在前', params: IdParams, querystring: DeliveriesQuery, response: { 200: Type.Object({ items: Type.Array(DeliverySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses } },
    handler: (req) => webhooks.deliveries(req.actor, req.params.id, req.query),
  });

  app.post('/api/webhooks/:id/deliveries/:deliveryId/redeliver', {
    config: { access: 'webhook.write' },
    schema: { tags, summary: '立即重新推送（事件编号与内容不变，重新计算签名）', params: DeliveryParams, response: { 202: DeliverySchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(202).send(await webhooks.redeliver(req.actor, req.params.id, req.params.deliveryId, auditContext(req))),
  });
}
