/** Roles and what each may do. Scope (which subtree) is checked separately by `authorize`. */
export const ROLES = ['city_admin', 'district_staff', 'street_staff', 'community_staff', 'grid_worker', 'dept_handler', 'resident'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABEL: Record<Role, { zh: string; en: string }> = {
  city_admin: { zh: '市级管理员', en: 'City administrator' },
  district_staff: { zh: '区县工作人员', en: 'District staff' },
  street_staff: { zh: '街道工作人员', en: 'Street staff' },
  community_staff: { zh: '社区工作者', en: 'Community worker' },
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  dept_handler: { zh: '部门处置人员', en: 'Department handler' },
  resident: { zh: '居民', en: 'Resident' },
};

export const ACTIONS = [
  'region.read',
  'region.write',
  'building.read',
  'building.write',
  'user.read',
  'user.write',
  'audit.read',
  'geo.locate',
  // Registries (issue 3)
  'person.read',
  'person.write',
  'person.unmask',
  'person.export',
  'house.read',
  'house.write',
  'org.read',
  'org.write',
  'party.read',
  'party.write',
  'coverage.read',
  'import.run',
  'conflict.resolve',
  'catalogue.write',
  // The closed loop (issue 4). Which ticket an actor may act on, and how, is decided per ticket
  // by the workflow's relations (dispatcher, assignee, verifier, reporter, supervisor).
  'ticket.read',
  'ticket.report',
  'ticket.work',
  'ticket.metrics',
  'dispatch.write',
  'calendar.write',
  // Integrations (issue 5): the 12345 hotline exchange and outgoing webhooks.
  'hotline.import',
  'hotline.read',
  'webhook.write',
  // Open311 (issue 5): issuing and revoking the keys external systems file requests with.
  'apikey.write',
] as const;
export type Action = (typeof ACTIONS)[number];

const STAFF_READ: Action[] = ['region.read', 'building.read', 'geo.locate', 'person.read', 'house.read', 'org.read', 'party.read'];
const REGISTRY_WRITE: Action[] = ['person.write', 'house.write', 'org.write', 'party.write', 'person.unmask', 'person.export', 'coverage.read', 'import.run', 'conflict.resolve'];
const TICKETS: Action[] = ['ticket.read', 'ticket.report', 'ticket.work'];
/** The 12345 exchange and webhooks: city and district staff, and system accounts created with those roles. */
const INTEGRATIONS: Action[] = ['hotline.import', 'hotline.read', 'webhook.write'];
const MANAGER: Action[] = [...STAFF_READ, ...REGISTRY_WRITE, ...TICKETS, 'ticket.metrics', 'region.write', 'building.write', 'user.read', 'user.write'];

export const PERMISSIONS: Record<Role, ReadonlySet<Action>> = {
  city_admin: new Set([...MANAGER, 'audit.read', 'catalogue.write', 'dispatch.write', 'calendar.write', ...INTEGRATIONS, 'apikey.write']),
  // A district keeps the dispatch catalogue for its own area.
  district_staff: new Set([...MANAGER, 'audit.read', 'dispatch.write', ...INTEGRATIONS]),
  street_staff: new Set(MANAGER),
  community_staff: new Set(MANAGER),
  // Grid workers keep their grid's buildings and residents current and call on residents,
  // so they may see a phone or ID number (audited); no bulk export, imports or user admin.
  grid_worker: new Set([...STAFF_READ, ...TICKETS, 'building.write', 'person.write', 'house.write', 'person.unmask']),
  // Departments see the registry (masked) to handle problems; they change nothing in it.
  dept_handler: new Set([...STAFF_READ, ...TICKETS, 'ticket.metrics']),
  // Residents report, follow and rate their own matters (the service checks "own").
  resident: new Set(['geo.locate', ...TICKETS]),
};

/** Which region level a role's scope must be. Handlers may sit at any level. */
export const SCOPE_LEVELS: Record<Role, readonly string[] | null> = {
  city_admin: ['city'],
  district_staff: ['district'],
  street_staff: ['street'],
  community_staff: ['community'],
  grid_worker: ['grid', 'microgrid'],
  dept_handler: ['city', 'district', 'street', 'community'],
  resident: null,
};

/** Rank for "may not grant a role above your own". */
export const ROLE_RANK: Record<Role, number> = {
  city_admin: 5,
  district_staff: 4,
  street_staff: 3,
  community_staff: 2,
  grid_worker: 1,
  dept_handler: 1,
  resident: 0,
};

export function isRole(x: string): x is Role {
  return (ROLES as readonly string[]).includes(x);
}
