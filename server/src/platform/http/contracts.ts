import { Type } from '@fastify/type-provider-typebox';

/** Shared response schemas. Problems follow RFC 9457 with a stable `code`. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), rule: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, $id: 'Problem' },
);

/** Every route may answer with these problems (see docs/errors.md). */
export const problemResponses = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  413: ProblemSchema,
  415: ProblemSchema,
  429: ProblemSchema,
  500: ProblemSchema,
};

export const CursorQuery = {
  cursor: Type.Optional(Type.String({ pattern: '^\\d{1,15}$', description: 'Opaque cursor from the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
};

/** Lists ordered by place then id (registries) page with a "<region path>.<id>" cursor. */
export const PlaceCursorQuery = {
  cursor: Type.Optional(Type.String({ pattern: '^\\d{1,18}\\.\\d{1,15}$', description: 'Opaque cursor from the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
};

export const RegionRef = Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() });
