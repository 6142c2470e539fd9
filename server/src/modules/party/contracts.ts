import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import { CursorQuery, RegionRef } from '../../platform/http/contracts.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** 党委 → 党总支 → 党支部 → 党小组. */
export const PARTY_LEVELS = ['committee', 'general_branch', 'branch', 'group'] as const;
export type PartyLevel = (typeof PARTY_LEVELS)[number];
export const PARTY_LEVEL_ZH: Record<PartyLevel, string> = { committee: '党委', general_branch: '党总支', branch: '党支部', group: '党小组' };
export const MEMBERSHIPS = ['full', 'probationary'] as const;

const LevelSchema = Type.Enum(PARTY_LEVELS, { description: 'committee 党委 / general_branch 党总支 / branch 党支部 / group 党小组' });
const MembershipSchema = Type.Enum(MEMBERSHIPS, { description: 'full 正式党员 / probationary 预备党员' });
const Id = Type.Integer({ minimum: 1 });
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const RegionCodeInput = Type.String({ maxLength: 32 });
const Ref = Type.Object({ id: Type.Integer(), name: Type.String() });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

// ---- party organisations ----------------------------------------------------------------------

const partyOrgProps = {
  id: Type.Integer(),
  name: Type.String(),
  level: Type.String(),
  levelName: Type.String(),
  parentId: Nullable(Type.Integer()),
  /** Where it sits: its region node, or the region of the organisation it belongs to. */
  region: RegionRef,
  attachedTo: Type.Enum(['region', 'organisation'], { description: '挂靠区划节点或挂靠组织' }),
  organisation: Nullable(Ref),
  secretary: Nullable(Type.String()),
  foundedOn: Nullable(Type.String()),
  childCount: Type.Integer(),
  /** Members registered directly in this organisation. */
  memberCount: Type.Integer(),
  updatedAt: Type.String(),
};
export const PartyOrgSchema = Type.Object(partyOrgProps, { $id: 'PartyOrg' });
export type PartyOrgDto = Static<typeof PartyOrgSchema>;

export const PartyOrgDetailSchema = Type.Object({
  ...partyOrgProps,
  /** Ancestors inside the caller's scope, root first. */
  ancestors: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), level: Type.String() })),
  members: Type.Object({
    direct: Type.Integer(),
    directInService: Type.Integer(),
    /** This organisation and everything below it. */
    total: Type.Integer(),
    totalInService: Type.Integer(),
    totalProbationary: Type.Integer(),
  }),
});
export type PartyOrgDetailDto = Static<typeof PartyOrgDetailSchema>;

export const PartyOrgListQuery = Type.Object(
  {
    parentId: Type.Optional(Id),
    /** Without parentId: the top party organisations visible in this region (default: the caller's scope). */
    region: Type.Optional(RegionCodeInput),
  },
  { additionalProperties: false },
);
export type PartyOrgListQuery = Static<typeof PartyOrgListQuery>;

export const CreatePartyOrgBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    level: LevelSchema,
    parentId: Type.Optional(Id),
    /** Attach to a region node (社区党委, 网格党支部, 楼栋党小组 in its grid) … */
    regionCode: Type.Optional(RegionCodeInput),
    /** … or to an organisation, which then counts as organisation-covered. */
    organisationId: Type.Optional(Id),
    secretary: Type.Optional(Type.String({ maxLength: 64 })),
    foundedOn: Type.Optional(Day),
  },
  { additionalProperties: false },
);
export type CreatePartyOrgBody = Static<typeof CreatePartyOrgBody>;

export const UpdatePartyOrgBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    secretary: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    foundedOn: Type.Optional(Nullable(Day)),
    /** Move under another parent (null: make it a root; committees only). */
    parentId: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdatePartyOrgBody = Static<typeof UpdatePartyOrgBody>;

// ---- party members ----------------------------------------------------------------------------

export const PartyMemberSchema = Type.Object(
  {
    id: Type.Integer(),
    personId: Type.Integer(),
    /** From the population registry; null until it is wired or when the person is unknown. */
    name: Nullable(Type.String()),
    idMasked: Nullable(Type.String()),
    partyOrg: Ref,
    /** Region of the member's party organisation. */
    region: RegionRef,
    membership: Type.String(),
    joinedOn: Nullable(Type.String()),
    inService: Type.Boolean(),
    workUnit: Nullable(Type.String()),
    /** 双报到: the community an in-service member registered with where they live. */
    homeCommunity: Nullable(RegionRef),
    reportedOn: Nullable(Type.String()),
    updatedAt: Type.String(),
  },
  { $id: 'PartyMember' },
);
export type PartyMemberDto = Static<typeof PartyMemberSchema>;

export const MemberListQuery = Type.Object(
  {
    orgId: Type.Optional(Id),
    /** With orgId: include the members of every organisation below it. */
    subtree: Type.Optional(Type.Boolean({ default: false })),
    inService: Type.Optional(Type.Boolean()),
    membership: Type.Optional(MembershipSchema),
    /** Community code: in-service members registered there (双报到). */
    homeCommunity: Type.Optional(RegionCodeInput),
    ...CursorQuery,
  },
  { additionalProperties: false },
);
export type MemberListQuery = Static<typeof MemberListQuery>;

export const CreateMemberBody = Type.Object(
  {
    personId: Id,
    partyOrgId: Id,
    membership: Type.Optional(MembershipSchema),
    joinedOn: Type.Optional(Day),
    inService: Type.Optional(Type.Boolean()),
    workUnit: Type.Optional(Type.String({ maxLength: 128 })),
    homeCommunityCode: Type.Optional(RegionCodeInput),
    reportedOn: Type.Optional(Day),
  },
  { additionalProperties: false },
);
export type CreateMemberBody = Static<typeof CreateMemberBody>;

export const UpdateMemberBody = Type.Object(
  {
    /** Transfer to another party organisation (组织关系转接). */
    partyOrgId: Type.Optional(Id),
    membership: Type.Optional(MembershipSchema),
    joinedOn: Type.Optional(Nullable(Day)),
    inService: Type.Optional(Type.Boolean()),
    workUnit: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
    homeCommunityCode: Type.Optional(Nullable(RegionCodeInput)),
    reportedOn: Type.Optional(Nullable(Day)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMemberBody = Static<typeof UpdateMemberBody>;
