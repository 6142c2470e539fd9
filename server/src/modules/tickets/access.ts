import { and, eq, inArray, like, or, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/scope/index.js';
import { ticketNotices, tickets } from './schema.js';
import type { TicketRow } from './repo.js';
import { RUNNING_STATUSES, type Relation } from './workflow.js';

/** Who stands how to a ticket, and the SQL predicates of "in my area" and "on my desk". */

/** How an actor stands to a ticket (see workflow.RELATIONS). */
export function relationsOf(actor: Actor | null, t: TicketRow): Set<Relation> {
  const r = new Set<Relation>();
  if (!actor) return new Set(['system']);
  if (t.reporterUserId === actor.id) r.add('reporter');
  const sp = actor.scopePath;
  if (!sp || actor.role === 'resident') return r;
  const inArea = t.regionPath.startsWith(sp);
  const assignedHere = !!t.assigneePath && !!t.tier;
  switch (actor.role) {
    case 'grid_worker': {
      const grid = sp.slice(0, 15);
      if (t.regionPath.startsWith(grid)) r.add('dispatcher').add('verifier');
      if (assignedHere && t.tier === 'grid' && t.assigneePath === grid) r.add('assignee');
      break;
    }
    case 'dept_handler':
      if (assignedHere && t.tier === 'department' && t.assigneeDept === actor.department && t.assigneePath!.startsWith(sp)) r.add('assignee');
      break;
    default:
      if (inArea) r.add('dispatcher').add('verifier');
      if (inArea && actor.role !== 'community_staff') r.add('supervisor');
      // Staff above a unit may act for it (a community worker for a grid without a worker).
      if (assignedHere && t.assigneePath!.startsWith(sp)) r.add('assignee');
  }
  return r;
}

export function canSee(actor: Actor, t: TicketRow): boolean {
  if (t.reporterUserId === actor.id) return true;
  if (actor.role === 'resident' || !actor.scopePath) return false;
  if (actor.role === 'dept_handler') return relationsOf(actor, t).has('assignee') || t.regionPath.startsWith(actor.scopePath);
  return t.regionPath.startsWith(actor.scopePath) || relationsOf(actor, t).has('assignee');
}

/** The predicate "my unit must act on it" for lists and the inbox. */
export function assignedTo(actor: Actor): SQL | null {
  const sp = actor.scopePath;
  if (!sp) return null;
  if (actor.role === 'grid_worker') return and(eq(tickets.tier, 'grid'), eq(tickets.assigneePath, sp.slice(0, 15)))!;
  if (actor.role === 'dept_handler') return and(eq(tickets.tier, 'department'), eq(tickets.assigneeDept, actor.department ?? ''), like(tickets.assigneePath, `${sp}%`))!;
  const tier = ({ community_staff: 'community', street_staff: 'street', district_staff: 'district', city_admin: 'district' } as Record<string, string>)[actor.role];
  return tier === 'district' && actor.role === 'city_admin' ? eq(tickets.tier, 'district') : and(eq(tickets.tier, tier ?? ''), eq(tickets.assigneePath, sp))!;
}

export function areaOf(actor: Actor): string {
  return actor.role === 'grid_worker' ? actor.scopePath!.slice(0, 15) : actor.scopePath!;
}

export function tasksWhere(actor: Actor): SQL {
  const mine = assignedTo(actor);
  const running = inArray(tickets.status, [...RUNNING_STATUSES]);
  if (actor.role === 'dept_handler') return and(mine!, running)!;
  const inArea = like(tickets.regionPath, `${areaOf(actor)}%`);
  const parts: SQL[] = [and(mine!, running)!];
  // Accepting and verifying fall to the grid worker and the community.
  if (actor.role === 'grid_worker' || actor.role === 'community_staff') {
    parts.push(and(inArea, inArray(tickets.status, ['reported', 'handled']))!);
    parts.push(and(inArea, eq(tickets.status, 'accepted'))!);
  }
  return or(...parts)!;
}

export function recipientsOf(actor: Actor): SQL {
  const keys = [like(ticketNotices.recipient, `user:${actor.id}`)];
  const sp = actor.scopePath;
  if (sp) {
    if (actor.role === 'grid_worker') keys.push(eq(ticketNotices.recipient, `grid:${sp.slice(0, 15)}`));
    else if (actor.role === 'dept_handler') keys.push(like(ticketNotices.recipient, `dept:${actor.department ?? ''}@${sp}%`));
    else {
      const tier = ({ community_staff: 'community', street_staff: 'street', district_staff: 'district' } as Record<string, string>)[actor.role];
      if (tier) keys.push(eq(ticketNotices.recipient, `${tier}:${sp}`));
    }
  }
  return or(...keys)!;
}
