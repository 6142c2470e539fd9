/** Organisation, site, coverage and ledger endpoints (server/src/modules/orgs). */
import { api, buildUrl, seg } from '../../shared/api';
import type { Page, RegionRef } from '../../shared/types';

export type OrgGroup = 'enterprise' | 'social_org';
export type OrgStatus = 'operating' | 'deregistered';
export type SiteKind = 'park' | 'commercial_building';
export type LedgerKind = 'three_have_enterprises' | 'social_orgs' | 'parks' | 'commercial_buildings';
export const LEDGER_KINDS: readonly LedgerKind[] = ['three_have_enterprises', 'social_orgs', 'parks', 'commercial_buildings'];
export const SITE_KINDS: readonly SiteKind[] = ['park', 'commercial_building'];
export const ORG_STATUSES: readonly OrgStatus[] = ['operating', 'deregistered'];

export interface IdName {
  id: number;
  name: string;
}

export interface Org {
  id: number;
  creditCode: string;
  name: string;
  kind: string;
  kindName: string;
  grp: string;
  industry: string | null;
  industryName: string | null;
  address: string | null;
  region: RegionRef;
  lng: number | null;
  lat: number | null;
  employees: number | null;
  hasPremises: boolean;
  hasStaff: boolean;
  hasRevenue: boolean;
  threeHave: boolean;
  status: string;
  partyOrg: IdName | null;
  guidanceOfficer: string | null;
  partyMembers: number;
  siteId: number | null;
  orgCovered: boolean;
  workCovered: boolean;
  version: number;
  updatedAt: string;
}

export interface ProvenanceEntry {
  /** Department; `manual` for hand edits. */
  s: string;
  b?: string | number | null;
  t: string;
  u?: string;
}

export interface OrgDetail extends Org {
  provenance: Record<string, ProvenanceEntry>;
}

export interface OrgListQuery {
  q?: string;
  grp?: OrgGroup;
  kind?: string;
  industry?: string;
  status?: OrgStatus;
  threeHave?: boolean;
  orgCovered?: boolean;
  workCovered?: boolean;
  siteId?: number;
  region?: string;
  cursor?: string | null;
  limit?: number;
}

export interface OrgInput {
  creditCode?: string;
  name?: string;
  industry?: string | null;
  address?: string | null;
  regionCode?: string;
  lng?: number | null;
  lat?: number | null;
  employees?: number | null;
  hasPremises?: boolean;
  hasStaff?: boolean;
  hasRevenue?: boolean;
  status?: OrgStatus;
  guidanceOfficer?: string | null;
  partyOrgId?: number | null;
  partyMembers?: number;
  siteId?: number | null;
  version?: number;
}

export interface Site {
  id: number;
  kind: string;
  name: string;
  address: string | null;
  region: RegionRef;
  partyOrg: IdName | null;
  guidanceOfficer: string | null;
  orgCovered: boolean;
  workCovered: boolean;
  orgs: { total: number; orgCovered: number; workCovered: number };
  updatedAt: string;
}

export interface SiteInput {
  kind?: SiteKind;
  name?: string;
  address?: string | null;
  regionCode?: string;
  partyOrgId?: number | null;
  guidanceOfficer?: string | null;
}

export interface CoverageCell {
  total: number;
  orgCovered: number;
  workCovered: number;
  /** Percent with 2 decimals; null when total is 0. */
  orgRate: number | null;
  workRate: number | null;
}

export interface CoverageRow {
  key: string;
  name: string;
  enterprises: CoverageCell;
  socialOrgs: CoverageCell;
}

export type CoverageBy = 'region' | 'industry';

export interface CoverageResponse {
  region: RegionRef;
  by: CoverageBy;
  rows: CoverageRow[];
  totals: { enterprises: CoverageCell; socialOrgs: CoverageCell };
}

export interface CoverageListQuery {
  region?: string;
  grp: OrgGroup;
  by?: CoverageBy;
  key?: string;
  covered?: 'org' | 'work';
  value?: boolean;
  cursor?: string | null;
  limit?: number;
}

export interface LedgerColumn {
  key: string;
  title: string;
  titleEn: string;
}

export interface LedgerResponse {
  kind: string;
  title: string;
  columns: LedgerColumn[];
  items: Record<string, string | number | boolean | null>[];
  nextCursor: string | null;
}

export interface LedgerQuery {
  region?: string;
  q?: string;
  industry?: string;
  orgCovered?: boolean;
  workCovered?: boolean;
  cursor?: string | null;
  limit?: number;
}

export const orgsApi = {
  list: (q: OrgListQuery) => api.get<Page<Org>>('/api/orgs', { ...q }),
  get: (id: number) => api.get<OrgDetail>(`/api/orgs/${seg(id)}`),
  create: (body: OrgInput) => api.post<OrgDetail>('/api/orgs', body),
  update: (id: number, body: OrgInput) => api.patch<OrgDetail>(`/api/orgs/${seg(id)}`, body),
};

export const sitesApi = {
  list: (q: { kind?: SiteKind; region?: string; q?: string; orgCovered?: boolean; workCovered?: boolean; cursor?: string | null; limit?: number }) =>
    api.get<Page<Site>>('/api/sites', { ...q }),
  get: (id: number) => api.get<Site>(`/api/sites/${seg(id)}`),
  create: (body: SiteInput) => api.post<Site>('/api/sites', body),
  update: (id: number, body: SiteInput) => api.patch<Site>(`/api/sites/${seg(id)}`, body),
};

export const coverageApi = {
  get: (q: { region?: string; by?: CoverageBy }, signal?: AbortSignal) => api.get<CoverageResponse>('/api/coverage', { ...q }, { signal }),
  list: (q: CoverageListQuery) => api.get<Page<Org>>('/api/coverage/list', { ...q }),
};

export const ledgersApi = {
  list: (kind: LedgerKind, q: LedgerQuery) => api.get<LedgerResponse>(`/api/ledgers/${seg(kind)}`, { ...q }),
  exportUrl: (kind: LedgerKind, q: Omit<LedgerQuery, 'cursor' | 'limit'>) => buildUrl(`/api/ledgers/${seg(kind)}/export`, { ...q, format: 'csv' }),
};
