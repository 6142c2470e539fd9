import { Type, type Static } from '@fastify/type-provider-typebox';
import { CursorQuery, RegionRef } from '../../platform/http/contracts.js';

export const LevelSchema = Type.Union(
  ['city', 'district', 'street', 'community', 'grid', 'microgrid'].map((l) => Type.Literal(l)),
  { description: '市 / 区县 / 街道乡镇 / 社区村 / 网格 / 微网格' },
);

export const RegionSchema = Type.Object(
  {
    code: Type.String({ description: '12-digit division code; grids 15 digits, micro-grids 18' }),
    name: Type.String(),
    level: Type.String(),
    parentCode: Type.Union([Type.String(), Type.Null()]),
    kind: Type.Union([Type.String(), Type.Null()]),
    childCount: Type.Integer(),
    center: Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()]),
    areaKm2: Type.Union([Type.Number(), Type.Null()]),
    ancestors: Type.Optional(Type.Array(RegionRef)),
  },
  { $id: 'Region' },
);

export const CodeParams = Type.Object({ code: Type.String({ maxLength: 32 }) });

export const GeoJsonQuery = Type.Object(
  {
    level: Type.Optional(Type.Union(['district', 'street', 'community', 'grid', 'microgrid'].map((l) => Type.Literal(l)), { default: 'grid' })),
    crs: Type.Optional(Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')], { default: 'wgs84' })),
  },
  { additionalProperties: false },
);

export const SearchQuery = Type.Object(
  { q: Type.String({ minLength: 1, maxLength: 64 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) },
  { additionalProperties: false },
);

export const BuildingsQuery = Type.Object({ ...CursorQuery }, { additionalProperties: false });

/** GeoJSON geometry is validated in depth by the geo library, which names the bad coordinate. */
const GeometryInput = Type.Object(
  { type: Type.String(), coordinates: Type.Array(Type.Any()) },
  { additionalProperties: false, description: 'GeoJSON Polygon or MultiPolygon, WGS-84 lng/lat' },
);

export const CreateRegionBody = Type.Object(
  {
    parentCode: Type.String({ maxLength: 32 }),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    level: Type.Union([Type.Literal('grid'), Type.Literal('microgrid')]),
    geometry: Type.Optional(GeometryInput),
  },
  { additionalProperties: false },
);
export type CreateRegionBody = Static<typeof CreateRegionBody>;

export const UpdateRegionBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    geometry: Type.Optional(Type.Union([GeometryInput, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const BuildingSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  regionCode: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  floors: Type.Union([Type.Integer(), Type.Null()]),
  entrances: Type.Union([Type.Integer(), Type.Null()]),
  lng: Type.Number(),
  lat: Type.Number(),
});

export const CreateBuildingBody = Type.Object(
  {
    regionCode: Type.String({ maxLength: 32 }),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    address: Type.Optional(Type.String({ maxLength: 256 })),
    floors: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    entrances: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false },
);

export const GridsAroundQuery = Type.Object(
  {
    bbox: Type.String({ pattern: '^-?\\d+(\\.\\d+)?(,-?\\d+(\\.\\d+)?){3}$', description: 'west,south,east,north (WGS-84 degrees, at most 0.05° a side)' }),
    crs: Type.Optional(Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')], { default: 'wgs84' })),
  },
  { additionalProperties: false },
);

export const LocateQuery = Type.Object(
  { lng: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) },
  { additionalProperties: false },
);

const Ref = Type.Object({ code: Type.String(), name: Type.String() });
export const LocateResponse = Type.Object({
  grid: Ref,
  microgrid: Type.Union([Ref, Type.Null()]),
  community: Ref,
  street: Ref,
  district: Ref,
});
