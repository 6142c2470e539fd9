/** Types of the Gridwork HTTP API (see the server's OpenAPI document). Shared by console and mobile app. */

export type RegionLevel = 'city' | 'district' | 'street' | 'community' | 'grid' | 'microgrid';

export const REGION_LEVELS: readonly RegionLevel[] = ['city', 'district', 'street', 'community', 'grid', 'microgrid'];

export type Role =
  | 'city_admin'
  | 'district_staff'
  | 'street_staff'
  | 'community_staff'
  | 'grid_worker'
  | 'dept_handler'
  | 'resident';

export const ROLES: readonly Role[] = [
  'city_admin',
  'district_staff',
  'street_staff',
  'community_staff',
  'grid_worker',
  'dept_handler',
  'resident',
];

export type Permission =
  | 'region.read'
  | 'region.write'
  | 'building.read'
  | 'building.write'
  | 'user.read'
  | 'user.write'
  | 'audit.read'
  | 'geo.locate'
  // registries (issue 3) — same names as ACTIONS in server/src/platform/scope/roles.ts
  | 'person.read'
  | 'person.write'
  | 'person.unmask'
  | 'person.export'
  | 'house.read'
  | 'house.write'
  | 'org.read'
  | 'org.write'
  | 'party.read'
  | 'party.write'
  | 'coverage.read'
  | 'import.run'
  | 'conflict.resolve'
  | 'catalogue.write'
  // tickets (接诉即办, issue 4)
  | 'ticket.read'
  | 'ticket.report'
  | 'ticket.work'
  | 'ticket.metrics'
  | 'dispatch.write'
  | 'calendar.write'
  // Integrations (issue 5)
  | 'hotline.import'
  | 'hotline.read'
  | 'webhook.write'
  | 'apikey.write';

export interface RegionRef {
  code: string;
  name: string;
  level: RegionLevel;
}

export interface Me {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  scope: RegionRef | null;
  department: string | null;
  permissions: string[];
}

export interface DemoAccount {
  username: string;
  password: string;
  role: Role;
  displayName: string;
}

export interface PublicConfig {
  tileUrl: string;
  tileAttribution: string;
  tileCrs: 'wgs84' | 'gcj02';
  demo: boolean;
  demoAccounts: DemoAccount[];
  version: string;
}

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  kind: string | null;
  childCount: number;
  center: [number, number] | null;
  areaKm2: number | null;
  ancestors?: RegionRef[];
}

export interface Building {
  id: number | string;
  name: string;
  regionCode: string;
  address: string | null;
  floors: number | null;
  entrances: number | null;
  lng: number;
  lat: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface LocateResult {
  grid: { code: string; name: string };
  microgrid: { code: string; name: string } | null;
  community: { code: string; name: string };
  street: { code: string; name: string };
  district: { code: string; name: string };
}

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  scope: RegionRef | null;
  department: string | null;
  phone: string | null;
  active: boolean;
  lockedUntil: string | null;
  createdAt: string;
}

export interface AuditEntry {
  id: number | string;
  at: string;
  actor: { id: number; username: string; role: Role } | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  note?: string | null;
}

/** Minimal GeoJSON types (we avoid depending on @types/geojson directly). */
export interface GeoFeature<P = Record<string, unknown>> {
  type: 'Feature';
  geometry: { type: string; coordinates: unknown } | null;
  properties: P;
  id?: string | number;
}

export interface GeoFeatureCollection<P = Record<string, unknown>> {
  type: 'FeatureCollection';
  features: GeoFeature<P>[];
}

export interface GridFeatureProps {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

export interface BuildingFeatureProps {
  id: number | string;
  name: string;
  regionCode: string;
  floors: number | null;
}
