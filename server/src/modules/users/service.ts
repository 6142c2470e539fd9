import type { Db } from '../../platform/db/client.js';
import { AppError, invalidField } from '../../platform/errors/index.js';
import { authRepo, type UserRow } from '../../platform/auth/repo.js';
import { checkPasswordStrength, hashPassword } from '../../platform/auth/password.js';
import { normaliseUsername } from '../../platform/auth/service.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import { authorize, isRole, scopeOf, ROLE_RANK, SCOPE_LEVELS, type Actor, type Role } from '../../platform/scope/index.js';
import type { RegionService } from '../regions/service.js';

export interface UserDto {
  id: number;
  username: string;
  displayName: string;
  role: string;
  scope: { code: string; name: string; level: string } | null;
  department: string | null;
  phone: string | null;
  active: boolean;
  lockedUntil: string | null;
  createdAt: string;
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  password: string;
  role: string;
  scopeCode?: string | null;
  department?: string | null;
  phone?: string | null;
}

export type UpdateUserInput = Partial<Omit<CreateUserInput, 'username'>> & { active?: boolean };

/** What the audit trail keeps of a user: never the password hash. */
function auditView(u: UserRow) {
  return {
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    scopeCode: u.scopeCode,
    department: u.department,
    phone: u.phone ? `${u.phone.slice(0, 3)}****${u.phone.slice(-4)}` : null,
    active: u.active,
  };
}

export class UserService {
  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
  ) {}

  async toDto(rows: UserRow[]): Promise<UserDto[]> {
    const codes = [...new Set(rows.map((r) => r.scopeCode).filter((c): c is string => !!c))];
    const names = new Map((await this.regions.namesOf(codes)).map((r) => [r.code, r]));
    return rows.map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      scope: u.scopeCode ? (names.get(u.scopeCode) ?? { code: u.scopeCode, name: u.scopeCode, level: '' }) : null,
      department: u.department,
      phone: u.phone,
      active: u.active,
      lockedUntil: u.lockedUntil && u.lockedUntil.getTime() > Date.now() ? u.lockedUntil.toISOString() : null,
      createdAt: u.createdAt.toISOString(),
    }));
  }

  async list(actor: Actor | undefined, q: { search?: string; role?: string; cursor?: string; limit: number }) {
    const scope = scopeOf(actor, 'user.read');
    const rows = await authRepo.list(this.db, {
      scopePath: scope,
      includeUnscoped: actor!.role === 'city_admin',
      search: q.search?.trim() || undefined,
      role: q.role,
      afterId: q.cursor ? Number(q.cursor) : undefined,
      limit: q.limit + 1,
    });
    const more = rows.length > q.limit;
    const items = await this.toDto(more ? rows.slice(0, q.limit) : rows);
    return { items, nextCursor: more ? String(items[items.length - 1]!.id) : null };
  }

  /** The scope a role may hold, checked against the region tree and the actor's own scope. */
  private async resolveScope(actor: Actor, role: Role, scopeCode: string | null | undefined) {
    const levels = SCOPE_LEVELS[role];
    if (!levels) {
      // Residents belong to no scope; only a city administrator manages them.
      if (actor.role !== 'city_admin') throw new AppError('scope.forbidden');
      return { scopeCode: null, scopePath: null };
    }
    if (!scopeCode) throw invalidField('scopeCode', 'required', { zh: '该角色必须指定管辖范围', en: 'is required for this role' });
    const region = await this.regions.lookup(scopeCode);
    if (!region) throw invalidField('scopeCode', 'exists', { zh: '区划或网格不存在', en: 'no such region' });
    if (!levels.includes(region.level)) {
      throw new AppError('user.scope_level_mismatch', {
        fields: [{ field: 'scopeCode', rule: 'scope_level', message: { zh: `该角色的管辖范围应为：${levels.join('/')}`, en: `must be a ${levels.join('/')}` } }],
      });
    }
    authorize(actor, 'user.write', { path: region.path });
    return { scopeCode: region.code, scopePath: region.path };
  }

  private checkGrantable(actor: Actor, role: string): Role {
    if (!isRole(role)) throw invalidField('role', 'enum', { zh: '未知角色', en: 'unknown role' });
    if (ROLE_RANK[role] > ROLE_RANK[actor.role]) throw new AppError('user.role_not_grantable');
    return role;
  }

  async create(actor: Actor | undefined, input: CreateUserInput, ctx: AuditContext): Promise<UserDto> {
    authorize(actor, 'user.write');
    const username = normaliseUsername(input.username);
    if (!/^[a-z0-9][a-z0-9_.-]{2,31}$/.test(username)) {
      throw invalidField('username', 'format', { zh: '3-32 位小写字母、数字、下划线、点或横线', en: '3-32 lower-case letters, digits, _ . -' });
    }
    const role = this.checkGrantable(actor, input.role);
    const scope = await this.resolveScope(actor, role, input.scopeCode);
    checkPasswordStrength(input.password, username, 'password');
    const passwordHash = await hashPassword(input.password);
    const row = await this.db.transaction(async (tx) => {
      if (await authRepo.findByUsername(tx, username)) {
        throw new AppError('user.username_taken', { fields: [{ field: 'username', rule: 'unique', message: { zh: '已被使用', en: 'is taken' } }] });
      }
      const u = await authRepo.insert(tx, {
        username,
        displayName: input.displayName.trim(),
        passwordHash,
        role,
        ...scope,
        department: input.department?.trim() || null,
        phone: input.phone?.trim() || null,
      });
      await recordAudit(tx, ctx, { action: 'user.create', entityType: 'user', entityId: u.id, scopePath: u.scopePath, after: auditView(u) });
      return u;
    });
    return (await this.toDto([row]))[0]!;
  }

  /** Load a user the actor may manage: inside their scope and not ranked above them. */
  private async loadManaged(actor: Actor | undefined, id: number): Promise<UserRow> {
    authorize(actor, 'user.write');
    const u = await authRepo.findById(this.db, id);
    if (!u) throw new AppError('user.not_found');
    if (u.scopePath) authorize(actor, 'user.write', { path: u.scopePath });
    else if (actor.role !== 'city_admin') throw new AppError('scope.forbidden');
    if (isRole(u.role) && ROLE_RANK[u.role] > ROLE_RANK[actor.role]) throw new AppError('user.outranks_you');
    return u;
  }

  async update(actor: Actor | undefined, id: number, patch: UpdateUserInput, ctx: AuditContext): Promise<UserDto> {
    const before = await this.loadManaged(actor, id);
    const a = actor!;
    const changes: Partial<UserRow> = {};
    if (patch.displayName !== undefined) changes.displayName = patch.displayName.trim();
    if (patch.department !== undefined) changes.department = patch.department?.trim() || null;
    if (patch.phone !== undefined) changes.phone = patch.phone?.trim() || null;
    if (patch.active !== undefined) {
      if (id === a.id && !patch.active) throw invalidField('active', 'self', { zh: '不能停用自己的账号', en: 'you cannot disable yourself' });
      changes.active = patch.active;
    }
    if (patch.role !== undefined || patch.scopeCode !== undefined) {
      const role = this.checkGrantable(a, patch.role ?? before.role);
      Object.assign(changes, { role }, await this.resolveScope(a, role, patch.scopeCode === undefined ? before.scopeCode : patch.scopeCode));
    }
    if (patch.password !== undefined) {
      checkPasswordStrength(patch.password, before.username, 'password');
      changes.passwordHash = await hashPassword(patch.password);
      changes.passwordChangedAt = new Date();
    }
    const after = await this.db.transaction(async (tx) => {
      const u = await authRepo.update(tx, id, changes);
      // A reset password, a disabled account or a changed scope ends every open session.
      if (changes.passwordHash || changes.active === false || changes.scopePath !== undefined || changes.role) {
        await authRepo.deleteUserSessions(tx, id);
      }
      await recordAudit(tx, ctx, {
        action: 'user.update',
        entityType: 'user',
        entityId: id,
        scopePath: u.scopePath ?? before.scopePath,
        before: auditView(before),
        after: { ...auditView(u), ...(changes.passwordHash ? { passwordReset: true } : {}) },
      });
      return u;
    });
    return (await this.toDto([after]))[0]!;
  }

  async unlock(actor: Actor | undefined, id: number, ctx: AuditContext): Promise<UserDto> {
    const before = await this.loadManaged(actor, id);
    const u = await this.db.transaction(async (tx) => {
      const u = await authRepo.update(tx, id, { failedAttempts: 0, lockedUntil: null });
      await recordAudit(tx, ctx, {
        action: 'user.unlock',
        entityType: 'user',
        entityId: id,
        scopePath: u.scopePath,
        before: { lockedUntil: before.lockedUntil?.toISOString() ?? null },
        after: { lockedUntil: null },
      });
      return u;
    });
    return (await this.toDto([u]))[0]!;
  }

  /**
   * Create a user without an acting person (seeding and `gridwork users create`), skipping the
   * strength policy only where the caller says so (published demo credentials). Returns false
   * when the username already exists.
   */
  async ensureSystemUser(
    input: CreateUserInput & { role: Role },
    ctx: AuditContext,
    opts: { skipPasswordPolicy?: boolean } = {},
  ): Promise<boolean> {
    const username = normaliseUsername(input.username);
    if (await authRepo.findByUsername(this.db, username)) return false;
    let scope: { scopeCode: string | null; scopePath: string | null } = { scopeCode: null, scopePath: null };
    if (SCOPE_LEVELS[input.role]) {
      const region = input.scopeCode ? await this.regions.lookup(input.scopeCode) : null;
      if (!region || !SCOPE_LEVELS[input.role]!.includes(region.level)) {
        throw invalidField('scopeCode', 'scope_level', { zh: '管辖范围不存在或层级不匹配', en: 'no such region, or wrong level for the role' });
      }
      scope = { scopeCode: region.code, scopePath: region.path };
    }
    if (!opts.skipPasswordPolicy) checkPasswordStrength(input.password, username, 'password');
    const passwordHash = await hashPassword(input.password);
    await this.db.transaction(async (tx) => {
      const u = await authRepo.insert(tx, {
        username,
        displayName: input.displayName,
        passwordHash,
        role: input.role,
        ...scope,
        department: input.department ?? null,
        phone: input.phone ?? null,
      });
      await recordAudit(tx, ctx, { action: 'user.create', entityType: 'user', entityId: u.id, scopePath: u.scopePath, after: auditView(u) });
    });
    return true;
  }
}
