import { Type } from '@fastify/type-provider-typebox';
import { PlaceCursorQuery } from '../../platform/http/contracts.js';
import { POLITICAL_STATUSES, RELATIONS } from './service.js';

/** One of these strings, typed as their union (a Union over a mapped array alone types as never). */
const lit = <const T extends readonly string[]>(xs: T) => Type.Unsafe<T[number]>(Type.Union(xs.map((x) => Type.Literal(x))));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const DateStr = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const PersonSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  sex: Type.String(),
  birthDate: Type.String(),
  age: Type.Integer(),
  idNumber: Type.String({ description: 'masked, e.g. 150302********123X' }),
  phone: Type.Union([Type.String(), Type.Null()]),
  ethnicity: Type.Union([Type.String(), Type.Null()]),
  politicalStatus: Type.String(),
  status: Type.String(),
  tags: Type.Array(Type.String()),
  regionCode: Type.String(),
  houseId: Type.Union([Type.Integer(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  registeredAddress: Type.Union([Type.String(), Type.Null()]),
  householdId: Type.Union([Type.Integer(), Type.Null()]),
  relation: Type.Union([Type.String(), Type.Null()]),
  colour: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
});

export const PeopleQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 32, description: '姓名（部分匹配）' })),
    idNumber: Type.Optional(Type.String({ maxLength: 18 })),
    phone: Type.Optional(Type.String({ maxLength: 20 })),
    address: Type.Optional(Type.String({ maxLength: 64 })),
    tags: Type.Optional(Type.String({ maxLength: 256, description: 'comma-separated tag codes; all must match' })),
    colour: Type.Optional(Type.String({ maxLength: 16 })),
    region: Type.Optional(Type.String({ maxLength: 18 })),
    status: Type.Optional(lit(['active', 'moved_out', 'deceased'])),
    ...PlaceCursorQuery,
  },
  { additionalProperties: false },
);

export const ExportQuery = Type.Object(
  {
    ...PeopleQuery.properties,
    format: Type.Optional(lit(['csv', 'xlsx'])),
    unmasked: Type.Optional(Type.Boolean({ description: 'full ID and phone; only for roles that may unmask; audited' })),
  },
  { additionalProperties: false },
);

const PersonFields = {
  name: Type.String({ minLength: 1, maxLength: 64 }),
  idNumber: Type.String({ minLength: 15, maxLength: 18 }),
  sex: Type.Optional(lit(['male', 'female'])),
  birthDate: Type.Optional(DateStr),
  phone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  ethnicity: Type.Optional(Nullable(Type.String({ maxLength: 16 }))),
  politicalStatus: Type.Optional(lit(POLITICAL_STATUSES)),
  registeredAddress: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
  houseId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  regionCode: Type.Optional(Type.String({ maxLength: 18 })),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 32 })),
};

export const CreatePersonBody = Type.Object(PersonFields, { additionalProperties: false });
export const UpdatePersonBody = Type.Object(
  {
    ...Object.fromEntries(Object.entries(PersonFields).map(([k, v]) => [k, Type.Optional(v)])),
    expectedVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'optimistic lock: refuse if someone saved in between' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UnmaskBody = Type.Object(
  { field: lit(['idNumber', 'phone']), reason: Type.String({ minLength: 2, maxLength: 200, description: '查看原因（记入审计）' }) },
  { additionalProperties: false },
);

export const MoveInBody = Type.Object(
  { houseId: Type.Integer({ minimum: 1 }), householdId: Type.Optional(Type.Integer({ minimum: 1 })), relation: Type.Optional(lit(RELATIONS)), occurredOn: DateStr },
  { additionalProperties: false },
);

export const LeaveBody = Type.Object(
  { occurredOn: DateStr, newHeadPersonId: Type.Optional(Type.Integer({ minimum: 1 })), note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const HouseholdsQuery = Type.Object(
  { colour: Type.Optional(Type.String({ maxLength: 16 })), region: Type.Optional(Type.String({ maxLength: 18 })), address: Type.Optional(Type.String({ maxLength: 64 })), ...PlaceCursorQuery },
  { additionalProperties: false },
);

export const HouseholdsExportQuery = Type.Object(
  { colour: Type.Optional(Type.String({ maxLength: 16 })), region: Type.Optional(Type.String({ maxLength: 18 })), address: Type.Optional(Type.String({ maxLength: 64 })), format: Type.Optional(lit(['csv', 'xlsx'])) },
  { additionalProperties: false },
);

export const UpdateHouseholdBody = Type.Object(
  {
    colour: Type.Optional(Nullable(Type.String({ maxLength: 16 }))),
    colourNote: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    headPersonId: Type.Optional(Type.Integer({ minimum: 1 })),
    householdNo: Type.Optional(Nullable(Type.String({ maxLength: 32 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SplitBody = Type.Object(
  { personIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 50 }), newHeadPersonId: Type.Integer({ minimum: 1 }), houseId: Type.Optional(Type.Integer({ minimum: 1 })), occurredOn: DateStr },
  { additionalProperties: false },
);

export const MergeBody = Type.Object({ fromId: Type.Integer({ minimum: 1 }), intoId: Type.Integer({ minimum: 1 }), occurredOn: DateStr }, { additionalProperties: false });

export const TagBody = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,31}$' }),
    name: Type.String({ minLength: 1, maxLength: 32 }),
    category: Type.String({ minLength: 1, maxLength: 32 }),
    mustVisit: Type.Boolean(),
    sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 9999 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ColourBody = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,15}$' }),
    name: Type.String({ minLength: 1, maxLength: 16 }),
    hex: Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }),
    meaning: Type.String({ minLength: 1, maxLength: 200 }),
    sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 9999 })),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
