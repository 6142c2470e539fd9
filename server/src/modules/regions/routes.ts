import { Type } from '@fastify/type-provider-typebox';
import { auditContext, type App } from '../../platform/http/app.js';
import { problemResponses } from '../../platform/http/contracts.js';
import type { RegionService } from './service.js';
import {
  BuildingSchema,
  BuildingsQuery,
  CodeParams,
  CreateBuildingBody,
  CreateRegionBody,
  GeoJsonQuery,
  GridsAroundQuery,
  LocateQuery,
  LocateResponse,
  RegionSchema,
  SearchQuery,
  UpdateRegionBody,
} from './contracts.js';

const tags = ['regions'];

/** Thin routes: parse, call the service, shape the reply. */
export function registerRegionRoutes(app: App, regions: RegionService): void {
  app.get('/api/regions/search', {
    config: { access: 'region.read' },
    schema: { tags, summary: '按名称或代码搜索区划（限管辖范围）', querystring: SearchQuery, response: { 200: Type.Array(RegionSchema), ...problemResponses } },
    handler: (req) => regions.search(req.actor, req.query.q, req.query.limit ?? 20),
  });

  app.get('/api/regions/:code', {
    config: { access: 'region.read' },
    schema: { tags, summary: '区划/网格详情', params: CodeParams, response: { 200: RegionSchema, ...problemResponses } },
    handler: (req) => regions.get(req.actor, req.params.code),
  });

  app.get('/api/regions/:code/children', {
    config: { access: 'region.read' },
    schema: { tags, summary: '下级区划/网格', params: CodeParams, response: { 200: Type.Array(RegionSchema), ...problemResponses } },
    handler: (req) => regions.children(req.actor, req.params.code),
  });

  app.get('/api/regions/:code/grids.geojson', {
    config: { access: 'region.read' },
    schema: { tags, summary: '下辖网格边界 (GeoJSON FeatureCollection)', params: CodeParams, querystring: GeoJsonQuery },
    handler: async (req, reply) => {
      const fc = await regions.geojson(req.actor, req.params.code, req.query.level ?? 'grid', req.query.crs ?? 'wgs84');
      return reply.type('application/geo+json; charset=utf-8').send(fc);
    },
  });

  app.get('/api/regions/:code/buildings', {
    config: { access: 'building.read' },
    schema: {
      tags,
      summary: '下辖楼栋',
      params: CodeParams,
      querystring: BuildingsQuery,
      response: { 200: Type.Object({ items: Type.Array(BuildingSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses },
    },
    handler: (req) => regions.buildings(req.actor, req.params.code, Number(req.query.cursor ?? 0), req.query.limit ?? 50),
  });

  app.get('/api/regions/:code/buildings.geojson', {
    config: { access: 'building.read' },
    schema: { tags, summary: '下辖楼栋点位 (GeoJSON)', params: CodeParams, querystring: Type.Object({ crs: GeoJsonQuery.properties.crs }, { additionalProperties: false }) },
    handler: async (req, reply) => {
      const fc = await regions.buildingsGeojson(req.actor, req.params.code, req.query.crs ?? 'wgs84');
      return reply.type('application/geo+json; charset=utf-8').send(fc);
    },
  });

  app.post('/api/regions', {
    config: { access: 'region.write', idempotent: true },
    schema: { tags, summary: '新增网格或微网格（自动编码）', body: CreateRegionBody, response: { 201: RegionSchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(201).send(await regions.createCell(req.actor, req.body, auditContext(req))),
  });

  app.patch('/api/regions/:code', {
    config: { access: 'region.write' },
    schema: { tags, summary: '修改名称或网格边界', params: CodeParams, body: UpdateRegionBody, response: { 200: RegionSchema, ...problemResponses } },
    handler: (req) => regions.update(req.actor, req.params.code, req.body, auditContext(req)),
  });

  app.post('/api/buildings', {
    config: { access: 'building.write', idempotent: true },
    schema: { tags, summary: '新增楼栋', body: CreateBuildingBody, response: { 201: BuildingSchema, ...problemResponses } },
    handler: async (req, reply) => reply.status(201).send(await regions.createBuilding(req.actor, req.body, auditContext(req))),
  });

  app.get('/api/geo/grids.geojson', {
    config: { access: 'geo.locate' },
    schema: { tags: ['geo'], summary: '视野内的网格边界 (GeoJSON)：无底图时居民上报定位用', querystring: GridsAroundQuery },
    handler: async (req, reply) => {
      const bbox = req.query.bbox.split(',').map(Number) as [number, number, number, number];
      const fc = await regions.gridsAround(req.actor, bbox, req.query.crs ?? 'wgs84');
      return reply.type('application/geo+json; charset=utf-8').send(fc);
    },
  });

  app.get('/api/geo/locate', {
    config: { access: 'geo.locate' },
    schema: { tags: ['geo'], summary: '坐标落格：点 → 网格/社区/街道/区县', querystring: LocateQuery, response: { 200: LocateResponse, ...problemResponses } },
    handler: (req) => regions.locate(req.actor, req.query.lng, req.query.lat),
  });
}
