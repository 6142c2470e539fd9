import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import { CursorQuery, RegionRef } from '../../platform/http/contracts.js';
import { INDUSTRY_CODES } from './industries.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ORG_GROUPS = ['enterprise', 'social_org'] as const;
export const ORG_STATUSES = ['operating', 'deregistered'] as const;
export const SITE_KINDS = ['park', 'commercial_building'] as const;
export const LEDGER_KINDS = ['three_have_enterprises', 'social_orgs', 'parks', 'commercial_buildings'] as const;
export type OrgGroup = (typeof ORG_GROUPS)[number];
export type SiteKind = (typeof SITE_KINDS)[number];
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const IndustryCodeSchema = Type.Enum(INDUSTRY_CODES, { description: 'GB/T 4754 门类 A-T' });
export const OrgGroupSchema = Type.Enum(ORG_GROUPS, { description: 'enterprise 企业 / social_org 社会组织' });
export const OrgStatusSchema = Type.Enum(ORG_STATUSES, { description: 'operating 存续 / deregistered 注销' });
export const SiteKindSchema = Type.Enum(SITE_KINDS, { description: 'park 园区 / commercial_building 商务楼宇' });

const RegionCodeInput = Type.String({ maxLength: 32, description: '区划/网格代码' });
const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Name = Type.String({ minLength: 1, maxLength: 128 });
const Address = Type.String({ maxLength: 256 });
const Officer = Type.String({ maxLength: 64, description: '党建指导员' });
const Id = Type.Integer({ minimum: 1 });
const Count = Type.Integer({ minimum: 0, maximum: 10_000_000 });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

// ---- organisations --------------------------------------------------------------------------

const ProvenanceEntry = Type.Object({
  s: Type.String({ description: '来源部门；手工录入为 manual' }),
  b: Type.Optional(Nullable(Type.Union([Type.String(), Type.Number()]))),
  t: Type.String(),
  u: Type.Optional(Type.String()),
});

const orgProps = {
  id: Type.Integer(),
  creditCode: Type.String(),
  name: Type.String(),
  /** Two-character prefix of the credit code (91, 92, 93, 51, ...). */
  kind: Type.String(),
  kindName: Type.String(),
  grp: Type.String({ description: 'enterprise / social_org / public / other, from the code prefix' }),
  industry: Nullable(Type.String()),
  industryName: Nullable(Type.String()),
  address: Nullable(Type.String()),
  region: RegionRef,
  lng: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  employees: Nullable(Type.Integer()),
  hasPremises: Type.Boolean(),
  hasStaff: Type.Boolean(),
  hasRevenue: Type.Boolean(),
  threeHave: Type.Boolean({ description: '“三有”：有场所、有人员、有收入' }),
  status: Type.String(),
  partyOrg: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  guidanceOfficer: Nullable(Type.String()),
  partyMembers: Type.Integer(),
  siteId: Nullable(Type.Integer()),
  orgCovered: Type.Boolean({ description: '组织覆盖：有党组织' }),
  workCovered: Type.Boolean({ description: '工作覆盖：有党组织或党建指导员' }),
  version: Type.Integer(),
  updatedAt: Type.String(),
};
export const OrgSchema = Type.Object(orgProps, { $id: 'Organisation' });
export const OrgDetailSchema = Type.Object({ ...orgProps, provenance: Type.Record(Type.String(), ProvenanceEntry) });
export type OrgDto = Static<typeof OrgSchema>;
export type OrgDetailDto = Static<typeof OrgDetailSchema>;

export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const OrgListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '名称片段或信用代码前缀' })),
    grp: Type.Optional(OrgGroupSchema),
    kind: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{2}$' })),
    industry: Type.Optional(IndustryCodeSchema),
    status: Type.Optional(OrgStatusSchema),
    threeHave: Type.Optional(Type.Boolean()),
    orgCovered: Type.Optional(Type.Boolean()),
    workCovered: Type.Optional(Type.Boolean()),
    siteId: Type.Optional(Id),
    region: Type.Optional(RegionCodeInput),
    ...CursorQuery,
  },
  { additionalProperties: false },
);
export type OrgListQuery = Static<typeof OrgListQuery>;

const orgInputProps = {
  name: Name,
  industry: IndustryCodeSchema,
  address: Address,
  /** Grid, micro-grid or community; or give lng/lat and the grid is found from the point. */
  regionCode: RegionCodeInput,
  lng: Lng,
  lat: Lat,
  employees: Count,
  hasPremises: Type.Boolean(),
  hasStaff: Type.Boolean(),
  hasRevenue: Type.Boolean(),
  status: OrgStatusSchema,
  guidanceOfficer: Officer,
  partyOrgId: Id,
  partyMembers: Count,
  siteId: Id,
};

export const CreateOrgBody = Type.Object(
  {
    creditCode: Type.String({ minLength: 1, maxLength: 32, description: '统一社会信用代码 (GB 32100)' }),
    name: orgInputProps.name,
    industry: Type.Optional(orgInputProps.industry),
    address: Type.Optional(orgInputProps.address),
    regionCode: Type.Optional(orgInputProps.regionCode),
    lng: Type.Optional(orgInputProps.lng),
    lat: Type.Optional(orgInputProps.lat),
    employees: Type.Optional(orgInputProps.employees),
    hasPremises: Type.Optional(orgInputProps.hasPremises),
    hasStaff: Type.Optional(orgInputProps.hasStaff),
    hasRevenue: Type.Optional(orgInputProps.hasRevenue),
    status: Type.Optional(orgInputProps.status),
    guidanceOfficer: Type.Optional(orgInputProps.guidanceOfficer),
    partyOrgId: Type.Optional(orgInputProps.partyOrgId),
    partyMembers: Type.Optional(orgInputProps.partyMembers),
    siteId: Type.Optional(orgInputProps.siteId),
  },
  { additionalProperties: false },
);
export type CreateOrgBody = Static<typeof CreateOrgBody>;

export const UpdateOrgBody = Type.Object(
  {
    creditCode: Type.Optional(CreateOrgBody.properties.creditCode),
    name: Type.Optional(orgInputProps.name),
    industry: Type.Optional(Nullable(orgInputProps.industry)),
    address: Type.Optional(Nullable(orgInputProps.address)),
    regionCode: Type.Optional(orgInputProps.regionCode),
    lng: Type.Optional(Nullable(orgInputProps.lng)),
    lat: Type.Optional(Nullable(orgInputProps.lat)),
    employees: Type.Optional(Nullable(orgInputProps.employees)),
    hasPremises: Type.Optional(orgInputProps.hasPremises),
    hasStaff: Type.Optional(orgInputProps.hasStaff),
    hasRevenue: Type.Optional(orgInputProps.hasRevenue),
    status: Type.Optional(orgInputProps.status),
    guidanceOfficer: Type.Optional(Nullable(orgInputProps.guidanceOfficer)),
    partyOrgId: Type.Optional(Nullable(orgInputProps.partyOrgId)),
    partyMembers: Type.Optional(orgInputProps.partyMembers),
    siteId: Type.Optional(Nullable(orgInputProps.siteId)),
    /** Optimistic lock: the version the client last saw; 409 org.version_conflict when stale. */
    version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateOrgBody = Static<typeof UpdateOrgBody>;

// ---- sites (parks, commercial buildings) ---------------------------------------------------------

const CoverageCounts = Type.Object({ total: Type.Integer(), orgCovered: Type.Integer(), workCovered: Type.Integer() });

export const SiteSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String(),
    name: Type.String(),
    address: Nullable(Type.String()),
    region: RegionRef,
    partyOrg: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    guidanceOfficer: Nullable(Type.String()),
    /** The site's own coverage (楼宇/园区党组织, 党建指导员). */
    orgCovered: Type.Boolean(),
    workCovered: Type.Boolean(),
    /** Operating organisations in the site and how many of them are covered. */
    orgs: CoverageCounts,
    updatedAt: Type.String(),
  },
  { $id: 'Site' },
);
export type SiteDto = Static<typeof SiteSchema>;

export const SiteListQuery = Type.Object(
  {
    kind: Type.Optional(SiteKindSchema),
    region: Type.Optional(RegionCodeInput),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    orgCovered: Type.Optional(Type.Boolean()),
    workCovered: Type.Optional(Type.Boolean()),
    ...CursorQuery,
  },
  { additionalProperties: false },
);
export type SiteListQuery = Static<typeof SiteListQuery>;

export const CreateSiteBody = Type.Object(
  {
    kind: SiteKindSchema,
    name: Name,
    address: Type.Optional(Address),
    regionCode: RegionCodeInput,
    partyOrgId: Type.Optional(Id),
    guidanceOfficer: Type.Optional(Officer),
  },
  { additionalProperties: false },
);
export type CreateSiteBody = Static<typeof CreateSiteBody>;

export const UpdateSiteBody = Type.Object(
  {
    name: Type.Optional(Name),
    address: Type.Optional(Nullable(Address)),
    regionCode: Type.Optional(RegionCodeInput),
    partyOrgId: Type.Optional(Nullable(Id)),
    guidanceOfficer: Type.Optional(Nullable(Officer)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSiteBody = Static<typeof UpdateSiteBody>;

// ---- coverage (两个覆盖) -------------------------------------------------------------------------

const By = Type.Enum(['region', 'industry'], { default: 'region', description: 'region 按下级区划 / industry 按行业门类' });

export const CoverageQuery = Type.Object(
  { region: Type.Optional(RegionCodeInput), by: Type.Optional(By) },
  { additionalProperties: false },
);
export type CoverageQuery = Static<typeof CoverageQuery>;

const CoverageCell = Type.Object({
  total: Type.Integer(),
  orgCovered: Type.Integer(),
  workCovered: Type.Integer(),
  /** Percent with 2 decimals; null when total is 0. */
  orgRate: Nullable(Type.Number()),
  workRate: Nullable(Type.Number()),
});
export type CoverageCell = Static<typeof CoverageCell>;

const CoveragePair = { enterprises: CoverageCell, socialOrgs: CoverageCell };

export const CoverageResponse = Type.Object({
  region: RegionRef,
  by: Type.String(),
  rows: Type.Array(
    Type.Object({
      /** Child region code, the node's own code for organisations placed directly on it, or an industry letter / "none". */
      key: Type.String(),
      name: Type.String(),
      ...CoveragePair,
    }),
  ),
  totals: Type.Object(CoveragePair),
});
export type CoverageResponse = Static<typeof CoverageResponse>;

export const CoverageListQuery = Type.Object(
  {
    region: Type.Optional(RegionCodeInput),
    grp: OrgGroupSchema,
    by: Type.Optional(By),
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    covered: Type.Optional(Type.Enum(['org', 'work'], { description: 'org 组织覆盖 / work 工作覆盖' })),
    value: Type.Optional(Type.Boolean({ default: true })),
    ...CursorQuery,
  },
  { additionalProperties: false },
);
export type CoverageListQuery = Static<typeof CoverageListQuery>;

// ---- ledgers (四类台账) --------------------------------------------------------------------------

export const LedgerParams = Type.Object({ kind: Type.Enum(LEDGER_KINDS) }, { additionalProperties: false });

const ledgerFilterProps = {
  region: Type.Optional(RegionCodeInput),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  industry: Type.Optional(IndustryCodeSchema),
  orgCovered: Type.Optional(Type.Boolean()),
  workCovered: Type.Optional(Type.Boolean()),
};
export const LedgerQuery = Type.Object({ ...ledgerFilterProps, ...CursorQuery }, { additionalProperties: false });
export type LedgerQuery = Static<typeof LedgerQuery>;
export const LedgerExportQuery = Type.Object(
  { ...ledgerFilterProps, format: Type.Optional(Type.Literal('csv', { default: 'csv' })) },
  { additionalProperties: false },
);
export type LedgerFilter = Omit<LedgerQuery, 'cursor' | 'limit'>;

const Cell = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
export const LedgerResponse = Type.Object({
  kind: Type.String(),
  title: Type.String(),
  columns: Type.Array(Type.Object({ key: Type.String(), title: Type.String(), titleEn: Type.String() })),
  /** One object per row: `id` plus one value per column key. */
  items: Type.Array(Type.Record(Type.String(), Cell)),
  nextCursor: Nullable(Type.String()),
});
export type LedgerResponse = Static<typeof LedgerResponse>;
