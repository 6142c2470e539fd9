import type { Me } from '../shared/types';

/** Residents get the reporting app; everyone else (grid workers, handlers, staff) the task app. */
export function isResident(user: Pick<Me, 'role'> | null | undefined): boolean {
  return user?.role === 'resident';
}

export function homePath(user: Pick<Me, 'role'> | null | undefined): string {
  return isResident(user) ? '/report' : '/tasks';
}
