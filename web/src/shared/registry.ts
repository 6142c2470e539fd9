/**
 * People, households, houses and the tag / card-colour catalogue: types and endpoints
 * (server/src/modules/people and server/src/modules/housing). Shared by console and mobile app.
 */
import { api, ApiError, buildUrl, request, seg, type Problem, type Query } from './api';
import type { Page } from './types';

export const SEXES = ['male', 'female'] as const;
export type Sex = (typeof SEXES)[number];
export const PERSON_STATUSES = ['active', 'moved_out', 'deceased'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];
export const POLITICAL_STATUSES = ['masses', 'cpc_member', 'cpc_probationary', 'cyl_member', 'democratic_party', 'other'] as const;
export type PoliticalStatus = (typeof POLITICAL_STATUSES)[number];
export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];
export const OCCUPANCIES = ['self_occupied', 'rented', 'vacant', 'unknown'] as const;
export type Occupancy = (typeof OCCUPANCIES)[number];
export const HOUSE_USES = ['residential', 'commercial', 'office', 'mixed', 'other'] as const;
export type HouseUse = (typeof HOUSE_USES)[number];
export const EVENT_KINDS = ['move_in', 'move_out', 'death', 'split', 'merge'] as const;

/** A person as lists show it: ID number and phone masked. */
export interface Person {
  id: number;
  name: string;
  sex: Sex | string;
  birthDate: string;
  age: number;
  idNumber: string;
  phone: string | null;
  ethnicity: string | null;
  politicalStatus: string;
  status: PersonStatus | string;
  tags: string[];
  regionCode: string;
  houseId: number | null;
  address: string | null;
  registeredAddress: string | null;
  householdId: number | null;
  relation: string | null;
  colour: string | null;
  version: number;
}

export interface HouseholdMember {
  personId: number;
  name: string;
  relation: string;
  sex: string;
  age: number;
  status: string;
  since: string | null;
}

export interface Household {
  id: number;
  householdNo: string | null;
  colour: string | null;
  colourNote: string | null;
  status: string;
  houseId: number | null;
  address: string | null;
  headPersonId: number | null;
  regionCode: string;
  members: HouseholdMember[];
}

export interface LifeEvent {
  id: number;
  kind: string;
  personId: number | null;
  householdId: number | null;
  occurredOn: string;
  regionPath?: string;
  details: Record<string, unknown>;
  actorId: number | null;
  createdAt?: string;
}

export interface SourceStamp {
  /** Department (or `manual`). */
  s: string;
  /** Import batch id. */
  b: number | null;
  /** ISO time. */
  t: string;
}

export interface PersonDetail extends Person {
  household: Household | null;
  events: LifeEvent[];
  /** Per field (or `_all`): where the value came from. */
  provenance: Record<string, SourceStamp>;
  canUnmask: boolean;
}

export interface FieldWarning {
  field: string;
  rule: string;
  message: string;
}

export interface PersonVersion {
  version: number;
  changedAt: string;
  changedBy: number | null;
  source: string;
  data: Record<string, unknown>;
}

export interface PeopleQuery {
  q?: string;
  idNumber?: string;
  phone?: string;
  address?: string;
  /** Comma-separated tag codes; all must match. */
  tags?: string;
  colour?: string;
  region?: string;
  status?: PersonStatus;
  cursor?: string | null;
  limit?: number;
}

export interface PersonInput {
  name?: string;
  idNumber?: string;
  phone?: string | null;
  ethnicity?: string | null;
  politicalStatus?: PoliticalStatus;
  registeredAddress?: string | null;
  houseId?: number | null;
  regionCode?: string;
  tags?: string[];
}

export interface MoveInBody {
  houseId: number;
  householdId?: number;
  relation?: Relation;
  occurredOn: string;
}

export interface LeaveBody {
  occurredOn: string;
  newHeadPersonId?: number;
  note?: string;
}

export interface HouseholdListItem {
  id: number;
  householdNo: string | null;
  colour: string | null;
  headName: string | null;
  members: number;
  houseId: number | null;
  address: string | null;
  regionCode: string;
}

export interface HouseholdDetail extends Household {
  events: LifeEvent[];
}

export interface HouseholdPatch {
  colour?: string | null;
  colourNote?: string | null;
  headPersonId?: number;
  householdNo?: string | null;
}

export interface House {
  id: number;
  buildingId: number | null;
  entranceId: number | null;
  floor: number | null;
  room: string | null;
  address: string;
  areaM2: number | null;
  use: string;
  occupancy: string;
  regionCode: string;
}

export interface HouseDetail extends House {
  building: { id: number; name: string; address: string | null } | null;
}

export interface HousesQuery {
  q?: string;
  region?: string;
  buildingId?: number | string;
  occupancy?: string;
  use?: string;
  cursor?: string | null;
  limit?: number;
}

export interface HouseCreate {
  buildingId: number;
  entranceNo?: number;
  floor: number;
  room: string;
  areaM2?: number;
  use?: string;
  occupancy?: string;
}

export interface HousePatch {
  areaM2?: number | null;
  use?: string;
  occupancy?: string;
}

export interface LayoutHousehold {
  id: number;
  colour: string | null;
  headName: string | null;
  members: number;
}

export interface LayoutHouse extends House {
  households: LayoutHousehold[];
}

export interface BuildingLayout {
  building: { id: number; name: string; address: string | null; floors: number; regionCode: string };
  entrances: { id: number; no: number; name: string }[];
  houses: LayoutHouse[];
}

export interface CatalogueTag {
  code: string;
  name: string;
  category: string;
  mustVisit: boolean;
  sort: number;
  active: boolean;
}

export interface CatalogueColour {
  code: string;
  name: string;
  hex: string;
  meaning: string;
  sort: number;
}

export interface Catalogue {
  tags: CatalogueTag[];
  colours: CatalogueColour[];
}

const q = (o: object) => o as Query;

export const peopleApi = {
  list: (query: PeopleQuery, signal?: AbortSignal) => api.get<Page<Person>>('/api/people', q(query), { signal }),
  get: (id: number) => api.get<PersonDetail>(`/api/people/${seg(id)}`),
  create: (body: PersonInput & { name: string; idNumber: string }) =>
    api.post<PersonDetail & { warnings?: FieldWarning[] }>('/api/people', body),
  update: (id: number, body: PersonInput & { expectedVersion?: number }) => api.patch<PersonDetail>(`/api/people/${seg(id)}`, body),
  history: (id: number) => api.get<PersonVersion[]>(`/api/people/${seg(id)}/history`),
  unmask: (id: number, field: 'idNumber' | 'phone', reason: string) =>
    api.post<{ value: string | null }>(`/api/people/${seg(id)}/unmask`, { field, reason }),
  moveIn: (id: number, body: MoveInBody) => api.post<PersonDetail>(`/api/people/${seg(id)}/move-in`, body),
  moveOut: (id: number, body: LeaveBody) => api.post<PersonDetail>(`/api/people/${seg(id)}/move-out`, body),
  death: (id: number, body: LeaveBody) => api.post<PersonDetail>(`/api/people/${seg(id)}/death`, body),
};

export const householdsApi = {
  list: (query: { colour?: string; region?: string; address?: string; cursor?: string | null; limit?: number }, signal?: AbortSignal) =>
    api.get<Page<HouseholdListItem>>('/api/households', q(query), { signal }),
  get: (id: number) => api.get<HouseholdDetail>(`/api/households/${seg(id)}`),
  update: (id: number, body: HouseholdPatch) => api.patch<HouseholdDetail>(`/api/households/${seg(id)}`, body),
  split: (id: number, body: { personIds: number[]; newHeadPersonId: number; houseId?: number; occurredOn: string }) =>
    api.post<HouseholdDetail>(`/api/households/${seg(id)}/split`, body),
  merge: (body: { fromId: number; intoId: number; occurredOn: string }) => api.post<HouseholdDetail>('/api/households/merge', body),
};

export const housesApi = {
  list: (query: HousesQuery, signal?: AbortSignal) => api.get<Page<House>>('/api/houses', q(query), { signal }),
  get: (id: number) => api.get<HouseDetail>(`/api/houses/${seg(id)}`),
  create: (body: HouseCreate) => api.post<House>('/api/houses', body),
  update: (id: number, body: HousePatch) => api.patch<House>(`/api/houses/${seg(id)}`, body),
  layout: (buildingId: number) => api.get<BuildingLayout>(`/api/buildings/${seg(buildingId)}/layout`),
};

export const catalogueApi = {
  get: () => api.get<Catalogue>('/api/catalogue'),
  saveTag: (body: { code: string; name: string; category: string; mustVisit: boolean; sort?: number; active?: boolean }) =>
    request<Catalogue>('/api/catalogue/tags', { method: 'PUT', body }),
  saveColour: (body: { code: string; name: string; hex: string; meaning: string; sort?: number }) =>
    request<Catalogue>('/api/catalogue/colours', { method: 'PUT', body }),
};

/** The file name from a Content-Disposition header (RFC 6266 `filename*` first). */
function dispositionName(h: string | null): string | null {
  if (!h) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(h);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(h);
  return plain?.[1] ?? null;
}

/**
 * GET a file with the session cookie and hand it to the browser as a download. Problems come back
 * as ApiError like the JSON calls (the export is streamed, so a failure after the first bytes
 * cannot be reported).
 */
export async function downloadFile(path: string, query: Query, lang: string, fallbackName: string): Promise<string> {
  const res = await fetch(buildUrl(path, query), {
    credentials: 'same-origin',
    headers: { Accept: '*/*', 'Accept-Language': lang },
  });
  if (!res.ok) {
    let problem: Problem = { type: 'about:blank', title: res.statusText || `HTTP ${res.status}`, status: res.status, code: `http.${res.status}` };
    try {
      const body = (await res.json()) as Partial<Problem>;
      if (body && typeof body.title === 'string') problem = { ...problem, ...body } as Problem;
    } catch {
      /* not JSON */
    }
    throw new ApiError(problem);
  }
  const blob = await res.blob();
  const name = dispositionName(res.headers.get('content-disposition')) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
