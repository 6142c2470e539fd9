import { Type } from '@fastify/type-provider-typebox';
import { auditContext, type App } from '../../platform/http/app.js';
import { attachment, contentTypeOf } from '../../platform/export/tabular.js';
import { PlaceCursorQuery, problemResponses } from '../../platform/http/contracts.js';
import { HOUSE_USES, OCCUPANCIES, type HousingService } from './service.js';

const tags = ['housing'];
/** One of these strings, typed as their union (a Union over a mapped array alone types as never). */
const lit = <const T extends readonly string[]>(xs: T) => Type.Unsafe<T[number]>(Type.Union(xs.map((x) => Type.Literal(x))));
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export function registerHousingRoutes(app: App, housing: HousingService): void {
  app.get('/api/houses', {
    config: { access: 'house.read' },
    schema: {
      tags,
      summary: '房屋列表',
      querystring: Type.Object(
        {
          q: Type.Optional(Type.String({ maxLength: 64, description: '地址（部分匹配）' })),
          region: Type.Optional(Type.String({ maxLength: 18 })),
          buildingId: Type.Optional(Type.Integer({ minimum: 1 })),
          occupancy: Type.Optional(lit(OCCUPANCIES)),
          use: Type.Optional(lit(HOUSE_USES)),
          ...PlaceCursorQuery,
        },
        { additionalProperties: false },
      ),
    },
    handler: (req) => housing.list(req.actor, { ...req.query, limit: req.query.limit ?? 50 }),
  });

  app.get('/api/houses/export', {
    config: { access: 'person.export' },
    schema: {
      tags,
      summary: '导出房屋列表（xlsx/csv）',
      querystring: Type.Object(
        {
          q: Type.Optional(Type.String({ maxLength: 64 })),
          region: Type.Optional(Type.String({ maxLength: 18 })),
          buildingId: Type.Optional(Type.Integer({ minimum: 1 })),
          occupancy: Type.Optional(lit(OCCUPANCIES)),
          use: Type.Optional(lit(HOUSE_USES)),
          format: Type.Optional(lit(['csv', 'xlsx'])),
        },
        { additionalProperties: false },
      ),
    },
    handler: async (req, reply) => {
      const { format = 'xlsx', ...q } = req.query;
      const stream = housing.exportList(req.actor, { ...q, format }, auditContext(req));
      return reply.header('content-type', contentTypeOf(format)).header('content-disposition', attachment(`房屋名单.${format}`)).send(stream);
    },
  });

  app.get('/api/houses/:id', {
    config: { access: 'house.read' },
    schema: { tags, summary: '房屋详情', params: IdParams },
    handler: (req) => housing.get(req.actor, req.params.id),
  });

  app.post('/api/houses', {
    config: { access: 'house.write', idempotent: true },
    schema: {
      tags,
      summary: '登记房屋（地址由楼栋、单元、房号生成）',
      body: Type.Object(
        {
          buildingId: Type.Integer({ minimum: 1 }),
          entranceNo: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
          floor: Type.Integer({ minimum: -5, maximum: 200 }),
          room: Type.String({ minLength: 1, maxLength: 16 }),
          areaM2: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100000 })),
          use: Type.Optional(lit(HOUSE_USES)),
          occupancy: Type.Optional(lit(OCCUPANCIES)),
        },
        { additionalProperties: false },
      ),
    },
    handler: async (req, reply) => reply.status(201).send(await housing.create(req.actor, req.body, auditContext(req))),
  });

  app.patch('/api/houses/:id', {
    config: { access: 'house.write' },
    schema: {
      tags,
      summary: '修改房屋面积、用途、居住状态',
      params: IdParams,
      body: Type.Object(
        { areaM2: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 100000 }), Type.Null()])), use: Type.Optional(lit(HOUSE_USES)), occupancy: Type.Optional(lit(OCCUPANCIES)) },
        { additionalProperties: false, minProperties: 1 },
      ),
    },
    handler: (req) => housing.update(req.actor, req.params.id, req.body, auditContext(req)),
  });

  app.get('/api/buildings/:id/layout', {
    config: { access: 'house.read' },
    schema: { tags, summary: '楼栋视图：楼层 × 单元 × 房屋，按五色户卡着色', params: IdParams },
    handler: (req) => housing.buildingLayout(req.actor, req.params.id),
  });
}
