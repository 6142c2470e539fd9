/** Auth, config, user and audit endpoints. */
import { api, seg } from './api';
import type { AuditEntry, Me, Page, PublicConfig, Role, User } from './types';

export const configApi = {
  get: () => api.get<PublicConfig>('/api/config', undefined, { noAuthRedirect: true }),
};

export const authApi = {
  me: () => api.get<{ user: Me }>('/api/auth/me', undefined, { noAuthRedirect: true }),
  login: (username: string, password: string) =>
    api.post<{ user: Me }>('/api/auth/login', { username, password }, { noAuthRedirect: true }),
  logout: () => api.post<void>('/api/auth/logout', {}, { noAuthRedirect: true }),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<void>('/api/auth/password', { currentPassword, newPassword }),
};

export interface UserCreate {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  scopeCode: string | null;
  department?: string | null;
  phone?: string | null;
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  scopeCode?: string | null;
  active?: boolean;
  department?: string | null;
  phone?: string | null;
  password?: string;
}

export const usersApi = {
  list: (q: { q?: string; role?: string; cursor?: string | null; limit?: number }) =>
    api.get<Page<User>>('/api/users', q),
  create: (body: UserCreate) => api.post<User>('/api/users', body),
  update: (id: number, body: UserPatch) => api.patch<User>(`/api/users/${seg(id)}`, body),
  unlock: (id: number) => api.post<User | undefined>(`/api/users/${seg(id)}/unlock`, {}),
};

export interface AuditQuery {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: string;
  to?: string;
  cursor?: string | null;
  limit?: number;
}

export const auditApi = {
  list: (q: AuditQuery) => api.get<Page<AuditEntry>>('/api/audit', { ...q }),
};
