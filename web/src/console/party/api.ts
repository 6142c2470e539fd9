/** Party organisation and member endpoints (server/src/modules/party). */
import { api, seg } from '../../shared/api';
import type { Page, RegionRef } from '../../shared/types';

/** 党委 → 党总支 → 党支部 → 党小组 */
export type PartyLevel = 'committee' | 'general_branch' | 'branch' | 'group';
export const PARTY_LEVELS: readonly PartyLevel[] = ['committee', 'general_branch', 'branch', 'group'];

/** Which levels may hang directly below each level (the server's ALLOWED_PARENTS, inverted). */
export const CHILD_LEVELS: Record<PartyLevel, readonly PartyLevel[]> = {
  committee: ['committee', 'general_branch', 'branch'],
  general_branch: ['branch'],
  branch: ['group'],
  group: [],
};

export type Membership = 'full' | 'probationary';

export interface PartyOrg {
  id: number;
  name: string;
  level: PartyLevel | string;
  levelName: string;
  parentId: number | null;
  region: RegionRef;
  attachedTo: 'region' | 'organisation';
  organisation: { id: number; name: string } | null;
  secretary: string | null;
  foundedOn: string | null;
  childCount: number;
  memberCount: number;
  updatedAt: string;
}

export interface PartyOrgDetail extends PartyOrg {
  ancestors: { id: number; name: string; level: string }[];
  members: { direct: number; directInService: number; total: number; totalInService: number; totalProbationary: number };
}

export interface PartyMember {
  id: number;
  personId: number;
  name: string | null;
  idMasked: string | null;
  partyOrg: { id: number; name: string };
  region: RegionRef;
  membership: Membership | string;
  joinedOn: string | null;
  inService: boolean;
  workUnit: string | null;
  homeCommunity: RegionRef | null;
  reportedOn: string | null;
  updatedAt: string;
}

export interface CreatePartyOrgInput {
  name: string;
  level: PartyLevel;
  parentId?: number;
  regionCode?: string;
  organisationId?: number;
  secretary?: string;
  foundedOn?: string;
}

export interface CreateMemberInput {
  personId: number;
  partyOrgId: number;
  membership?: Membership;
  joinedOn?: string;
  inService?: boolean;
  workUnit?: string;
  homeCommunityCode?: string;
  reportedOn?: string;
}

export const partyApi = {
  /** Children of `parentId`, or the top organisations visible in `region` (default: own scope). */
  orgs: (q: { parentId?: number; region?: string }) => api.get<PartyOrg[]>('/api/party/orgs', { ...q }),
  get: (id: number) => api.get<PartyOrgDetail>(`/api/party/orgs/${seg(id)}`),
  create: (body: CreatePartyOrgInput) => api.post<PartyOrgDetail>('/api/party/orgs', body),
  update: (id: number, body: { name?: string; secretary?: string | null; foundedOn?: string | null; parentId?: number | null }) =>
    api.patch<PartyOrgDetail>(`/api/party/orgs/${seg(id)}`, body),
  members: (q: { orgId?: number; subtree?: boolean; inService?: boolean; membership?: Membership; homeCommunity?: string; cursor?: string | null; limit?: number }) =>
    api.get<Page<PartyMember>>('/api/party/members', { ...q }),
  createMember: (body: CreateMemberInput) => api.post<PartyMember>('/api/party/members', body),
};
