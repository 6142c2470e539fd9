import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import { WEBHOOK_EVENTS } from './events.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

export const EventTypeSchema = Type.Enum(WEBHOOK_EVENTS, { description: 'ticket.created 新工单 / ticket.status_changed 状态变化 / ticket.closed 办结 / ticket.rated 评价' });
const Url = Type.String({ minLength: 8, maxLength: 2048, description: 'http(s) 地址，接收 POST 推送' });
const Events = Type.Array(EventTypeSchema, { minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const DeliveryParams = Type.Object({ id: Type.Integer({ minimum: 1 }), deliveryId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export const CreateEndpointBody = Type.Object(
  {
    url: Url,
    events: Events,
    /** Tickets in this region (and below) are sent; defaults to the caller's whole scope. */
    regionCode: Type.Optional(Type.String({ maxLength: 18 })),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateEndpointBody = Static<typeof CreateEndpointBody>;

export const UpdateEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    regionCode: Type.Optional(Type.String({ maxLength: 18 })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    active: Type.Optional(Type.Boolean()),
    /** Make a new secret (returned once in `secret`); the old one stops working at once. */
    rotateSecret: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateEndpointBody = Static<typeof UpdateEndpointBody>;

export const EndpointSchema = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  description: Nullable(Type.String()),
  events: Type.Array(EventTypeSchema),
  regionCode: Type.String(),
  active: Type.Boolean(),
  secretHint: Type.String({ description: '密钥前几位，用于核对接收方持有的是哪一个' }),
  createdAt: Time,
  updatedAt: Time,
});
export type EndpointDto = Static<typeof EndpointSchema>;

export const EndpointWithSecretSchema = Type.Object({
  ...EndpointSchema.properties,
  secret: Type.Optional(Type.String({ description: '签名密钥：仅在创建或轮换时返回一次，请妥善保存' })),
});

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const DeliveriesQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(DELIVERY_STATUSES)),
    cursor: Type.Optional(Type.String({ pattern: '^\\d{1,15}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const AttemptSchema = Type.Object({
  attempt: Type.Integer(),
  at: Time,
  statusCode: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  durationMs: Type.Integer(),
});

export const DeliverySchema = Type.Object({
  id: Type.Integer(),
  eventId: Type.String(),
  eventType: Type.String(),
  ticketId: Nullable(Type.Integer()),
  status: Type.Enum(DELIVERY_STATUSES),
  attempts: Type.Integer({ description: '本轮已尝试次数（手动重推后从 0 开始）' }),
  nextAttemptAt: Nullable(Time),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  deliveredAt: Nullable(Time),
  createdAt: Time,
  log: Type.Array(AttemptSchema),
});
export type DeliveryDto = Static<typeof DeliverySchema>;
