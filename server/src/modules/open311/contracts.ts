import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

// ---- the administrators' API: /api/open311/keys ------------------------------------------------

export const ApiKeySchema = Type.Object({
  id: Type.Integer(),
  name: Type.String({ description: '使用密钥的外部系统' }),
  keyPrefix: Type.String({ description: '密钥开头几位，用于辨认（不是密钥本身）' }),
  regionCode: Type.String({ description: '密钥可上报的区域' }),
  regionName: Type.String(),
  active: Type.Boolean(),
  createdAt: Time,
  revokedAt: Nullable(Time),
  lastUsedAt: Nullable(Time),
});
export type ApiKeyDto = Static<typeof ApiKeySchema>;

export const CreatedApiKeySchema = Type.Object({
  ...ApiKeySchema.properties,
  key: Type.String({ description: '密钥，仅此一次显示；服务器只保存其 SHA-256' }),
});
export type CreatedApiKeyDto = Static<typeof CreatedApiKeySchema>;

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, description: '外部系统名称，如“海勃湾区便民服务 App”' }),
    regionCode: Type.String({ minLength: 4, maxLength: 18, description: '可上报的区域（市、区、街道、社区或网格代码）' }),
  },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

export const KeyIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

// ---- Open311 GeoReport v2 responses, as JSON Schemas written from the specification ------------
// http://wiki.open311.org/GeoReport_v2 and http://wiki.open311.org/Service_Discovery. The
// contract tests validate every JSON response against these; additional members are refused so
// the tests also catch fields the specification does not have.

export const GEOREPORT_V2 = 'http://wiki.open311.org/GeoReport_v2';
export const DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type Datatype = (typeof DATATYPES)[number];

const strict = { additionalProperties: false };

export const DiscoverySpec = Type.Object(
  {
    changeset: Time,
    contact: Type.String(),
    key_service: Type.String(),
    endpoints: Type.Array(
      Type.Object(
        {
          specification: Type.String({ format: 'uri' }),
          url: Type.String({ format: 'uri' }),
          changeset: Time,
          type: Type.Enum(['production', 'test'] as const),
          formats: Type.Array(Type.Enum(['text/xml', 'application/json'] as const), { minItems: 1 }),
        },
        strict,
      ),
      { minItems: 1 },
    ),
  },
  strict,
);

export const ServiceSpec = Type.Object(
  {
    service_code: Type.String({ minLength: 1 }),
    service_name: Type.String({ minLength: 1 }),
    description: Type.String(),
    metadata: Type.Boolean(),
    type: Type.Enum(['realtime', 'batch', 'blackbox'] as const),
    keywords: Type.String({ description: 'comma separated' }),
    group: Type.String(),
  },
  strict,
);
export const ServicesSpec = Type.Array(ServiceSpec);

export const AttributeSpec = Type.Object(
  {
    variable: Type.Boolean(),
    code: Type.String({ minLength: 1 }),
    datatype: Type.Enum(DATATYPES),
    required: Type.Boolean(),
    datatype_description: Nullable(Type.String()),
    order: Type.Integer(),
    description: Type.String(),
    values: Type.Optional(Type.Array(Type.Object({ key: Type.String(), name: Type.String() }, strict))),
  },
  strict,
);
export const ServiceDefinitionSpec = Type.Object({ service_code: Type.String({ minLength: 1 }), attributes: Type.Array(AttributeSpec) }, strict);

/** POST requests: a service_request_id (synchronous) and/or a token, the notice and the account. */
export const CreatedRequestSpec = Type.Array(
  Type.Object(
    {
      service_request_id: Type.Optional(Type.String({ minLength: 1 })),
      token: Type.Optional(Type.String({ minLength: 1 })),
      service_notice: Nullable(Type.String()),
      account_id: Nullable(Type.String()),
    },
    strict,
  ),
  { minItems: 1, maxItems: 1 },
);

export const TokenSpec = Type.Array(Type.Object({ service_request_id: Nullable(Type.String()), token: Type.String({ minLength: 1 }) }, strict), { minItems: 1 });

export const ServiceRequestSpec = Type.Object(
  {
    service_request_id: Type.String({ minLength: 1 }),
    status: Type.Enum(['open', 'closed'] as const),
    status_notes: Nullable(Type.String()),
    service_name: Type.String(),
    service_code: Type.String(),
    description: Type.String(),
    agency_responsible: Nullable(Type.String()),
    service_notice: Nullable(Type.String()),
    requested_datetime: Time,
    updated_datetime: Nullable(Time),
    expected_datetime: Nullable(Time),
    address: Nullable(Type.String()),
    address_id: Nullable(Type.String()),
    zipcode: Nullable(Type.String()),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    long: Type.Number({ minimum: -180, maximum: 180 }),
    media_url: Nullable(Type.String({ format: 'uri' })),
  },
  strict,
);
export const ServiceRequestsSpec = Type.Array(ServiceRequestSpec, { maxItems: 1000 });

export const ErrorsSpec = Type.Array(Type.Object({ code: Type.Integer({ minimum: 400, maximum: 599 }), description: Type.String({ minLength: 1 }) }, strict), { minItems: 1 });

export type ServiceJson = Static<typeof ServiceSpec>;
export type ServiceDefinitionJson = Static<typeof ServiceDefinitionSpec>;
export type ServiceRequestJson = Static<typeof ServiceRequestSpec>;
export type AttributeJson = Static<typeof AttributeSpec>;
export type DiscoveryJson = Static<typeof DiscoverySpec>;
