import { and, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError, invalidField } from '../../platform/errors/index.js';
import { authorize, type Actor } from '../../platform/scope/index.js';
import { auditRow, recordAudit, SYSTEM_CONTEXT, type AuditContext } from '../../platform/audit/index.js';
import { chinaDate } from '../../platform/calendar/index.js';
import { maskPhone, normalisePii, type PiiCipher } from '../../platform/pii/index.js';
import { canonicalFromPath, parseRegionCode } from '../regions/codes.js';
import type { RegionService } from '../regions/service.js';
import { tickets } from './schema.js';
import { IntakeWriter } from './intakeWriter.js';
import { ticketRepo, type EventInsert, type IntakeWrite, type NearQuery, type NearRow, type NoticeInsert, type TicketRow } from './repo.js';
import type { TicketCatalogue } from './catalogue.js';
import { AUTO_CLOSE_HOURS } from './deadlines.js';
import { deltaRows, deltas, recordDeltas } from './statsLedger.js';
import { assignedTo, areaOf, canSee, recipientsOf, relationsOf, tasksWhere } from './access.js';
import { ticketDto } from './ticketDto.js';
import { EMPTY_TICKET, FOLLOW_UP_NOTE, NOT_FOR_GRID_WORKERS, planSteps, step, SYSTEM, targetPathFor, unitName, validateActionInput, withTimer, type By, type Prepared } from './transition.js';
import {
  check,
  OPEN_STATUSES,
  RUNNING_STATUSES,
  STATUS_LABEL,
  TIER_PATH_LENGTH,
  TRANSITIONS,
  tierAbove,
  unitKey,
  type Status,
  type Tier,
  type TicketAction,
} from './workflow.js';
import type { ActionBody, Channel, CreateTicketBody, DuplicateDto, EventDto, TicketDetailDto, TicketDto, TicketListQuery, TicketType } from './contracts.js';

/** Photos are uploads the storage module keeps; tickets only check they exist and whose they are. */
export interface PhotoStore {
  assertExists(ids: string[], uploaderUserId?: number): Promise<unknown>;
}

/** Where a ticket's building lies (the housing registry owns buildings). */
export interface BuildingLocator {
  buildingPlace(id: number): Promise<{ regionCode: string; lng: number; lat: number; address: string | null } | null>;
}

/**
 * Told about every change of a ticket, inside the transaction that makes it, so an outbox row
 * (webhooks, the 12345 exchange) lands or vanishes with the change itself.
 */
export interface TicketEventSink {
  /** Whether a new ticket concerns this sink at all (asked outside any transaction); absent = always. */
  cares?(ticket: TicketRow): Promise<boolean>;
  ticketChanged(tx: DbOrTx, change: { ticket: TicketRow; before: TicketRow | null; actions: string[]; note: string | null; at: Date }): Promise<void>;
}

/** The population registry, to check a linked person or household (the people module owns them). */
export interface RegistryLinks {
  checkPerson(actor: Actor, id: number): Promise<unknown>;
  checkHousehold(actor: Actor, id: number): Promise<unknown>;
}

export interface DuplicateSettings {
  radiusM: number;
  windowHours: number;
}
export const DEFAULT_DUPLICATES: DuplicateSettings = { radiusM: 150, windowHours: 72 };

const HOUR = 3600_000;
/** Ticket ids taken per round trip to the sequence. Gaps after a restart are harmless. */
const ID_BLOCK = 20;

const now0 = () => new Date();

function distanceM(aLng: number, aLat: number, bLng: number, bLat: number): number {
  const rad = Math.PI / 180;
  const x = (bLng - aLng) * rad * Math.cos(((aLat + bLat) / 2) * rad);
  const y = (bLat - aLat) * rad;
  return Math.sqrt(x * x + y * y) * 6_371_000;
}

export class TicketService {
  private readonly names = new Map<string, string>();
  private readonly loadedCities = new Set<string>();
  /** Ticket ids taken from the sequence a block at a time (one round trip per block, not per ticket). */
  private idBlock: number[] = [];
  /** New tickets written in batches when they arrive together (intakeWriter.ts). */
  private readonly intake: IntakeWriter;
  private idFetch: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
    private readonly catalogue: TicketCatalogue,
    private readonly pii: PiiCipher,
    private readonly deps: { photos?: PhotoStore; buildings?: BuildingLocator; now?: () => Date; duplicates?: DuplicateSettings; sinks?: TicketEventSink[]; registry?: RegistryLinks } = {},
  ) {
    this.intake = new IntakeWriter(db);
  }

  /** A ticket by its number in an exchange (12345, Open311). No scope check: callers authorise. */
  async byExternal(channel: Channel, externalId: string): Promise<TicketRow | undefined> {
    return ticketRepo.byExternal(this.db, channel, externalId);
  }

  /** Register a listener for ticket changes (integrations wire theirs at start-up). */
  addSink(sink: TicketEventSink): void {
    (this.deps.sinks ??= []).push(sink);
  }

  /** Does any integration want to write for this new ticket? (Asked before the transaction.) */
  private async sinksCare(t: TicketRow): Promise<boolean> {
    for (const s of this.deps.sinks ?? []) if (!s.cares || (await s.cares(t))) return true;
    return false;
  }

  /** The next ticket id; ids come from the sequence in blocks of ID_BLOCK. */
  private async nextTicketId(): Promise<number> {
    // Concurrent requests that find the block empty wait for one shared fetch, not one each.
    while (!this.idBlock.length) {
      this.idFetch ??= ticketRepo.nextIds(this.db, ID_BLOCK).then(
        (ids) => {
          this.idBlock.push(...ids);
          this.idFetch = null;
        },
        (err: unknown) => {
          this.idFetch = null;
          throw err;
        },
      );
      await this.idFetch;
    }
    return this.idBlock.shift()!;
  }

  private async notifySinks(tx: DbOrTx, change: Parameters<TicketEventSink['ticketChanged']>[1]): Promise<void> {
    for (const s of this.deps.sinks ?? []) await s.ticketChanged(tx, change);
  }

  private now(): Date {
    return (this.deps.now ?? now0)();
  }

  // ---- relations and visibility ----------------------------------------------------------------

  private async visible(actor: Actor | undefined, id: number): Promise<{ actor: Actor; t: TicketRow }> {
    authorize(actor, 'ticket.read');
    const t = await ticketRepo.get(this.db, id);
    if (!t) throw new AppError('ticket.not_found');
    if (!canSee(actor, t)) {
      // Residents learn nothing about others' tickets; staff are told it is outside their area.
      if (actor.role === 'resident') throw new AppError('ticket.not_found');
      throw new AppError('scope.forbidden', { extra: { action: 'ticket.read' } });
    }
    return { actor, t };
  }

  // ---- names -----------------------------------------------------------------------------------

  /** Names of the regions on a ticket's path (grid up to district), cached. */
  private async ensureNames(paths: string[]): Promise<Map<string, string>> {
    const missing = [...new Set(paths)].filter((p) => !this.names.has(p));
    if (missing.length) {
      // A miss loads the whole city once (about a thousand names) rather than one query per new grid.
      const cities = [...new Set(missing.map((p) => p.slice(0, 4)))].filter((c) => !this.loadedCities.has(c));
      for (const c of cities) {
        for (const r of await this.regions.namesUnder(c)) this.names.set(r.path, r.name);
        this.loadedCities.add(c);
      }
      const still = missing.filter((p) => !this.names.has(p));
      if (still.length) for (const r of await this.regions.namesOf(still.map(canonicalFromPath))) this.names.set(parseRegionCode(r.code)!.path, r.name);
    }
    return this.names;
  }

  private chainPaths(regionPath: string): string[] {
    return [4, 6, 9, 12, 15, 18].filter((n) => n <= regionPath.length).map((n) => regionPath.slice(0, n));
  }

  // ---- intake ----------------------------------------------------------------------------------

  /**
   * Report a problem. Residents report for themselves; a grid worker's find in their own grid is
   * accepted and dispatched at once ("网格发现"); staff may enter a call or a visit for someone.
   * Integrations pass `via` (12345, Open311) with their external number.
   */
  async create(
    actor: Actor | undefined,
    body: CreateTicketBody,
    ctx: AuditContext,
    via?: { channel: Channel; externalId?: string; reporterName?: string; reporterPhone?: string; extra?: Record<string, unknown>; resolveDueAt?: Date },
  ): Promise<TicketDto & { duplicates: DuplicateDto[] }> {
    if (!via) authorize(actor, 'ticket.report');
    const at = this.now();
    const category = await this.catalogue.requireCategory(body.categoryCode);
    const place = await this.placeOf(body);
    if (body.photos?.length) await this.deps.photos?.assertExists(body.photos, actor?.role === 'resident' ? actor.id : undefined);
    await this.checkLinks(actor, body);

    const role = actor?.role;
    const channel: Channel = via?.channel ?? (role === 'resident' ? 'resident' : role === 'grid_worker' ? 'patrol' : (body.channel ?? 'visit'));
    if (!via && role === 'resident' && body.channel && body.channel !== 'resident') throw invalidField('channel', 'not_allowed', { zh: '居民只能以“居民上报”渠道反映', en: 'residents report through the resident channel' });
    const phone = via?.reporterPhone ?? (role === 'resident' ? undefined : body.reporterPhone);
    let phoneNorm: string | null = null;
    if (phone) {
      phoneNorm = normalisePii('phone', phone);
      if (!/^\+?\d{5,20}$/.test(phoneNorm)) throw invalidField('reporterPhone', 'format', { zh: '电话号码格式不正确', en: 'malformed phone number' });
    }
    const target = await this.catalogue.resolveTarget(category.code, place.regionPath);
    const calendar = await this.catalogue.calendar();
    const names = await this.ensureNames(this.chainPaths(place.regionPath).concat(target.path));
    const selfFound = role === 'grid_worker' && !via && place.regionPath.startsWith(actor!.scopePath!.slice(0, 15));

    const id = await this.nextTicketId();
    let t: TicketRow = {
      ...EMPTY_TICKET,
      id,
      no: `GW${chinaDate(at).replaceAll('-', '')}-${String(id).padStart(6, '0')}`,
      channel,
      type: (body.type ?? 'report') satisfies TicketType,
      categoryCode: category.code,
      status: 'reported',
      priority: body.priority ?? 'normal',
      title: body.title?.trim() || category.name,
      description: body.description,
      lng: place.lng,
      lat: place.lat,
      address: body.address ?? place.address,
      buildingId: body.buildingId ?? null,
      regionCode: place.regionCode,
      regionPath: place.regionPath,
      // Staff entering a call or a visit record someone else's matter: they are in the
      // timeline as the recorder, not the reporter (no "please rate" for them).
      reporterUserId: role === 'resident' || role === 'grid_worker' ? actor!.id : null,
      reporterName: via?.reporterName ?? (role === 'resident' || role === 'grid_worker' ? actor!.displayName : (body.reporterName ?? null)),
      reporterPhoneEnc: phoneNorm ? this.pii.encrypt(phoneNorm) : null,
      reporterPhoneMasked: phoneNorm ? maskPhone(phoneNorm) : null,
      anonymous: body.anonymous ?? false,
      personId: body.personId ?? null,
      householdId: body.householdId ?? null,
      externalId: via?.externalId ?? null,
      // An exchange's own deadline (the 12345 hotline's 办理时限) replaces the catalogue's.
      resolveDueAt: via?.resolveDueAt ?? null,
      photos: body.photos ?? [],
      createdAt: at,
      updatedAt: at,
    };
    const by: By = actor ? { actor, name: actor.displayName } : SYSTEM;
    const events: Omit<EventInsert, 'ticketId'>[] = [{ at, actorUserId: actor?.id ?? null, actorName: by.name, action: 'report', fromStatus: null, toStatus: 'reported', note: null, data: { channel, ...(via?.extra ?? {}) } }];
    const notices: Omit<NoticeInsert, 'ticketId'>[] = [];
    if (selfFound) {
      // Found by the grid's own worker: the platform's acceptance is the worker's report.
      const pre: Prepared = { calendar, catalogueTarget: target, names };
      for (const action of ['accept', 'dispatch'] as const) {
        const r = step(t, action, by, {}, at, pre);
        t = r.next;
        events.push(...r.events);
        notices.push(...r.notices);
      }
      t = { ...t, ...withTimer(t), version: 1 };
    } else {
      notices.push({ recipient: `grid:${place.regionPath.slice(0, 15)}`, kind: 'reported', message: `新反映待受理：${t.title}`, createdAt: at });
    }
    const ticket = t;
    // The ticket, its timeline, notices, metric deltas and audit entry go in one statement (one
    // round trip, atomic by itself); a transaction is opened only when an integration must write too.
    const near = place.lng != null ? this.nearQuery(category.code, place.lng, place.lat!) : null;
    const item: IntakeWrite = {
      ticket,
      events: events.map((e) => ({ ...e, ticketId: ticket.id })),
      notices: notices.map((n) => ({ ...n, ticketId: ticket.id })),
      deltas: deltaRows(deltas(null, ticket)),
      unit: selfFound ? { unitKey: unitKey(ticket.tier as Tier, ticket.assigneePath!, ticket.assigneeDept), name: ticket.assigneeName!, regionPath: ticket.assigneePath! } : null,
      audit: auditRow(ctx, { action: 'ticket.report', entityType: 'ticket', entityId: ticket.id, scopePath: ticket.regionPath, after: { no: ticket.no, channel, categoryCode: ticket.categoryCode, status: ticket.status } }),
      near,
    };
    const change = { ticket, before: null, actions: events.map((e) => e.action), note: null, at };
    let found: NearRow[];
    if (await this.sinksCare(ticket)) {
      // An integration writes in the same transaction (the webhook outbox): this one goes alone.
      found = await this.db.transaction(async (tx) => {
        const [f] = await ticketRepo.insertWithTrail(tx, [item]);
        await this.notifySinks(tx, change);
        return f!;
      });
    } else {
      found = await this.intake.write(item);
    }
    const duplicates = near ? this.closeBy(found, place.lng!, place.lat!, ticket.id) : [];
    return { ...ticketDto(actor ?? null, ticket, names, await this.catalogue.categoryNames(), this.now()), duplicates };
  }

  /** A linked person or household must exist and be visible to the reporter; residents link none. */
  private async checkLinks(actor: Actor | undefined, body: Pick<CreateTicketBody, 'personId' | 'householdId'>): Promise<void> {
    const links = [
      ['personId', body.personId, (a: Actor, id: number) => this.deps.registry?.checkPerson(a, id)],
      ['householdId', body.householdId, (a: Actor, id: number) => this.deps.registry?.checkHousehold(a, id)],
    ] as const;
    for (const [field, id, check] of links) {
      if (id == null) continue;
      if (!actor || actor.role === 'resident') throw invalidField(field, 'not_allowed', { zh: '居民上报不能关联登记人员', en: 'residents cannot link registry records' });
      try {
        await check(actor, id);
      } catch {
        throw invalidField(field, 'unknown', { zh: '登记信息不存在或不在您的管辖范围内', en: 'no such record in your area' });
      }
    }
  }

  /** Where the matter is: a point (→ grid), a building, or a grid picked by hand. */
  private async placeOf(body: Pick<CreateTicketBody, 'lng' | 'lat' | 'buildingId' | 'regionCode' | 'address'>) {
    if ((body.lng == null) !== (body.lat == null)) throw invalidField(body.lng == null ? 'lng' : 'lat', 'pair', { zh: '经度和纬度须同时提供', en: 'give both lng and lat' });
    if (body.lng != null && body.lat != null) {
      const hit = await this.regions.locatePoint(body.lng, body.lat);
      if (!hit) throw invalidField('lng', 'outside', { zh: '该位置不在本市任何网格内', en: 'the point is outside every grid' });
      const code = hit.microgrid?.code ?? hit.grid.code;
      return { lng: body.lng, lat: body.lat, regionCode: code, regionPath: parseRegionCode(code)!.path, address: null as string | null };
    }
    if (body.buildingId != null) {
      const b = await this.deps.buildings?.buildingPlace(body.buildingId);
      if (!b) throw invalidField('buildingId', 'unknown', { zh: '楼栋不存在', en: 'no such building' });
      return { lng: b.lng, lat: b.lat, regionCode: b.regionCode, regionPath: parseRegionCode(b.regionCode)!.path, address: b.address };
    }
    if (body.regionCode) {
      const r = parseRegionCode(body.regionCode);
      if (!r || (r.level !== 'grid' && r.level !== 'microgrid')) throw invalidField('regionCode', 'level', { zh: '请选择到网格', en: 'pick a grid' });
      if (!(await this.regions.lookup(r.code))) throw invalidField('regionCode', 'unknown', { zh: '网格不存在', en: 'no such grid' });
      return { lng: null, lat: null, regionCode: r.code, regionPath: r.path, address: null as string | null };
    }
    throw invalidField('lng', 'location_required', { zh: '请定位、选择楼栋或选择网格', en: 'give a point, a building or a grid' });
  }

  // ---- duplicates ------------------------------------------------------------------------------

  /** Where to look for duplicates of a matter at a point: the box around the radius, the window. */
  private nearQuery(categoryCode: string, lng: number, lat: number): NearQuery {
    const { radiusM, windowHours } = this.deps.duplicates ?? DEFAULT_DUPLICATES;
    const dLat = radiusM / 111_320;
    const dLng = radiusM / (111_320 * Math.max(0.1, Math.cos((lat * Math.PI) / 180)));
    const since = new Date(this.now().getTime() - windowHours * HOUR);
    return { categoryCode, since, box: { w: lng - dLng, e: lng + dLng, s: lat - dLat, n: lat + dLat } };
  }

  private async duplicatesAt(categoryCode: string, lng: number, lat: number, excludeId: number | null): Promise<DuplicateDto[]> {
    return this.closeBy(await ticketRepo.near(this.db, this.nearQuery(categoryCode, lng, lat)), lng, lat, excludeId);
  }

  /** Tickets from the box within the radius of the point, nearest first. */
  private closeBy(found: NearRow[], lng: number, lat: number, excludeId: number | null): DuplicateDto[] {
    const { radiusM } = this.deps.duplicates ?? DEFAULT_DUPLICATES;
    return found
      .filter((t) => t.id !== excludeId && t.lng != null && t.lat != null)
      .map((t) => ({ id: t.id, no: t.no, title: t.title, status: t.status as Status, distanceM: Math.round(distanceM(lng, lat, t.lng!, t.lat!)), createdAt: t.createdAt.toISOString() }))
      .filter((d) => d.distanceM <= radiusM)
      .sort((a, b) => a.distanceM - b.distanceM);
  }

  async duplicatesNear(actor: Actor | undefined, q: { categoryCode: string; lng: number; lat: number }): Promise<DuplicateDto[]> {
    authorize(actor, 'ticket.report');
    await this.catalogue.requireCategory(q.categoryCode);
    return this.duplicatesAt(q.categoryCode, q.lng, q.lat, null);
  }

  // ---- reading ---------------------------------------------------------------------------------

  async get(actor: Actor | undefined, id: number): Promise<TicketDetailDto> {
    const { actor: a, t } = await this.visible(actor, id);
    const [events, names, cats] = await Promise.all([ticketRepo.events(this.db, id), this.ensureNames(this.chainPaths(t.regionPath).concat(t.assigneePath ? [t.assigneePath] : [])), this.catalogue.categoryNames()]);
    const staff = a.role !== 'resident';
    const dups = staff && t.lng != null && OPEN_STATUSES.includes(t.status as Status) ? await this.duplicatesAt(t.categoryCode, t.lng, t.lat!, t.id) : [];
    return {
      ...ticketDto(a, t, names, cats, this.now()),
      events: events.map((e): EventDto => ({
        id: e.id,
        at: e.at.toISOString(),
        // Residents see who acted by unit, not by person.
        actorName: staff || e.actorUserId === a.id ? e.actorName : e.actorUserId ? '工作人员' : e.actorName,
        action: e.action,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        note: e.note,
        data: e.data ?? null,
      })),
      duplicates: dups,
    };
  }

  async list(actor: Actor | undefined, q: TicketListQuery): Promise<{ items: TicketDto[]; nextCursor: string | null }> {
    authorize(actor, 'ticket.read');
    const view = q.view ?? 'all';
    const conds: SQL[] = [];
    if (actor.role === 'resident' || view === 'reported') conds.push(eq(tickets.reporterUserId, actor.id));
    else if (view === 'tasks') conds.push(tasksWhere(actor));
    else if (actor.role === 'dept_handler') conds.push(or(assignedTo(actor)!, like(tickets.regionPath, `${actor.scopePath}%`))!);
    else conds.push(like(tickets.regionPath, `${actor.scopePath}%`));
    if (q.status) {
      const sts = q.status.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = sts.find((s) => !(STATUS_LABEL as Record<string, unknown>)[s]);
      if (bad) throw invalidField('status', 'unknown', { zh: `没有“${bad}”这个状态`, en: `unknown status ${bad}` });
      conds.push(inArray(tickets.status, sts));
    }
    if (q.categoryCode) conds.push(like(tickets.categoryCode, `${q.categoryCode}%`));
    if (q.channel) conds.push(eq(tickets.channel, q.channel));
    if (q.region) {
      const r = parseRegionCode(q.region);
      if (!r) throw invalidField('region', 'format', { zh: '区划代码格式不正确', en: 'malformed region code' });
      conds.push(like(tickets.regionPath, `${r.path}%`));
    }
    if (q.q) {
      const s = `%${q.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
      conds.push(or(like(tickets.no, s), like(tickets.title, s), like(tickets.description, s))!);
    }
    const now = this.now();
    if (q.due === 'overdue') {
      conds.push(and(inArray(tickets.status, [...RUNNING_STATUSES]), sql`${tickets.pausedAt} IS NULL`, sql`(${tickets.resolveOverdue} OR ${tickets.respondOverdue} OR ${tickets.resolveDueAt} <= ${now.toISOString()})`)!);
    } else if (q.due === 'due_soon') {
      conds.push(
        and(
          inArray(tickets.status, [...RUNNING_STATUSES]),
          sql`${tickets.pausedAt} IS NULL AND NOT ${tickets.resolveOverdue} AND NOT ${tickets.respondOverdue}`,
          sql`LEAST(${tickets.resolveDueAt}, CASE WHEN ${tickets.respondedAt} IS NULL THEN ${tickets.respondDueAt} END) BETWEEN ${now.toISOString()} AND ${new Date(now.getTime() + 24 * HOUR).toISOString()}`,
        )!,
      );
    }
    const limit = q.limit ?? 30;
    const items = await ticketRepo.list(this.db, and(...conds)!, q.cursor ? Number(q.cursor) : undefined, limit + 1);
    const page = items.slice(0, limit);
    const names = await this.ensureNames(page.flatMap((t) => [t.regionPath, ...(t.assigneePath ? [t.assigneePath] : [])]));
    const cats = await this.catalogue.categoryNames();
    return { items: page.map((t) => ticketDto(actor, t, names, cats, this.now())), nextCursor: items.length > limit ? String(page[page.length - 1]!.id) : null };
  }

  async inbox(actor: Actor | undefined) {
    authorize(actor, 'ticket.read');
    const recipients = recipientsOf(actor);
    const notices = await ticketRepo.notices(this.db, recipients, 50);
    const base = { toAccept: 0, toDispatch: 0, newTasks: 0, inProgress: 0, toVerify: 0, dueSoon: 0, overdue: 0 };
    if (actor.role !== 'resident' && actor.scopePath) {
      const mine = assignedTo(actor)!;
      const inArea = like(tickets.regionPath, `${areaOf(actor)}%`);
      const now = this.now().toISOString();
      const soon = new Date(this.now().getTime() + 24 * HOUR).toISOString();
      const r = await ticketRepo.inboxCounts(this.db, { inArea, mine, now, soon });
      Object.assign(base, r);
      if (actor.role === 'dept_handler') Object.assign(base, { toAccept: 0, toDispatch: 0, toVerify: 0 });
    }
    return {
      counts: { ...base, unread: await ticketRepo.unread(this.db, recipients) },
      notices: notices.map((n) => ({ id: n.id, ticketId: n.ticketId, ticketNo: n.no, title: n.title, kind: n.kind, message: n.message, createdAt: n.createdAt.toISOString(), read: !!n.readAt })),
    };
  }

  async markRead(actor: Actor | undefined, ids: number[]): Promise<{ updated: number }> {
    authorize(actor, 'ticket.read');
    return { updated: await ticketRepo.markRead(this.db, recipientsOf(actor), ids, this.now()) };
  }

  async targets(actor: Actor | undefined, id: number) {
    authorize(actor, 'ticket.work');
    const { t } = await this.visible(actor, id);
    const suggested = await this.catalogue.resolveTarget(t.categoryCode, t.regionPath);
    const names = await this.ensureNames(this.chainPaths(t.regionPath).concat(suggested.path));
    const out: { tier: Tier; unitName: string | null; regionCode: string; name: string; byCatalogue: boolean }[] = [
      { tier: suggested.tier, unitName: suggested.dept, regionCode: canonicalFromPath(suggested.path), name: unitName(suggested.tier, suggested.path, suggested.dept, names), byCatalogue: true },
    ];
    for (const tier of ['grid', 'community', 'street', 'district'] as const) {
      const path = t.regionPath.slice(0, TIER_PATH_LENGTH[tier]);
      if (tier === suggested.tier && path === suggested.path) continue;
      out.push({ tier, unitName: null, regionCode: canonicalFromPath(path), name: unitName(tier, path, null, names), byCatalogue: false });
    }
    const district = t.regionPath.slice(0, 6);
    for (const dept of await this.catalogue.departments()) {
      if (suggested.tier === 'department' && suggested.dept === dept) continue;
      out.push({ tier: 'department', unitName: dept, regionCode: canonicalFromPath(district), name: unitName('department', district, dept, names), byCatalogue: false });
    }
    return out;
  }

  // ---- transitions -----------------------------------------------------------------------------

  async act(actor: Actor | undefined, id: number, action: TicketAction, body: ActionBody, ctx: AuditContext): Promise<TicketDetailDto> {
    authorize(actor, 'ticket.work');
    const { t } = await this.visible(actor, id);
    if (body.version != null && body.version !== t.version) throw new AppError('ticket.stale');
    validateActionInput(action, body, actor);
    if (body.photos?.length) await this.deps.photos?.assertExists(body.photos);
    const pre = await this.prepare(actor, t, action, body);
    await this.db.transaction(async (tx) => {
      const locked = await ticketRepo.lock(tx, id);
      if (!locked || locked.version !== t.version) throw new AppError('ticket.stale');
      await this.run(tx, locked, planSteps(actor, locked, action, body), { actor, name: actor.displayName }, body, pre, ctx);
    });
    return this.get(actor, id);
  }

  private async prepare(actor: Actor | null, t: TicketRow, action: TicketAction, b: ActionBody): Promise<Prepared> {
    const catalogueTarget = await this.catalogue.resolveTarget(t.categoryCode, t.regionPath);
    const calendar = await this.catalogue.calendar();
    const paths = this.chainPaths(t.regionPath).concat(catalogueTarget.path);
    const pre: Prepared = { calendar, catalogueTarget, names: new Map() };
    if (b.target) {
      const path = targetPathFor(t, b.target);
      paths.push(path);
    }
    if (action === 'merge' && b.intoId) {
      if (b.intoId === t.id) throw invalidField('intoId', 'self', { zh: '不能并入自身', en: 'cannot merge into itself' });
      const into = await ticketRepo.get(this.db, b.intoId);
      if (!into || (actor && !canSee(actor, into))) throw invalidField('intoId', 'unknown', { zh: '主工单不存在或不在您的范围内', en: 'no such ticket in your area' });
      if (!OPEN_STATUSES.includes(into.status as Status)) throw invalidField('intoId', 'closed', { zh: '主工单已结束，不能并入', en: 'the ticket is no longer open' });
      pre.into = into;
    }
    pre.names = await this.ensureNames(paths);
    return pre;
  }

  /**
   * Apply steps to a locked ticket and persist it all in the caller's transaction: the row (with
   * its next timer), the timeline, notices, metric deltas and the audit entry.
   */
  private async run(tx: DbOrTx, start: TicketRow, steps: TicketAction[], by: By, input: ActionBody, pre: Prepared, ctx: AuditContext, mark?: Partial<TicketRow>): Promise<TicketRow> {
    const at = this.now();
    let cur = mark ? { ...start, ...mark } : start;
    const events: Omit<EventInsert, 'ticketId'>[] = [];
    const notices: Omit<NoticeInsert, 'ticketId'>[] = [];
    for (const [i, action] of steps.entries()) {
      const relations = relationsOf(by.actor, cur);
      const verdict = check(action, cur.status as Status, relations);
      if (verdict === 'bad_state') {
        if (i > 0) break; // a follow-up that no longer applies is skipped, not an error
        throw new AppError('ticket.illegal_transition', { extra: { action, ticketStatus: cur.status }, detail: { zh: `“${STATUS_LABEL[cur.status as Status].zh}”状态下不能${TRANSITIONS[action].label.zh}`, en: `cannot ${action} a ticket that is ${cur.status}` } });
      }
      if (verdict === 'not_yours' || (by.actor?.role === 'grid_worker' && NOT_FOR_GRID_WORKERS.includes(action))) {
        if (i > 0) break;
        throw new AppError('ticket.not_your_step', { extra: { action }, detail: { zh: `您不能对该工单${TRANSITIONS[action].label.zh}`, en: `you may not ${action} this ticket` } });
      }
      const r = step(cur, action, by, i === 0 ? input : { note: FOLLOW_UP_NOTE[action] }, at, pre);
      cur = r.next;
      events.push(...r.events);
      notices.push(...r.notices);
    }
    // A step chained in the same request may already have done what an earlier step's notice
    // asks for (自办自核: handled and verified at once): such a to-do is not sent.
    if (cur.status !== 'handled') notices.splice(0, notices.length, ...notices.filter((n) => n.kind !== 'to_verify'));
    cur = { ...cur, ...withTimer(cur), version: start.version + 1, updatedAt: at };
    const { id: _id, ...patch } = cur;
    const saved = await ticketRepo.update(tx, start.id, patch);
    if (saved.tier && saved.assigneePath && (saved.assigneePath !== start.assigneePath || saved.assigneeDept !== start.assigneeDept)) {
      await ticketRepo.upsertUnit(tx, unitKey(saved.tier as Tier, saved.assigneePath, saved.assigneeDept), saved.assigneeName ?? '', saved.assigneePath);
    }
    await ticketRepo.insertEvents(tx, events.map((e) => ({ ...e, ticketId: saved.id })));
    await ticketRepo.insertNotices(tx, notices.map((n) => ({ ...n, ticketId: saved.id })));
    if (steps[0] === 'merge' && pre.into) {
      await ticketRepo.insertEvents(tx, [{ ticketId: pre.into.id, at, actorUserId: by.actor?.id ?? null, actorName: by.name, action: 'merged_in', fromStatus: null, toStatus: null, note: `并入 ${saved.no}`, data: { fromId: saved.id } }]);
    }
    await recordDeltas(tx, deltas(start, saved));
    await this.notifySinks(tx, { ticket: saved, before: start, actions: events.map((e) => e.action), note: input.note ?? null, at });
    await recordAudit(tx, ctx, {
      action: `ticket.${steps.join('+')}`,
      entityType: 'ticket',
      entityId: saved.id,
      scopePath: saved.regionPath,
      before: { status: start.status, tier: start.tier, assignee: start.assigneeName },
      after: { status: saved.status, tier: saved.tier, assignee: saved.assigneeName, note: input.note ?? null },
    });
    return saved;
  }

  // ---- durable timers --------------------------------------------------------------------------

  /** For the storage module's orphan sweep: which of these uploads a ticket shows. */
  photosInUse(ids: string[], db: DbOrTx = this.db): Promise<Set<string>> {
    return ticketRepo.photosInUse(db, ids);
  }

  /**
   * Do what is due: warnings, supervision and escalation on expiry, closing unrated tickets.
   * Rows are taken with FOR UPDATE SKIP LOCKED and their timer moves on in the same transaction,
   * so each step happens once however many processes sweep, and a restart resumes where it was.
   */

  async sweep(limit = 100): Promise<number> {
    const now = this.now();
    const calendar = await this.catalogue.calendar();
    let done = 0;
    for (;;) {
      // Names and targets must be known before the transaction (PGlite: one connection).
      const peek = await ticketRepo.dueTimers(this.db, now, limit);
      if (!peek.length) return done;
      const prepared = new Map<number, Prepared>();
      for (const p of peek) {
        const target = await this.catalogue.resolveTarget(p.categoryCode, p.regionPath);
        prepared.set(p.id, { calendar, catalogueTarget: target, names: await this.ensureNames(this.chainPaths(p.regionPath).concat(target.path)) });
      }
      const n = await this.db.transaction(async (tx) => {
        const due = await ticketRepo.lockDueTimers(tx, now, limit);
        let k = 0;
        for (const t of due) {
          const pre = prepared.get(t.id);
          if (!pre) continue; // became due after the peek; the next round takes it
          await this.fire(tx, t, pre, now);
          k++;
        }
        return k;
      });
      done += n;
      if (n === 0) return done;
    }
  }

  private async fire(tx: DbOrTx, t: TicketRow, pre: Prepared, now: Date): Promise<void> {
    const kind = t.timerKind;
    const unit = t.tier && t.assigneePath ? unitKey(t.tier as Tier, t.assigneePath, t.assigneeDept) : null;
    if (kind === 'respond_warn' || kind === 'resolve_warn') {
      const next = { ...t, warned: [...t.warned, kind] };
      const timer = withTimer(next);
      await ticketRepo.update(tx, t.id, { warned: next.warned, ...timer, version: t.version + 1 });
      if (unit) await ticketRepo.insertNotices(tx, [{ ticketId: t.id, recipient: unit, kind: 'due_soon', message: `即将到期 ${t.no}：${t.title}`, createdAt: now }]);
      return;
    }
    if (kind === 'respond_due') {
      await this.run(tx, t, ['supervise'], SYSTEM, { note: '超过响应时限，系统自动督办' }, pre, SYSTEM_CONTEXT, { respondOverdue: true });
      return;
    }
    if (kind === 'resolve_due') {
      const steps: TicketAction[] = tierAbove((t.tier as Tier | null) ?? 'grid') ? ['supervise', 'escalate'] : ['supervise'];
      await this.run(tx, t, steps, SYSTEM, { note: '超过办结时限，系统自动督办' }, pre, SYSTEM_CONTEXT, { resolveOverdue: true });
      return;
    }
    if (kind === 'autoclose') {
      await this.run(tx, t, ['close'], SYSTEM, { note: `${AUTO_CLOSE_HOURS} 小时内未评价，系统自动结案` }, pre, SYSTEM_CONTEXT);
      return;
    }
    await ticketRepo.update(tx, t.id, { timerAt: null, timerKind: null });
  }
}
