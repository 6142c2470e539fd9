import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError, invalidField } from '../../platform/errors/index.js';
import { authorize, scopeOf, type Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import type { RegionService } from '../regions/service.js';
import { blankToNull, listScope, regionFromCode, regionRefs } from '../orgs/location.js';
import { byId, cursorId, missingRef, pageOf, type OrgService, type Page, type PartyOrgLookup } from '../orgs/service.js';
import { isUniqueViolation } from '../orgs/repo.js';
import { partyRepo, type MemberFilter, type MemberRow, type PartyOrgRow, type PartyOrgView } from './repo.js';
import {
  PARTY_LEVEL_ZH,
  type CreateMemberBody,
  type CreatePartyOrgBody,
  type MemberListQuery,
  type PartyLevel,
  type PartyMemberDto,
  type PartyOrgDetailDto,
  type PartyOrgDto,
  type PartyOrgListQuery,
  type UpdateMemberBody,
  type UpdatePartyOrgBody,
} from './contracts.js';

/**
 * Names (and masked ID numbers) of people, from the population registry. The people module
 * provides the real one; until it is wired, members show their personId only.
 */
export interface PeopleDirectory {
  namesOf(ids: number[]): Promise<Map<number, { name: string; idMasked?: string }>>;
}

/** Which levels may sit directly above each level ("levels must nest"). Only a committee may be a root. */
export const ALLOWED_PARENTS: Record<PartyLevel, readonly PartyLevel[]> = {
  committee: ['committee'],
  general_branch: ['committee'],
  branch: ['committee', 'general_branch'],
  group: ['branch'],
};
const ROOT_LEVELS: readonly PartyLevel[] = ['committee'];
/** Width of party_orgs.tree_path. */
const MAX_TREE_PATH = 256;

function badParent(rule: string, zh: string, en: string): AppError {
  return new AppError('party.bad_parent', { fields: [{ field: 'parentId', rule, message: { zh, en } }] });
}

/**
 * Where a party organisation may hang: the parent's level must fit, and the organisation must sit
 * in the parent's region or below it, so every subtree of party organisations stays inside the
 * region subtree of its top (which is what lets scope checks on a parent cover its children).
 */
export function checkPlacement(level: PartyLevel, parent: Pick<PartyOrgRow, 'level' | 'regionPath'> | null, regionPath: string): void {
  if (!parent) {
    if (!ROOT_LEVELS.includes(level)) {
      throw badParent('required', `${PARTY_LEVEL_ZH[level]}必须有上级党组织`, `a ${level} needs a parent`);
    }
    return;
  }
  const allowed = ALLOWED_PARENTS[level];
  if (!allowed.includes(parent.level as PartyLevel)) {
    throw badParent(
      'parent_level',
      `${PARTY_LEVEL_ZH[level]}的上级应为${allowed.map((l) => PARTY_LEVEL_ZH[l]).join('或')}，不能是${PARTY_LEVEL_ZH[parent.level as PartyLevel] ?? parent.level}`,
      `the parent of a ${level} must be a ${allowed.join(' or ')}, not a ${parent.level}`,
    );
  }
  if (!regionPath.startsWith(parent.regionPath)) {
    throw badParent('parent_region', '应位于上级党组织所在区划或其下级区划内', "must sit in the parent's region or below it");
  }
}

const memberExists = () =>
  new AppError('party.member_exists', { fields: [{ field: 'personId', rule: 'unique', message: { zh: '该人员已登记为党员', en: 'is already a party member' } }] });

const today = () => new Date().toISOString().slice(0, 10);

export class PartyService implements PartyOrgLookup {
  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
    private readonly orgs: OrgService,
    private people: PeopleDirectory | null = null,
  ) {}

  /** Wire the population registry's directory (the people module). */
  usePeopleDirectory(people: PeopleDirectory): void {
    this.people = people;
  }

  async refs(db: DbOrTx, ids: number[]) {
    return new Map((await partyRepo.refs(db, ids)).map((r) => [r.id, r]));
  }

  // ---- party organisations --------------------------------------------------------------------

  /** Load a party organisation and check the actor may act on it; `field` names the request field that referenced it. */
  private async load(actor: Actor | undefined, action: 'party.read' | 'party.write', id: number, field?: string): Promise<PartyOrgView> {
    authorize(actor, action);
    const row = await partyRepo.get(this.db, id);
    if (!row) throw field ? missingRef('party.org_not_found', field) : new AppError('party.org_not_found');
    authorize(actor, action, { path: row.regionPath });
    return row;
  }

  private async toDtos(rows: PartyOrgView[]): Promise<PartyOrgDto[]> {
    const regionOf = await regionRefs(this.regions, rows.map((r) => r.regionPath));
    const orgs = await this.orgs.refs(this.db, rows.map((r) => r.organisationId).filter((x): x is number => x != null));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      level: r.level,
      levelName: PARTY_LEVEL_ZH[r.level as PartyLevel] ?? r.level,
      parentId: r.parentId,
      region: regionOf(r.regionPath),
      attachedTo: r.organisationId != null ? ('organisation' as const) : ('region' as const),
      organisation: r.organisationId != null ? { id: r.organisationId, name: orgs.get(r.organisationId)?.name ?? '' } : null,
      secretary: r.secretary,
      foundedOn: r.foundedOn,
      childCount: r.childCount,
      memberCount: r.memberCount,
      updatedAt: r.updatedAt.toISOString(),
    }));
  }

  /** Children of a party organisation, or (without parentId) the top ones visible in a region. */
  async listOrgs(actor: Actor | undefined, q: PartyOrgListQuery): Promise<PartyOrgDto[]> {
    if (q.parentId) {
      const parent = await this.load(actor, 'party.read', q.parentId, 'parentId');
      const path = await listScope(this.regions, actor, 'party.read', q.region);
      return this.toDtos(await partyRepo.children(this.db, parent.id, path));
    }
    const path = await listScope(this.regions, actor, 'party.read', q.region);
    return this.toDtos(await partyRepo.tops(this.db, path));
  }

  async getOrg(actor: Actor | undefined, id: number): Promise<PartyOrgDetailDto> {
    const row = await this.load(actor, 'party.read', id);
    const scope = scopeOf(actor, 'party.read');
    const ancestorIds = row.treePath.split('/').filter(Boolean).map(Number).filter((x) => x !== id);
    const anc = await this.refs(this.db, ancestorIds);
    const [dto] = await this.toDtos([row]);
    return {
      ...dto!,
      ancestors: ancestorIds
        .map((a) => anc.get(a))
        .filter((a): a is NonNullable<typeof a> => !!a && a.regionPath.startsWith(scope))
        .map((a) => ({ id: a.id, name: a.name, level: a.level })),
      members: await partyRepo.memberStats(this.db, id, row.treePath),
    };
  }

  /** A parent named in a request: visible to the actor (you can only hang things on what you can see). */
  private async loadParent(actor: Actor | undefined, parentId: number): Promise<PartyOrgView> {
    return this.load(actor, 'party.read', parentId, 'parentId');
  }

  async createOrg(actor: Actor | undefined, input: CreatePartyOrgBody, ctx: AuditContext): Promise<PartyOrgDetailDto> {
    authorize(actor, 'party.write');
    if ((input.regionCode === undefined) === (input.organisationId === undefined)) {
      throw invalidField('regionCode', 'attach_one', {
        zh: '请二选一：所在区划（regionCode）或所属组织（organisationId）',
        en: 'give exactly one of regionCode and organisationId',
      });
    }
    let regionPath: string;
    let regionCode: string | null = null;
    if (input.regionCode !== undefined) {
      const node = await regionFromCode(this.regions, actor, 'party.write', input.regionCode, 'regionCode');
      regionPath = node.path;
      regionCode = node.code;
    } else {
      const org = (await this.orgs.refs(this.db, [input.organisationId!])).get(input.organisationId!);
      if (!org) throw missingRef('org.not_found', 'organisationId');
      authorize(actor, 'party.write', { path: org.regionPath });
      // Attaching sets the organisation's coverage, a change to the organisation itself.
      authorize(actor, 'org.write', { path: org.regionPath });
      regionPath = org.regionPath;
    }
    const parent = input.parentId ? await this.loadParent(actor, input.parentId) : null;
    checkPlacement(input.level, parent, regionPath);
    const id = await this.db.transaction(async (tx) => {
      const row = await partyRepo.insert(tx, {
        name: input.name.trim(),
        level: input.level,
        parentId: parent?.id ?? null,
        treePath: '',
        regionCode,
        regionPath,
        organisationId: input.organisationId ?? null,
        secretary: blankToNull(input.secretary),
        foundedOn: input.foundedOn ?? null,
      });
      // The path holds the row's own id, known only after the insert.
      const treePath = `${parent?.treePath ?? '/'}${row.id}/`;
      if (treePath.length > MAX_TREE_PATH) throw badParent('depth', '党组织层级过深', 'the tree is too deep');
      await partyRepo.update(tx, row.id, { treePath });
      if (input.organisationId) await this.orgs.linkPartyOrg(tx, actor, input.organisationId, row.id, ctx);
      await recordAudit(tx, ctx, { action: 'party_org.create', entityType: 'party_org', entityId: row.id, scopePath: regionPath, after: { ...row, treePath } });
      return row.id;
    });
    return this.getOrg(actor, id);
  }

  async updateOrg(actor: Actor | undefined, id: number, patch: UpdatePartyOrgBody, ctx: AuditContext): Promise<PartyOrgDetailDto> {
    const current = await this.load(actor, 'party.write', id);
    const moving = patch.parentId !== undefined && patch.parentId !== current.parentId;
    const parent = moving && patch.parentId ? await this.loadParent(actor, patch.parentId) : null;
    if (moving) checkPlacement(current.level as PartyLevel, parent, current.regionPath);
    await this.db.transaction(async (tx) => {
      // Lock the node and its new parent, then re-check on fresh rows: two crossing moves cannot build a cycle.
      const locked = await partyRepo.lockMany(tx, parent ? [id, parent.id] : [id]);
      const before = locked.get(id);
      if (!before) throw new AppError('party.org_not_found');
      const changes: Partial<PartyOrgRow> = {};
      if (patch.name !== undefined) changes.name = patch.name.trim();
      if (patch.secretary !== undefined) changes.secretary = blankToNull(patch.secretary);
      if (patch.foundedOn !== undefined) changes.foundedOn = patch.foundedOn;
      if (moving) {
        const freshParent = parent ? locked.get(parent.id) : null;
        if (parent && !freshParent) throw missingRef('party.org_not_found', 'parentId');
        if (freshParent && freshParent.treePath.startsWith(before.treePath)) {
          throw badParent('cycle', '不能移到自身或其下级党组织之下', 'cannot move under itself or its own descendant');
        }
        changes.parentId = freshParent?.id ?? null;
        changes.treePath = `${freshParent?.treePath ?? '/'}${id}/`;
        if (changes.treePath.length > MAX_TREE_PATH) throw badParent('depth', '党组织层级过深', 'the tree is too deep');
        await partyRepo.moveSubtree(tx, before.treePath, changes.treePath);
      }
      await partyRepo.update(tx, id, changes);
      await recordAudit(tx, ctx, {
        action: 'party_org.update',
        entityType: 'party_org',
        entityId: id,
        scopePath: before.regionPath,
        before: Object.fromEntries(Object.keys(changes).map((k) => [k, before[k as keyof PartyOrgRow]])),
        after: changes,
      });
    });
    return this.getOrg(actor, id);
  }

  // ---- party members ----------------------------------------------------------------------------

  private async toMemberDtos(rows: MemberRow[]): Promise<PartyMemberDto[]> {
    const regionOf = await regionRefs(this.regions, [...rows.map((r) => r.regionPath), ...rows.map((r) => r.homeCommunityCode).filter((c): c is string => !!c)]);
    const orgs = await this.refs(this.db, [...new Set(rows.map((r) => r.partyOrgId))]);
    const people = this.people ? await this.people.namesOf([...new Set(rows.map((r) => r.personId))]) : new Map<number, { name: string; idMasked?: string }>();
    return rows.map((r) => ({
      id: r.id,
      personId: r.personId,
      name: people.get(r.personId)?.name ?? null,
      idMasked: people.get(r.personId)?.idMasked ?? null,
      partyOrg: { id: r.partyOrgId, name: orgs.get(r.partyOrgId)?.name ?? '' },
      region: regionOf(r.regionPath),
      membership: r.membership,
      joinedOn: r.joinedOn,
      inService: r.inService,
      workUnit: r.workUnit,
      homeCommunity: r.homeCommunityCode ? regionOf(r.homeCommunityCode) : null,
      reportedOn: r.reportedOn,
      updatedAt: r.updatedAt.toISOString(),
    }));
  }

  /**
   * Members of party organisations in the caller's scope, plus in-service members who registered
   * at a community in it (双报到: the community works with them though their branch is elsewhere).
   */
  async listMembers(actor: Actor | undefined, q: MemberListQuery): Promise<Page<PartyMemberDto>> {
    const f: MemberFilter = { scopePath: scopeOf(actor, 'party.read'), inService: q.inService, membership: q.membership };
    if (q.orgId) {
      const org = await this.load(actor, 'party.read', q.orgId, 'orgId');
      if (q.subtree) f.treePath = org.treePath;
      else f.orgId = org.id;
    }
    if (q.homeCommunity) f.homeCommunity = (await this.homeCommunity(q.homeCommunity, 'homeCommunity')).code;
    const limit = q.limit ?? 50;
    const { items, nextCursor } = pageOf(await partyRepo.listMembers(this.db, f, cursorId(q.cursor), limit + 1), limit, byId);
    return { items: await this.toMemberDtos(items), nextCursor };
  }

  /** 双报到 goes to a community (社区/村), anywhere in the city: not checked against the caller's scope. */
  private async homeCommunity(code: string, field: string) {
    const node = await this.regions.lookup(code);
    if (!node || node.level !== 'community') {
      throw invalidField(field, 'community_level', { zh: '应为社区（村）代码：在职党员到居住地社区报到', en: 'must be a community code' });
    }
    return node;
  }

  private async checkPerson(personId: number): Promise<void> {
    if (!this.people) return;
    if (!(await this.people.namesOf([personId])).has(personId)) {
      throw invalidField('personId', 'exists', { zh: '人口库中没有该人员，请先登记', en: 'no such person in the population registry' });
    }
  }

  /** In-service and home community go together: only in-service members register at home. */
  private checkHome(inService: boolean, home: string | null): void {
    if (home && !inService) {
      throw invalidField('homeCommunityCode', 'in_service_only', {
        zh: '只有在职党员到居住地社区报到（双报到），请同时设置 inService',
        en: 'only in-service members register at their home community; set inService',
      });
    }
  }

  /**
   * Register many members in one go (seeding, bulk transfers) inside a caller's transaction.
   * The caller has checked the people and organisations; each row's region is its organisation's.
   */
  async addMembersBulk(
    tx: DbOrTx,
    rows: { personId: number; partyOrgId: number; regionPath: string; membership?: string; joinedOn?: string | null; inService?: boolean; workUnit?: string | null; homeCommunityCode?: string | null; reportedOn?: string | null }[],
  ): Promise<number> {
    return partyRepo.insertMembers(
      tx,
      rows.map((r) => ({
        personId: r.personId,
        partyOrgId: r.partyOrgId,
        regionPath: r.regionPath,
        membership: r.membership ?? 'full',
        joinedOn: r.joinedOn ?? null,
        inService: r.inService ?? false,
        workUnit: r.workUnit ?? null,
        homeCommunityCode: r.homeCommunityCode ?? null,
        reportedOn: r.reportedOn ?? null,
      })),
    );
  }

  async createMember(actor: Actor | undefined, input: CreateMemberBody, ctx: AuditContext): Promise<PartyMemberDto> {
    const org = await this.load(actor, 'party.write', input.partyOrgId, 'partyOrgId');
    const inService = input.inService ?? false;
    this.checkHome(inService, input.homeCommunityCode ?? null);
    const home = input.homeCommunityCode ? await this.homeCommunity(input.homeCommunityCode, 'homeCommunityCode') : null;
    await this.checkPerson(input.personId);
    let row: MemberRow;
    try {
      row = await this.db.transaction(async (tx) => {
        if (await partyRepo.memberIdByPerson(tx, input.personId)) throw memberExists();
        const m = await partyRepo.insertMember(tx, {
          personId: input.personId,
          partyOrgId: org.id,
          membership: input.membership ?? 'full',
          joinedOn: input.joinedOn ?? null,
          inService,
          workUnit: blankToNull(input.workUnit),
          homeCommunityCode: home?.code ?? null,
          reportedOn: home ? (input.reportedOn ?? today()) : (input.reportedOn ?? null),
          regionPath: org.regionPath,
        });
        await recordAudit(tx, ctx, { action: 'party_member.create', entityType: 'party_member', entityId: m.id, scopePath: m.regionPath, after: m });
        return m;
      });
    } catch (e) {
      if (isUniqueViolation(e, 'party_members_person_uq')) throw memberExists();
      throw e;
    }
    return (await this.toMemberDtos([row]))[0]!;
  }

  async updateMember(actor: Actor | undefined, id: number, patch: UpdateMemberBody, ctx: AuditContext): Promise<PartyMemberDto> {
    authorize(actor, 'party.write');
    const current = await partyRepo.getMember(this.db, id);
    if (!current) throw new AppError('party.member_not_found');
    authorize(actor, 'party.write', { path: current.regionPath });
    const changes: Partial<MemberRow> = {};
    if (patch.partyOrgId !== undefined && patch.partyOrgId !== current.partyOrgId) {
      // A transfer needs write access at both ends.
      const to = await this.load(actor, 'party.write', patch.partyOrgId, 'partyOrgId');
      Object.assign(changes, { partyOrgId: to.id, regionPath: to.regionPath });
    }
    const home = patch.homeCommunityCode === undefined ? current.homeCommunityCode : patch.homeCommunityCode;
    this.checkHome(patch.inService ?? current.inService, home);
    if (patch.homeCommunityCode !== undefined && patch.homeCommunityCode !== current.homeCommunityCode) {
      changes.homeCommunityCode = patch.homeCommunityCode ? (await this.homeCommunity(patch.homeCommunityCode, 'homeCommunityCode')).code : null;
      if (changes.homeCommunityCode && patch.reportedOn === undefined) changes.reportedOn = today();
    }
    for (const k of ['membership', 'joinedOn', 'inService', 'reportedOn'] as const) if (patch[k] !== undefined) Object.assign(changes, { [k]: patch[k] });
    if (patch.workUnit !== undefined) changes.workUnit = blankToNull(patch.workUnit);
    const row = await this.db.transaction(async (tx) => {
      const before = await partyRepo.getMemberForUpdate(tx, id);
      if (!before) throw new AppError('party.member_not_found');
      authorize(actor, 'party.write', { path: before.regionPath });
      const after = await partyRepo.updateMember(tx, id, changes);
      await recordAudit(tx, ctx, {
        action: 'party_member.update',
        entityType: 'party_member',
        entityId: id,
        scopePath: after.regionPath,
        before: Object.fromEntries(Object.keys(changes).map((k) => [k, before[k as keyof MemberRow]])),
        after: changes,
      });
      return after;
    });
    return (await this.toMemberDtos([row]))[0]!;
  }
}

