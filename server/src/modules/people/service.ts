import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError, invalidField, type FieldErrorSpec } from '../../platform/errors/index.js';
import { authorize, can, scopeOf, type Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import { likeEscape, queryGrams, textGrams } from '../../platform/text/grams.js';
import { parseCitizenId } from '../../platform/identity/citizenId.js';
import { maskCitizenId, maskPhone, normalisePii, type PiiCipher } from '../../platform/pii/index.js';
import { initialProvenance, mergeFields, type FieldConflict, type ImportSource, type IncomingField, type Provenance } from '../../platform/provenance/index.js';
import type { RegionService } from '../regions/service.js';
import { requireCode } from '../regions/service.js';
import type { HousingService } from '../housing/service.js';
import { parsePlaceCursor, placeCursorOf } from '../../platform/http/placeCursor.js';
import { cursorPages, streamTable, type Column, type TabularFormat } from '../../platform/export/tabular.js';
import { peopleRepo, type NewPersonRow, type PersonListRow, type PersonRow } from './repo.js';

export const POLITICAL_STATUSES = ['masses', 'cpc_member', 'cpc_probationary', 'cyl_member', 'democratic_party', 'other'] as const;
export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other'] as const;

export interface PersonDto {
  id: number;
  name: string;
  sex: string;
  birthDate: string;
  age: number;
  idNumber: string;
  phone: string | null;
  ethnicity: string | null;
  politicalStatus: string;
  status: string;
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

const codeOfPath = (p: string) => (p.length <= 12 ? p.padEnd(12, '0') : p);

export function ageOn(birthDate: string, today = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = today.getFullYear() - y;
  if (today.getMonth() + 1 < m || (today.getMonth() + 1 === m && today.getDate() < d)) age--;
  return age;
}

/** Mainland mobile (11 digits from 1) or a landline with area code. */
export function validPhone(p: string): boolean {
  const n = normalisePii('phone', p);
  return /^1[3-9]\d{9}$/.test(n) || /^0\d{2,3}\d{7,8}$/.test(n);
}

export interface PersonInput {
  name?: string;
  idNumber?: string;
  sex?: 'male' | 'female';
  birthDate?: string;
  phone?: string | null;
  ethnicity?: string | null;
  politicalStatus?: string;
  registeredAddress?: string | null;
  houseId?: number | null;
  regionCode?: string;
  tags?: string[];
}

export class PeopleService {
  constructor(
    private readonly db: Db,
    private readonly pii: PiiCipher,
    private readonly regions: RegionService,
    private readonly housing: HousingService,
  ) {
    housing.setHouseholdDirectory({
      byHouses: async (ids) => {
        const rows = await peopleRepo.householdsByHouses(this.db, ids);
        const out = new Map<number, { id: number; colour: string | null; headName: string | null; members: number }[]>();
        for (const r of rows) {
          const list = out.get(r.houseId!) ?? [];
          list.push({ id: r.id, colour: r.colour, headName: r.headName, members: r.members });
          out.set(r.houseId!, list);
        }
        return out;
      },
    });
  }

  private async toDtos(rows: PersonListRow[] | PersonRow[]): Promise<PersonDto[]> {
    const houses = await this.housing.housesInfo([...new Set(rows.map((r) => r.houseId).filter((x): x is number => x != null))]);
    return rows.map((r) => {
      const l = r as Partial<PersonListRow>;
      return {
        id: r.id,
        name: r.name,
        sex: r.sex,
        birthDate: r.birthDate,
        age: ageOn(r.birthDate),
        idNumber: r.idMasked,
        phone: r.phoneMasked,
        ethnicity: r.ethnicity,
        politicalStatus: r.politicalStatus,
        status: r.status,
        tags: r.tags,
        regionCode: codeOfPath(r.regionPath),
        houseId: r.houseId,
        address: r.houseId ? (houses.get(r.houseId)?.address ?? null) : null,
        registeredAddress: r.registeredAddress,
        householdId: l.householdId ?? null,
        relation: l.relation ?? null,
        colour: l.colour ?? null,
        version: r.version,
      };
    });
  }

  async list(
    actor: Actor | undefined,
    q: { q?: string; idNumber?: string; phone?: string; address?: string; tags?: string[]; colour?: string; region?: string; status?: string; cursor?: string; limit: number },
  ) {
    const scope = scopeOf(actor, 'person.read');
    let regionPath: string | undefined;
    if (q.region) {
      regionPath = requireCode(q.region, 'region').path;
      authorize(actor, 'person.read', { path: regionPath });
    }
    const name = q.q?.trim();
    const rows = await peopleRepo.list(this.db, {
      scopePath: scope,
      regionPath,
      nameGrams: name ? queryGrams(name) : undefined,
      nameLike: name ? `%${likeEscape(name)}%` : undefined,
      idHash: q.idNumber ? this.pii.blindIndex('id', q.idNumber) : undefined,
      phoneHash: q.phone ? this.pii.blindIndex('phone', q.phone) : undefined,
      houseIds: q.address?.trim() ? await this.housing.idsByAddress(regionPath ?? scope, q.address.trim()) : undefined,
      tags: q.tags?.length ? q.tags : undefined,
      colour: q.colour,
      status: q.status,
      after: parsePlaceCursor(q.cursor),
      limit: q.limit + 1,
    });
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const items = await this.toDtos(page);
    return { items, nextCursor: more ? placeCursorOf(page[page.length - 1]!) : null };
  }

  private async loadScoped(actor: Actor | undefined, action: 'person.read' | 'person.write' | 'person.unmask', id: number, db: DbOrTx = this.db, lock = false) {
    authorize(actor, action);
    const p = lock ? await peopleRepo.getForUpdate(db, id) : await peopleRepo.get(db, id);
    if (!p) throw new AppError('person.not_found');
    authorize(actor, action, { path: p.regionPath });
    return p;
  }

  async get(actor: Actor | undefined, id: number) {
    const p = await this.loadScoped(actor, 'person.read', id);
    const membership = await peopleRepo.currentMembership(this.db, id);
    const household = membership ? await this.householdDetail(membership.householdId) : null;
    const [dto] = await this.toDtos([{ ...p, householdId: household?.id ?? null, colour: household?.colour ?? null, relation: membership?.relation ?? null }]);
    return {
      ...dto!,
      household,
      events: await peopleRepo.events(this.db, { personId: id }),
      provenance: p.provenance as Provenance,
      canUnmask: can(actor!, 'person.unmask'),
    };
  }

  private async householdDetail(householdId: number) {
    const h = await peopleRepo.household(this.db, householdId);
    if (!h) return null;
    const members = await peopleRepo.members(this.db, householdId);
    const house = h.houseId ? (await this.housing.housesInfo([h.houseId])).get(h.houseId) : undefined;
    return {
      id: h.id,
      householdNo: h.householdNo,
      colour: h.colour,
      colourNote: h.colourNote,
      status: h.status,
      houseId: h.houseId,
      address: house?.address ?? null,
      headPersonId: h.headPersonId,
      regionCode: codeOfPath(h.regionPath),
      members: members.map((m) => ({ personId: m.m.personId, name: m.name, relation: m.m.relation, sex: m.sex, age: ageOn(m.birthDate), status: m.status, since: m.m.since })),
    };
  }

  /** Show an ID number or phone in full: only for roles that need it, and always audited. */
  async unmask(actor: Actor | undefined, id: number, field: 'idNumber' | 'phone', reason: string, ctx: AuditContext): Promise<{ value: string | null }> {
    const p = await this.loadScoped(actor, 'person.unmask', id);
    const enc = field === 'idNumber' ? p.idEnc : p.phoneEnc;
    const value = enc ? this.pii.decrypt(enc) : null;
    await recordAudit(this.db, ctx, { action: 'person.unmask', entityType: 'person', entityId: id, scopePath: p.regionPath, after: { field, reason } });
    return { value };
  }

  /** Where a person lives decides their region: the house's grid, or a given community/grid. */
  private async placeOf(input: { houseId?: number | null; regionCode?: string }): Promise<{ houseId: number | null; regionPath: string }> {
    if (input.houseId) {
      const h = (await this.housing.housesInfo([input.houseId])).get(input.houseId);
      if (!h) throw invalidField('houseId', 'exists', { zh: '房屋不存在', en: 'no such house' });
      return { houseId: h.id, regionPath: h.regionPath };
    }
    if (input.regionCode) {
      const r = requireCode(input.regionCode, 'regionCode');
      if (!['community', 'grid', 'microgrid'].includes(r.level)) {
        throw invalidField('regionCode', 'level', { zh: '应为社区、网格或微网格', en: 'must be a community, grid or micro-grid' });
      }
      if (!(await this.regions.lookup(r.code))) throw invalidField('regionCode', 'exists', { zh: '区划不存在', en: 'no such region' });
      return { houseId: null, regionPath: r.path };
    }
    throw invalidField('houseId', 'required', { zh: '请选择实际居住房屋或所属社区/网格', en: 'give the house lived in, or a community/grid' });
  }

  /** Validate an ID number and cross-check given sex and birth date against it. */
  private identity(input: PersonInput): { id: string; sex: string; birthDate: string; warnings: FieldErrorSpec[] } {
    const r = parseCitizenId(input.idNumber ?? '');
    if (!r.ok) throw new AppError('request.invalid', { fields: r.issues.filter((i) => i.severity === 'error').map((i) => ({ field: 'idNumber', rule: i.rule, message: { zh: i.zh, en: i.en } })) });
    const fields: FieldErrorSpec[] = [];
    if (input.sex && input.sex !== r.info.sex) fields.push({ field: 'sex', rule: 'id_mismatch', message: { zh: '与身份证号不符', en: 'does not match the ID number' } });
    if (input.birthDate && input.birthDate !== r.info.birthDate) fields.push({ field: 'birthDate', rule: 'id_mismatch', message: { zh: '与身份证号不符', en: 'does not match the ID number' } });
    if (fields.length) throw new AppError('request.invalid', { fields });
    return { id: r.info.id, sex: r.info.sex, birthDate: r.info.birthDate, warnings: r.info.issues.map((i) => ({ field: 'idNumber', rule: i.rule, message: { zh: i.zh, en: i.en } })) };
  }

  private async checkTags(tags: string[] | undefined): Promise<string[]> {
    if (!tags) return [];
    const known = new Set((await peopleRepo.tags(this.db)).filter((t) => t.active).map((t) => t.code));
    const unknown = tags.filter((t) => !known.has(t));
    if (unknown.length) throw invalidField('tags', 'enum', { zh: `未知标签：${unknown.join('、')}`, en: `unknown tags: ${unknown.join(', ')}` });
    return [...new Set(tags)];
  }

  private phoneColumns(phone: string | null | undefined) {
    if (phone === undefined) return {};
    if (phone === null || phone === '') return { phoneEnc: null, phoneHash: null, phoneMasked: null };
    if (!validPhone(phone)) throw invalidField('phone', 'phone_format', { zh: '应为 11 位手机号或带区号的固定电话', en: 'must be an 11-digit mobile or a landline with area code' });
    const n = normalisePii('phone', phone);
    return { phoneEnc: this.pii.encrypt(n), phoneHash: this.pii.blindIndex('phone', n), phoneMasked: maskPhone(n) };
  }

  private auditView(p: PersonRow) {
    return {
      name: p.name,
      idNumber: p.idMasked,
      phone: p.phoneMasked,
      sex: p.sex,
      birthDate: p.birthDate,
      ethnicity: p.ethnicity,
      registeredAddress: p.registeredAddress,
      houseId: p.houseId,
      regionPath: p.regionPath,
      politicalStatus: p.politicalStatus,
      status: p.status,
      tags: p.tags,
      version: p.version,
    };
  }

  async create(actor: Actor | undefined, input: PersonInput & { name: string; idNumber: string }, ctx: AuditContext) {
    authorize(actor, 'person.write');
    const ident = this.identity(input);
    const place = await this.placeOf(input);
    authorize(actor, 'person.write', { path: place.regionPath });
    const tags = await this.checkTags(input.tags);
    const idHash = this.pii.blindIndex('id', ident.id);
    const p = await this.db.transaction(async (tx) => {
      if ((await peopleRepo.byIdHashes(tx, [idHash])).length) {
        throw new AppError('person.duplicate', { fields: [{ field: 'idNumber', rule: 'unique', message: { zh: '该身份证号已登记', en: 'this ID number is already registered' } }] });
      }
      const p = await peopleRepo.insert(tx, {
        name: input.name.trim(),
        nameGrams: textGrams(input.name),
        idEnc: this.pii.encrypt(ident.id),
        idHash,
        idMasked: maskCitizenId(ident.id),
        sex: ident.sex,
        birthDate: ident.birthDate,
        ...this.phoneColumns(input.phone),
        ethnicity: input.ethnicity ?? null,
        registeredAddress: input.registeredAddress ?? null,
        ...place,
        politicalStatus: input.politicalStatus ?? 'masses',
        tags,
        provenance: { _all: { s: 'manual', b: null, t: new Date().toISOString() } },
      });
      await recordAudit(tx, ctx, { action: 'person.create', entityType: 'person', entityId: p.id, scopePath: p.regionPath, after: this.auditView(p) });
      return p;
    });
    return { ...(await this.get(actor, p.id)), warnings: ident.warnings };
  }

  async update(actor: Actor | undefined, id: number, input: PersonInput & { expectedVersion?: number }, ctx: AuditContext) {
    const changes: Partial<NewPersonRow> = {};
    const tags = input.tags !== undefined ? await this.checkTags(input.tags) : undefined;
    const place = input.houseId !== undefined || input.regionCode !== undefined ? await this.placeOf({ houseId: input.houseId, regionCode: input.regionCode }) : undefined;
    if (place) authorize(actor, 'person.write', { path: place.regionPath });
    await this.db.transaction(async (tx) => {
      const before = await this.loadScoped(actor, 'person.write', id, tx, true);
      if (input.expectedVersion !== undefined && input.expectedVersion !== before.version) {
        throw new AppError('person.version_conflict', { extra: { currentVersion: before.version } });
      }
      if (input.name !== undefined) Object.assign(changes, { name: input.name.trim(), nameGrams: textGrams(input.name) });
      if (input.idNumber !== undefined) {
        const ident = this.identity(input);
        const idHash = this.pii.blindIndex('id', ident.id);
        if (idHash !== before.idHash) {
          if ((await peopleRepo.byIdHashes(tx, [idHash])).length) throw invalidField('idNumber', 'unique', { zh: '该身份证号已登记', en: 'already registered' });
          Object.assign(changes, { idEnc: this.pii.encrypt(ident.id), idHash, idMasked: maskCitizenId(ident.id), sex: ident.sex, birthDate: ident.birthDate });
        }
      } else if (input.sex || input.birthDate) {
        throw invalidField(input.sex ? 'sex' : 'birthDate', 'derived', { zh: '性别和出生日期由身份证号决定', en: 'sex and birth date come from the ID number' });
      }
      Object.assign(changes, this.phoneColumns(input.phone));
      if (input.ethnicity !== undefined) changes.ethnicity = input.ethnicity;
      if (input.politicalStatus !== undefined) changes.politicalStatus = input.politicalStatus;
      if (input.registeredAddress !== undefined) changes.registeredAddress = input.registeredAddress;
      if (tags) changes.tags = tags;
      if (place) Object.assign(changes, place);
      const after = await peopleRepo.updateVersioned(tx, before, changes, { changedBy: actor!.id, source: 'manual' });
      await recordAudit(tx, ctx, { action: 'person.update', entityType: 'person', entityId: id, scopePath: after.regionPath, before: this.auditView(before), after: this.auditView(after) });
    });
    return this.get(actor, id);
  }

  async history(actor: Actor | undefined, id: number) {
    await this.loadScoped(actor, 'person.read', id);
    const versions = await peopleRepo.versions(this.db, id);
    return versions.map((v) => {
      const d = v.data as PersonRow;
      return { version: v.version, changedAt: v.changedAt.toISOString(), changedBy: v.changedBy, source: v.source, data: { ...this.auditView(d) } };
    });
  }

  /** Active residents of a political status under a region (party registers, seeding). No scope check. */
  async byPoliticalStatus(pathPrefix: string, status: string) {
    return peopleRepo.byPoliticalStatus(this.db, pathPrefix, status);
  }

  /** Names and masked ID numbers for other modules (party members, tickets). No scope check: callers authorise. */
  async namesOf(ids: number[]): Promise<Map<number, { name: string; idMasked: string }>> {
    const rows = await peopleRepo.getMany(this.db, [...new Set(ids)]);
    return new Map(rows.map((p) => [p.id, { name: p.name, idMasked: p.idMasked }]));
  }

  // ---- life events ---------------------------------------------------------------------------

  /** 迁入: the person moves into a house, joining (or founding) its household. */
  async moveIn(actor: Actor | undefined, personId: number, input: { houseId: number; householdId?: number; relation?: string; occurredOn: string }, ctx: AuditContext) {
    // Look-ups through other services happen before the transaction: on the embedded database a
    // query outside the open transaction would wait for it forever.
    const place = await this.placeOf({ houseId: input.houseId });
    authorize(actor, 'person.write', { path: place.regionPath });
    await this.db.transaction(async (tx) => {
      const p = await this.loadScoped(actor, 'person.write', personId, tx, true);
      await peopleRepo.endMembership(tx, personId, input.occurredOn);
      let householdId = input.householdId;
      if (householdId) {
        const h = await peopleRepo.household(tx, householdId);
        if (!h || h.status !== 'active') throw invalidField('householdId', 'exists', { zh: '户不存在或已注销', en: 'no such active household' });
        authorize(actor, 'person.write', { path: h.regionPath });
      } else {
        householdId = (await peopleRepo.insertHousehold(tx, { houseId: place.houseId, regionPath: place.regionPath, headPersonId: personId })).id;
      }
      await peopleRepo.addMember(tx, { householdId, personId, relation: input.householdId ? (input.relation ?? 'other') : 'head', since: input.occurredOn });
      const after = await peopleRepo.updateVersioned(tx, p, { ...place, status: 'active' }, { changedBy: actor!.id, source: 'event:move_in' });
      // Someone lives there now: a house recorded as vacant or unknown becomes self-occupied.
      if (place.houseId) await this.housing.markOccupied(tx, place.houseId);
      const eventId = await peopleRepo.insertEvent(tx, { kind: 'move_in', personId, householdId, occurredOn: input.occurredOn, regionPath: after.regionPath, details: { fromHouseId: p.houseId, toHouseId: place.houseId }, actorId: actor!.id });
      await recordAudit(tx, ctx, { action: 'person.move_in', entityType: 'person', entityId: personId, scopePath: after.regionPath, before: this.auditView(p), after: { ...this.auditView(after), eventId } });
    });
    return this.get(actor, personId);
  }

  /** 迁出 or 死亡: the person leaves their household; a head must hand over first. */
  async leave(actor: Actor | undefined, personId: number, kind: 'move_out' | 'death', input: { occurredOn: string; newHeadPersonId?: number; note?: string }, ctx: AuditContext) {
    await this.db.transaction(async (tx) => {
      const p = await this.loadScoped(actor, 'person.write', personId, tx, true);
      if (p.status !== 'active') throw new AppError('person.not_active');
      const m = await peopleRepo.currentMembership(tx, personId);
      if (m) {
        const h = (await peopleRepo.household(tx, m.householdId))!;
        const others = (await peopleRepo.members(tx, h.id)).filter((x) => x.m.personId !== personId);
        if (h.headPersonId === personId && others.length) {
          if (!input.newHeadPersonId || !others.some((o) => o.m.personId === input.newHeadPersonId)) {
            throw invalidField('newHeadPersonId', 'required', { zh: '户主离开时须指定该户的新户主', en: 'the household needs a new head from its members' });
          }
          await peopleRepo.updateHousehold(tx, h.id, { headPersonId: input.newHeadPersonId });
          await peopleRepo.setRelation(tx, h.id, input.newHeadPersonId, 'head');
        }
        await peopleRepo.endMembership(tx, personId, input.occurredOn);
        if (!others.length) await peopleRepo.updateHousehold(tx, h.id, { status: 'dissolved' });
      }
      const after = await peopleRepo.updateVersioned(tx, p, { status: kind === 'death' ? 'deceased' : 'moved_out' }, { changedBy: actor!.id, source: `event:${kind}` });
      await peopleRepo.insertEvent(tx, { kind, personId, householdId: m?.householdId ?? null, occurredOn: input.occurredOn, regionPath: p.regionPath, details: { note: input.note ?? null, newHeadPersonId: input.newHeadPersonId ?? null }, actorId: actor!.id });
      await recordAudit(tx, ctx, { action: `person.${kind}`, entityType: 'person', entityId: personId, scopePath: p.regionPath, before: this.auditView(p), after: this.auditView(after) });
    });
    return this.get(actor, personId);
  }

  // ---- households ----------------------------------------------------------------------------

  private async loadHousehold(actor: Actor | undefined, action: 'person.read' | 'person.write', id: number, db: DbOrTx = this.db) {
    authorize(actor, action);
    const h = await peopleRepo.household(db, id);
    if (!h) throw new AppError('household.not_found');
    authorize(actor, action, { path: h.regionPath });
    return h;
  }

  async listHouseholds(actor: Actor | undefined, q: { colour?: string; region?: string; address?: string; cursor?: string; limit: number }) {
    const scope = scopeOf(actor, 'person.read');
    const regionPath = q.region ? requireCode(q.region, 'region').path : undefined;
    if (regionPath) authorize(actor, 'person.read', { path: regionPath });
    const rows = await peopleRepo.listHouseholds(this.db, {
      scopePath: scope,
      regionPath,
      colour: q.colour,
      houseIds: q.address?.trim() ? await this.housing.idsByAddress(regionPath ?? scope, q.address.trim()) : undefined,
      after: parsePlaceCursor(q.cursor),
      limit: q.limit + 1,
    });
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const houses = await this.housing.housesInfo(page.map((r) => r.h.houseId).filter((x): x is number => x != null));
    const items = page.map((r) => ({
      id: r.h.id,
      householdNo: r.h.householdNo,
      colour: r.h.colour,
      headName: r.headName,
      members: r.members,
      houseId: r.h.houseId,
      address: r.h.houseId ? (houses.get(r.h.houseId)?.address ?? null) : null,
      regionCode: codeOfPath(r.h.regionPath),
    }));
    return { items, nextCursor: more ? placeCursorOf(page[page.length - 1]!.h) : null };
  }

  /** Export the filtered household list (CSV or XLSX); head names are shown, no personal numbers. */
  exportHouseholds(actor: Actor | undefined, q: { colour?: string; region?: string; address?: string; format: TabularFormat }, ctx: AuditContext) {
    authorize(actor, 'person.export');
    const pages = cursorPages((cursor) => this.listHouseholds(actor, { ...q, cursor, limit: 1000 }));
    type Item = Awaited<ReturnType<PeopleService['listHouseholds']>>['items'][number];
    const columns: Column<Item>[] = [
      { title: '户编号', value: (h) => h.householdNo ?? h.id },
      { title: '户主', value: (h) => h.headName },
      { title: '人数', value: (h) => h.members },
      { title: '户卡颜色', value: (h) => h.colour },
      { title: '地址', value: (h) => h.address },
      { title: '所属区划代码', value: (h) => h.regionCode },
    ];
    return this.auditedExport(actor!, ctx, 'household.export', 'household', q, streamTable(q.format, columns, pages, '户'));
  }

  private auditedExport(actor: Actor, ctx: AuditContext, action: string, entityType: string, filters: object, out: ReturnType<typeof streamTable>) {
    out.done
      .then((rows) => recordAudit(this.db, ctx, { action, entityType, scopePath: actor.scopePath, after: { rows, filters } }))
      .catch(() => undefined);
    return out.stream;
  }

  async getHousehold(actor: Actor | undefined, id: number) {
    await this.loadHousehold(actor, 'person.read', id);
    return { ...(await this.householdDetail(id))!, events: await peopleRepo.events(this.db, { householdId: id }) };
  }

  async updateHousehold(actor: Actor | undefined, id: number, patch: { colour?: string | null; colourNote?: string | null; headPersonId?: number; householdNo?: string | null }, ctx: AuditContext) {
    await this.db.transaction(async (tx) => {
      const before = await this.loadHousehold(actor, 'person.write', id, tx);
      if (patch.colour) {
        const colours = new Set((await peopleRepo.colours(tx)).map((c) => c.code));
        if (!colours.has(patch.colour)) throw invalidField('colour', 'enum', { zh: '户卡颜色不在配置中', en: 'not a configured card colour' });
      }
      if (patch.headPersonId !== undefined) {
        const members = await peopleRepo.members(tx, id);
        if (!members.some((m) => m.m.personId === patch.headPersonId)) throw invalidField('headPersonId', 'member', { zh: '户主必须是本户成员', en: 'must be a member of the household' });
        if (before.headPersonId) await peopleRepo.setRelation(tx, id, before.headPersonId, 'other');
        await peopleRepo.setRelation(tx, id, patch.headPersonId, 'head');
      }
      const after = await peopleRepo.updateHousehold(tx, id, patch);
      await recordAudit(tx, ctx, {
        action: 'household.update',
        entityType: 'household',
        entityId: id,
        scopePath: after.regionPath,
        before: { colour: before.colour, colourNote: before.colourNote, headPersonId: before.headPersonId, householdNo: before.householdNo },
        after: { colour: after.colour, colourNote: after.colourNote, headPersonId: after.headPersonId, householdNo: after.householdNo },
      });
    });
    return this.getHousehold(actor, id);
  }

  /** 分户: some members leave to form a new household (same house unless another is given). */
  async split(actor: Actor | undefined, id: number, input: { personIds: number[]; newHeadPersonId: number; houseId?: number; occurredOn: string }, ctx: AuditContext) {
    const movedTo = input.houseId ? await this.placeOf({ houseId: input.houseId }) : null;
    const newId = await this.db.transaction(async (tx) => {
      const h = await this.loadHousehold(actor, 'person.write', id, tx);
      const members = await peopleRepo.members(tx, id);
      const ids = new Set(members.map((m) => m.m.personId));
      if (!input.personIds.length || input.personIds.some((p) => !ids.has(p))) throw invalidField('personIds', 'member', { zh: '只能从本户成员中分出', en: 'must all be members of the household' });
      if (input.personIds.length === members.length) throw invalidField('personIds', 'remaining', { zh: '原户至少保留一人', en: 'someone must stay in the household' });
      if (!input.personIds.includes(input.newHeadPersonId)) throw invalidField('newHeadPersonId', 'member', { zh: '新户主须是分出的成员之一', en: 'must be one of those leaving' });
      if (h.headPersonId && input.personIds.includes(h.headPersonId)) throw invalidField('personIds', 'head', { zh: '原户主不能分出，请先变更户主', en: 'change the head before the head leaves' });
      const place = movedTo ?? { houseId: h.houseId, regionPath: h.regionPath };
      authorize(actor, 'person.write', { path: place.regionPath });
      const nh = await peopleRepo.insertHousehold(tx, { ...place, headPersonId: input.newHeadPersonId, colour: h.colour });
      for (const pid of input.personIds) {
        const rel = members.find((m) => m.m.personId === pid)!.m.relation;
        await peopleRepo.endMembership(tx, pid, input.occurredOn);
        await peopleRepo.addMember(tx, { householdId: nh.id, personId: pid, relation: pid === input.newHeadPersonId ? 'head' : rel, since: input.occurredOn });
      }
      await peopleRepo.insertEvent(tx, { kind: 'split', householdId: id, occurredOn: input.occurredOn, regionPath: h.regionPath, details: { newHouseholdId: nh.id, personIds: input.personIds }, actorId: actor!.id });
      await recordAudit(tx, ctx, { action: 'household.split', entityType: 'household', entityId: id, scopePath: h.regionPath, after: { newHouseholdId: nh.id, personIds: input.personIds } });
      return nh.id;
    });
    return this.getHousehold(actor, newId);
  }

  /** 合户: every member of one household joins another; the first is dissolved. */
  async merge(actor: Actor | undefined, input: { fromId: number; intoId: number; occurredOn: string }, ctx: AuditContext) {
    if (input.fromId === input.intoId) throw invalidField('intoId', 'different', { zh: '不能与自身合户', en: 'must differ from fromId' });
    await this.db.transaction(async (tx) => {
      const from = await this.loadHousehold(actor, 'person.write', input.fromId, tx);
      const into = await this.loadHousehold(actor, 'person.write', input.intoId, tx);
      if (from.status !== 'active' || into.status !== 'active') throw invalidField('fromId', 'active', { zh: '只能合并在册的户', en: 'both households must be active' });
      for (const m of await peopleRepo.members(tx, from.id)) {
        await peopleRepo.endMembership(tx, m.m.personId, input.occurredOn);
        await peopleRepo.addMember(tx, { householdId: into.id, personId: m.m.personId, relation: m.m.relation === 'head' ? 'other' : m.m.relation, since: input.occurredOn });
      }
      await peopleRepo.updateHousehold(tx, from.id, { status: 'dissolved' });
      await peopleRepo.insertEvent(tx, { kind: 'merge', householdId: into.id, occurredOn: input.occurredOn, regionPath: into.regionPath, details: { fromHouseholdId: from.id }, actorId: actor!.id });
      await recordAudit(tx, ctx, { action: 'household.merge', entityType: 'household', entityId: into.id, scopePath: into.regionPath, after: { fromHouseholdId: from.id } });
    });
    return this.getHousehold(actor, input.intoId);
  }

  /**
   * Export a filtered list page by page. Masked unless the role may unmask and asks for it;
   * either way the export itself is audited with its filters and row count.
   */
  exportList(
    actor: Actor | undefined,
    q: Parameters<PeopleService['list']>[1] & { format: TabularFormat; unmasked?: boolean },
    ctx: AuditContext,
  ) {
    authorize(actor, 'person.export');
    const unmasked = !!q.unmasked;
    if (unmasked) authorize(actor, 'person.unmask');
    const self = this;
    async function* pages() {
      for await (const items of cursorPages((cursor) => self.list(actor, { ...q, cursor, limit: 1000 }))) {
        if (!unmasked) {
          yield items;
          continue;
        }
        const byId = new Map((await peopleRepo.getMany(self.db, items.map((i) => i.id))).map((p) => [p.id, p]));
        yield items.map((i) => ({
          ...i,
          idNumber: self.pii.decrypt(byId.get(i.id)!.idEnc),
          phone: byId.get(i.id)!.phoneEnc ? self.pii.decrypt(byId.get(i.id)!.phoneEnc!) : null,
        }));
      }
    }
    const columns: Column<PersonDto>[] = [
      { title: '姓名', value: (p) => p.name },
      { title: '身份证号', value: (p) => p.idNumber },
      { title: '性别', value: (p) => (p.sex === 'male' ? '男' : '女') },
      { title: '出生日期', value: (p) => p.birthDate },
      { title: '年龄', value: (p) => p.age },
      { title: '手机号', value: (p) => p.phone },
      { title: '实际居住地址', value: (p) => p.address },
      { title: '户籍地址', value: (p) => p.registeredAddress },
      { title: '所属区划代码', value: (p) => p.regionCode },
      { title: '户卡颜色', value: (p) => p.colour },
      { title: '与户主关系', value: (p) => p.relation },
      { title: '政治面貌', value: (p) => p.politicalStatus },
      { title: '标签', value: (p) => p.tags.join('、') },
      { title: '状态', value: (p) => p.status },
    ];
    const { stream, done } = streamTable(q.format, columns, pages(), '人口');
    done
      .then((rows) =>
        recordAudit(this.db, ctx, {
          action: 'person.export',
          entityType: 'person',
          scopePath: actor!.scopePath,
          after: { rows, unmasked, format: q.format, filters: { ...q, cursor: undefined, limit: undefined } },
        }),
      )
      .catch(() => undefined);
    return stream;
  }

  // ---- catalogue -----------------------------------------------------------------------------

  async catalogue() {
    const [tags, colours] = await Promise.all([peopleRepo.tags(this.db), peopleRepo.colours(this.db)]);
    return { tags, colours };
  }

  async saveTag(actor: Actor | undefined, t: { code: string; name: string; category: string; mustVisit: boolean; sort?: number; active?: boolean }, ctx: AuditContext) {
    authorize(actor, 'catalogue.write');
    await this.db.transaction(async (tx) => {
      await peopleRepo.upsertTag(tx, { ...t, sort: t.sort ?? 0, active: t.active ?? true });
      await recordAudit(tx, ctx, { action: 'catalogue.tag', entityType: 'tag', entityId: t.code, scopePath: actor!.scopePath, after: t });
    });
    return this.catalogue();
  }

  async saveColour(actor: Actor | undefined, c: { code: string; name: string; hex: string; meaning: string; sort?: number }, ctx: AuditContext) {
    authorize(actor, 'catalogue.write');
    await this.db.transaction(async (tx) => {
      await peopleRepo.upsertColour(tx, { ...c, sort: c.sort ?? 0 });
      await recordAudit(tx, ctx, { action: 'catalogue.colour', entityType: 'colour', entityId: c.code, scopePath: actor!.scopePath, after: c });
    });
    return this.catalogue();
  }

  // ---- imports -------------------------------------------------------------------------------

  /**
   * Merge validated, already encrypted people from a department by ID number (blind index).
   * New people are inserted in one statement; existing ones merge field by field with
   * provenance, keeping the previous version; disagreements come back as conflicts.
   */
  async upsertFromImport(tx: DbOrTx, rows: ImportedPerson[], src: ImportSource) {
    const incomingOf = (r: ImportedPerson): Record<string, IncomingField | undefined> => ({
      name: { cmp: r.name, set: { name: r.name, nameGrams: textGrams(r.name) }, shown: r.name },
      phone: r.phoneHash ? { cmp: r.phoneHash, set: { phoneEnc: r.phoneEnc, phoneHash: r.phoneHash, phoneMasked: r.phoneMasked }, shown: r.phoneMasked ?? '' } : undefined,
      ethnicity: r.ethnicity ? { cmp: r.ethnicity, set: { ethnicity: r.ethnicity }, shown: r.ethnicity } : undefined,
      registeredAddress: r.registeredAddress ? { cmp: r.registeredAddress, set: { registeredAddress: r.registeredAddress }, shown: r.registeredAddress } : undefined,
      house: r.houseId ? { cmp: r.houseId, set: { houseId: r.houseId, regionPath: r.regionPath }, shown: r.address ?? String(r.houseId) } : undefined,
      politicalStatus: r.politicalStatus ? { cmp: r.politicalStatus, set: { politicalStatus: r.politicalStatus }, shown: r.politicalStatus } : undefined,
    });
    const byHash = new Map(rows.map((r) => [r.idHash, r]));
    const existing = await peopleRepo.byIdHashes(tx, [...byHash.keys()]);
    const known = new Set(existing.map((e) => e.idHash));
    const fresh = [...byHash.values()].filter((r) => !known.has(r.idHash));
    const inserted = await peopleRepo.insertMany(
      tx,
      fresh.map((r) => ({
        name: r.name,
        nameGrams: textGrams(r.name),
        idEnc: r.idEnc,
        idHash: r.idHash,
        idMasked: r.idMasked,
        sex: r.sex,
        birthDate: r.birthDate,
        phoneEnc: r.phoneEnc,
        phoneHash: r.phoneHash,
        phoneMasked: r.phoneMasked,
        ethnicity: r.ethnicity,
        registeredAddress: r.registeredAddress,
        houseId: r.houseId,
        regionPath: r.regionPath,
        politicalStatus: r.politicalStatus ?? undefined,
        tags: r.tags,
        provenance: initialProvenance(incomingOf(r), src),
      })),
    );
    const conflicts: (FieldConflict & { entityId: number; regionPath: string })[] = [];
    const updates: { before: PersonRow; set: Partial<NewPersonRow>; provenance: unknown }[] = [];
    let unchanged = 0;
    for (const p of existing) {
      const r = byHash.get(p.idHash)!;
      const m = mergeFields(
        { name: p.name, phone: p.phoneHash, ethnicity: p.ethnicity, registeredAddress: p.registeredAddress, house: p.houseId, politicalStatus: p.politicalStatus === 'masses' && !(p.provenance as Provenance).politicalStatus ? null : p.politicalStatus },
        p.provenance as Provenance,
        incomingOf(r),
        src,
      );
      // Tags from departments accumulate (a needy family stays needy when another list omits it).
      const tags = r.tags?.filter((t) => !p.tags.includes(t)) ?? [];
      if (tags.length) {
        m.set.tags = [...p.tags, ...tags];
        m.changed = true;
      }
      conflicts.push(...m.conflicts.map((c) => ({ ...c, currentShown: c.field === 'phone' ? p.phoneMasked : undefined, entityId: p.id, regionPath: p.regionPath })));
      if (m.changed) updates.push({ before: p, set: m.set as Partial<NewPersonRow>, provenance: m.provenance });
      else unchanged++;
    }
    await peopleRepo.updateManyVersioned(tx, updates, `import:${src.batchId ?? ''}`);
    return { created: inserted.size, updated: updates.length, unchanged, conflicts, ids: new Map([...inserted, ...existing.map((e) => [e.idHash, e.id] as const)]) };
  }

  /** Create households with their members in bulk (seeding); members must not belong to another household. */
  async createHouseholdsBulk(
    tx: DbOrTx,
    list: { houseId: number | null; regionPath: string; colour: string | null; colourNote?: string | null; members: { personId: number; relation: string }[]; since: string }[],
  ): Promise<void> {
    await peopleRepo.insertHouseholdsWithMembers(
      tx,
      list.map((h) => ({
        household: { houseId: h.houseId, regionPath: h.regionPath, colour: h.colour, colourNote: h.colourNote ?? null, headPersonId: h.members.find((m) => m.relation === 'head')?.personId ?? null },
        members: h.members.map((m) => ({ personId: m.personId, relation: m.relation, since: h.since })),
      })),
    );
  }

  /** Apply a resolved conflict: write the incoming columns and take over the field's provenance. */
  async applyConflictResolution(tx: DbOrTx, personId: number, field: string, columns: Record<string, unknown>, src: ImportSource, actorId: number | null) {
    const before = await peopleRepo.getForUpdate(tx, personId);
    if (!before) throw new AppError('person.not_found');
    const provenance = { ...(before.provenance as Provenance), [field]: { s: src.dept, b: src.batchId, t: src.at.toISOString() } };
    await peopleRepo.updateVersioned(tx, before, { ...(columns as Partial<NewPersonRow>), provenance }, { changedBy: actorId, source: 'conflict' });
  }

  /** For an import: encrypt and derive what a validated row needs. */
  prepareImported(row: { name: string; idNumber: string; phone?: string | null; ethnicity?: string | null; registeredAddress?: string | null; politicalStatus?: string | null; tags?: string[] }) {
    const ident = parseCitizenId(row.idNumber);
    if (!ident.ok) throw new Error('prepareImported expects a validated ID');
    const phone = row.phone ? normalisePii('phone', row.phone) : null;
    return {
      name: row.name.trim(),
      idEnc: this.pii.encrypt(ident.info.id),
      idHash: this.pii.blindIndex('id', ident.info.id),
      idMasked: maskCitizenId(ident.info.id),
      sex: ident.info.sex,
      birthDate: ident.info.birthDate,
      phoneEnc: phone ? this.pii.encrypt(phone) : null,
      phoneHash: phone ? this.pii.blindIndex('phone', phone) : null,
      phoneMasked: phone ? maskPhone(phone) : null,
      ethnicity: row.ethnicity ?? null,
      registeredAddress: row.registeredAddress ?? null,
      politicalStatus: row.politicalStatus ?? null,
      tags: row.tags ?? [],
    };
  }
}

export interface ImportedPerson {
  name: string;
  idEnc: string;
  idHash: string;
  idMasked: string;
  sex: string;
  birthDate: string;
  phoneEnc: string | null;
  phoneHash: string | null;
  phoneMasked: string | null;
  ethnicity: string | null;
  registeredAddress: string | null;
  politicalStatus: string | null;
  tags: string[];
  houseId: number | null;
  address?: string | null;
  regionPath: string;
}
