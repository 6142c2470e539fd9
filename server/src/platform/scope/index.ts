import { AppError } from '../errors/index.js';
import { PERMISSIONS, type Action, type Role } from './roles.js';

export * from './roles.js';

/** The signed-in user as every service sees it. */
export interface Actor {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** Region code of the user's scope, or null (residents). */
  scopeCode: string | null;
  /** Materialised path (significant code prefix) of the scope. */
  scopePath: string | null;
  department: string | null;
}

/** Anything that lives somewhere in the region tree. */
export interface Scoped {
  /** Materialised path of the region the thing belongs to. */
  path: string;
}

export function can(actor: Actor, action: Action): boolean {
  return PERMISSIONS[actor.role].has(action);
}

/**
 * The one authorisation check. Call it before reading or changing any scoped data:
 * the role must allow the action and the thing must lie inside the actor's subtree.
 * Without a thing it checks the role only (for unscoped actions such as geo.locate).
 */
export function authorize(actor: Actor | undefined, action: Action, thing?: Scoped | null): asserts actor is Actor {
  if (!actor) throw new AppError('auth.required');
  if (!can(actor, action)) throw new AppError('auth.forbidden', { extra: { action } });
  if (thing === undefined) return;
  if (thing === null || !actor.scopePath || !thing.path.startsWith(actor.scopePath)) {
    throw new AppError('scope.forbidden', { extra: { action } });
  }
}

/**
 * The subtree a list query must stay in. Repositories take this prefix as a required argument,
 * so a list cannot be written without its scope.
 */
export function scopeOf(actor: Actor | undefined, action: Action): string {
  authorize(actor, action);
  if (!actor.scopePath) throw new AppError('scope.forbidden', { extra: { action } });
  return actor.scopePath;
}
