import { and, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError, invalidField } from '../../platform/errors/index.js';
import { authorize, type Actor } from '../../platform/scope/index.js';
import { auditRow, recordAudit, SYSTEM_CONTEXT, type AuditContext } from '../../platform/audit/index.js';
import { chinaDate, endOfChinaDay, type WorkCalendar } from '../../platform/calendar/index.js';
import { maskPhone, normalisePii, type PiiCipher } from '../../platform/pii/index.js';
import { canonicalFromPath, parseRegionCode } from '../regions/codes.js';
import type { RegionService } from '../regions/service.js';
import { ticketNotices, tickets } from './schema.js';
import { IntakeWriter } from './intakeWriter.js';
import { ticketRepo, type EventInsert, type IntakeWrite, type NearQuery, type NearRow, type NoticeInsert, type TicketRow } from './repo.js';
import type { TicketCatalogue, DispatchTarget } from './catalogue.js';
import { AUTO_CLOSE_HOURS, dueAt, dueState, nextTimer, type Limit } from './deadlines.js';
import { deltaRows, deltas, recordDeltas } from './statsLedger.js';
import {
  availableActions,
  check,
  OPEN_STATUSES,
  RUNNING_STATUSES,
  STATUS_LABEL,
  TIER_LABEL,
  TIER_PATH_LENGTH,
  TRANSITIONS,
  tierAbove,
  unitKey,
  type Relation,
  type Status,
  type Tier,
  type TicketAction,
} from './workflow.js';
import type { ActionBody, Channel, CreateTicketBody, DuplicateDto, EventDto, Rating, Target, TicketDetailDto, TicketDto, TicketListQuery, TicketType } from './contracts.js';

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

/** Who does a transition: a person, or the platform itself (timers, exchanges). */
type By = { actor: Actor; name: string } | { actor: null; name: string };
const SYSTEM: By = { actor: null, name: '系统' };

/** Things a transition needs from outside the transaction (PGlite: no other queries inside). */
interface Prepared {
  calendar: WorkCalendar;
  catalogueTarget: DispatchTarget;
  names: Map<string, string>;
  into?: TicketRow;
}

interface StepResult {
  next: TicketRow;
  events: Omit<EventInsert, 'ticketId'>[];
  notices: Omit<NoticeInsert, 'ticketId'>[];
}

const HOUR = 3600_000;
/**
 * Dispatcher steps a grid worker does not take in their own grid: choosing another unit, merging,
 * and deciding on an extension (which they may have asked for themselves).
 */
const NOT_FOR_GRID_WORKERS: readonly TicketAction[] = ['redispatch', 'merge', 'approve_extension', 'reject_extension'];
/** Ticket ids taken per round trip to the sequence. Gaps after a restart are harmless. */
const ID_BLOCK = 20;

/** A new ticket's columns before anything has happened to it (the table's defaults). */
const EMPTY_TICKET: Omit<TicketRow, 'id' | 'no' | 'channel' | 'type' | 'categoryCode' | 'status' | 'title' | 'description' | 'regionCode' | 'regionPath' | 'createdAt' | 'updatedAt'> = {
  priority: 'normal',
  lng: null,
  lat: null,
  address: null,
  buildingId: null,
  reporterUserId: null,
  reporterName: null,
  reporterPhoneEnc: null,
  reporterPhoneMasked: null,
  anonymous: false,
  personId: null,
  householdId: null,
  externalId: null,
  tier: null,
  assigneePath: null,
  assigneeDept: null,
  assigneeName: null,
  leaderName: null,
  respondDueAt: null,
  resolveDueAt: null,
  pausedAt: null,
  extensionDays: null,
  acceptedAt: null,
  dispatchedAt: null,
  respondedAt: null,
  handledAt: null,
  verifiedAt: null,
  closedAt: null,
  rating: null,
  ratingNote: null,
  reopenCount: 0,
  supervisedCount: 0,
  escalations: 0,
  respondOverdue: false,
  resolveOverdue: false,
  warned: [],
  timerAt: null,
  timerKind: null,
  mergedIntoId: null,
  photos: [],
  handlePhotos: [],
  handleNote: null,
  refuseReason: null,
  version: 0,
};
/** Timeline notes of steps a request chains by itself. */
const FOLLOW_UP_NOTE: Partial<Record<TicketAction, string>> = { verify: '网格员自办，自动核查', dispatch: '按派单目录派单', escalate: '系统自动提级' };
const now0 = () => new Date();

function distanceM(aLng: number, aLat: number, bLng: number, bLat: number): number {
  const rad = Math.PI / 180;
  const x = (bLng - aLng) * rad * Math.cos(((aLat + bLat) / 2) * rad);
  const y = (bLat - aLat) * rad;
  return Math.sqrt(x * x + y * y) * 6_371_000;
}

const needNote = (field = 'note') => invalidField(field, 'required', { zh: '请填写说明', en: 'a note is required' });

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

  /** How an actor stands to a ticket (see workflow.RELATIONS). */
  relationsOf(actor: Actor | null, t: TicketRow): Set<Relation> {
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

  private canSee(actor: Actor, t: TicketRow): boolean {
    if (t.reporterUserId === actor.id) return true;
    if (actor.role === 'resident' || !actor.scopePath) return false;
    if (actor.role === 'dept_handler') return this.relationsOf(actor, t).has('assignee') || t.regionPath.startsWith(actor.scopePath);
    return t.regionPath.startsWith(actor.scopePath) || this.relationsOf(actor, t).has('assignee');
  }

  private async visible(actor: Actor | undefined, id: number): Promise<{ actor: Actor; t: TicketRow }> {
    authorize(actor, 'ticket.read');
    const t = await ticketRepo.get(this.db, id);
    if (!t) throw new AppError('ticket.not_found');
    if (!this.canSee(actor, t)) {
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

  private unitName(tier: Tier, path: string, dept: string | null, names: Map<string, string>): string {
    if (tier === 'department') return `${names.get(path) ?? ''}${dept ?? ''}`;
    return names.get(path) ?? `${TIER_LABEL[tier].zh} ${canonicalFromPath(path)}`;
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
      for (const step of ['accept', 'dispatch'] as const) {
        const r = this.step(t, step, by, {}, at, pre);
        t = r.next;
        events.push(...r.events);
        notices.push(...r.notices);
      }
      t = { ...t, ...this.withTimer(t), version: 1 };
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
    return { ...this.dto(actor ?? null, ticket, names, await this.catalogue.categoryNames()), duplicates };
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
      ...this.dto(a, t, names, cats),
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

  private dto(actor: Actor | null, t: TicketRow, names: Map<string, string>, cats: Map<string, string>): TicketDto {
    const now = this.now();
    const relations = this.relationsOf(actor, t);
    const hideReporter = t.anonymous && !relations.has('reporter');
    let actions = availableActions(t.status as Status, relations).filter((a) => a !== 'close' || relations.has('dispatcher'));
    if (actor?.role === 'grid_worker') actions = actions.filter((a) => !NOT_FOR_GRID_WORKERS.includes(a));
    if (t.pausedAt) actions = actions.filter((a) => a !== 'request_extension');
    else actions = actions.filter((a) => a !== 'approve_extension' && a !== 'reject_extension');
    if (t.tier === 'district') actions = actions.filter((a) => a !== 'escalate');
    return {
      id: t.id,
      no: t.no,
      channel: t.channel as Channel,
      type: t.type as TicketType,
      categoryCode: t.categoryCode,
      categoryName: cats.get(t.categoryCode) ?? t.categoryCode,
      status: t.status as Status,
      priority: t.priority,
      title: t.title,
      description: t.description,
      lng: t.lng,
      lat: t.lat,
      address: t.address,
      buildingId: t.buildingId,
      regionCode: t.regionCode,
      regionName: names.get(t.regionPath) ?? t.regionCode,
      reporterName: hideReporter ? null : t.reporterName,
      reporterPhone: hideReporter ? null : t.reporterPhoneMasked,
      anonymous: t.anonymous,
      mine: relations.has('reporter'),
      personId: actor?.role === 'resident' ? null : t.personId,
      householdId: actor?.role === 'resident' ? null : t.householdId,
      externalId: t.externalId,
      assignee: t.tier && t.assigneePath ? { key: unitKey(t.tier as Tier, t.assigneePath, t.assigneeDept), tier: t.tier as Tier, name: t.assigneeName ?? '', regionCode: canonicalFromPath(t.assigneePath) } : null,
      leaderName: t.leaderName,
      respondDueAt: t.respondDueAt?.toISOString() ?? null,
      resolveDueAt: t.resolveDueAt?.toISOString() ?? null,
      dueState: dueState(t as never, now),
      extensionRequestedDays: t.pausedAt ? t.extensionDays : null,
      acceptedAt: t.acceptedAt?.toISOString() ?? null,
      dispatchedAt: t.dispatchedAt?.toISOString() ?? null,
      respondedAt: t.respondedAt?.toISOString() ?? null,
      handledAt: t.handledAt?.toISOString() ?? null,
      verifiedAt: t.verifiedAt?.toISOString() ?? null,
      closedAt: t.closedAt?.toISOString() ?? null,
      rating: (t.rating as Rating | null) ?? null,
      ratingNote: t.ratingNote,
      reopenCount: t.reopenCount,
      supervisedCount: t.supervisedCount,
      escalations: t.escalations,
      respondOverdue: t.respondOverdue,
      resolveOverdue: t.resolveOverdue,
      mergedIntoId: t.mergedIntoId,
      photos: t.photos,
      handlePhotos: t.handlePhotos,
      handleNote: t.handleNote,
      refuseReason: t.refuseReason,
      version: t.version,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
      actions,
    };
  }

  /** The predicate "my unit must act on it" for lists and the inbox. */
  private assignedTo(actor: Actor): SQL | null {
    const sp = actor.scopePath;
    if (!sp) return null;
    if (actor.role === 'grid_worker') return and(eq(tickets.tier, 'grid'), eq(tickets.assigneePath, sp.slice(0, 15)))!;
    if (actor.role === 'dept_handler') return and(eq(tickets.tier, 'department'), eq(tickets.assigneeDept, actor.department ?? ''), like(tickets.assigneePath, `${sp}%`))!;
    const tier = ({ community_staff: 'community', street_staff: 'street', district_staff: 'district', city_admin: 'district' } as Record<string, string>)[actor.role];
    return tier === 'district' && actor.role === 'city_admin' ? eq(tickets.tier, 'district') : and(eq(tickets.tier, tier ?? ''), eq(tickets.assigneePath, sp))!;
  }

  private area(actor: Actor): string {
    return actor.role === 'grid_worker' ? actor.scopePath!.slice(0, 15) : actor.scopePath!;
  }

  private tasksWhere(actor: Actor): SQL {
    const mine = this.assignedTo(actor);
    const running = inArray(tickets.status, [...RUNNING_STATUSES]);
    if (actor.role === 'dept_handler') return and(mine!, running)!;
    const inArea = like(tickets.regionPath, `${this.area(actor)}%`);
    const parts: SQL[] = [and(mine!, running)!];
    // Accepting and verifying fall to the grid worker and the community.
    if (actor.role === 'grid_worker' || actor.role === 'community_staff') {
      parts.push(and(inArea, inArray(tickets.status, ['reported', 'handled']))!);
      parts.push(and(inArea, eq(tickets.status, 'accepted'))!);
    }
    return or(...parts)!;
  }

  async list(actor: Actor | undefined, q: TicketListQuery): Promise<{ items: TicketDto[]; nextCursor: string | null }> {
    authorize(actor, 'ticket.read');
    const view = q.view ?? 'all';
    const conds: SQL[] = [];
    if (actor.role === 'resident' || view === 'reported') conds.push(eq(tickets.reporterUserId, actor.id));
    else if (view === 'tasks') conds.push(this.tasksWhere(actor));
    else if (actor.role === 'dept_handler') conds.push(or(this.assignedTo(actor)!, like(tickets.regionPath, `${actor.scopePath}%`))!);
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
    return { items: page.map((t) => this.dto(actor, t, names, cats)), nextCursor: items.length > limit ? String(page[page.length - 1]!.id) : null };
  }

  private recipients(actor: Actor): SQL {
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

  async inbox(actor: Actor | undefined) {
    authorize(actor, 'ticket.read');
    const recipients = this.recipients(actor);
    const notices = await ticketRepo.notices(this.db, recipients, 50);
    const base = { toAccept: 0, toDispatch: 0, newTasks: 0, inProgress: 0, toVerify: 0, dueSoon: 0, overdue: 0 };
    if (actor.role !== 'resident' && actor.scopePath) {
      const mine = this.assignedTo(actor)!;
      const inArea = like(tickets.regionPath, `${this.area(actor)}%`);
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
    return { updated: await ticketRepo.markRead(this.db, this.recipients(actor), ids, this.now()) };
  }

  async targets(actor: Actor | undefined, id: number) {
    authorize(actor, 'ticket.work');
    const { t } = await this.visible(actor, id);
    const suggested = await this.catalogue.resolveTarget(t.categoryCode, t.regionPath);
    const names = await this.ensureNames(this.chainPaths(t.regionPath).concat(suggested.path));
    const out: { tier: Tier; unitName: string | null; regionCode: string; name: string; byCatalogue: boolean }[] = [
      { tier: suggested.tier, unitName: suggested.dept, regionCode: canonicalFromPath(suggested.path), name: this.unitName(suggested.tier, suggested.path, suggested.dept, names), byCatalogue: true },
    ];
    for (const tier of ['grid', 'community', 'street', 'district'] as const) {
      const path = t.regionPath.slice(0, TIER_PATH_LENGTH[tier]);
      if (tier === suggested.tier && path === suggested.path) continue;
      out.push({ tier, unitName: null, regionCode: canonicalFromPath(path), name: this.unitName(tier, path, null, names), byCatalogue: false });
    }
    const district = t.regionPath.slice(0, 6);
    for (const dept of await this.catalogue.departments()) {
      if (suggested.tier === 'department' && suggested.dept === dept) continue;
      out.push({ tier: 'department', unitName: dept, regionCode: canonicalFromPath(district), name: this.unitName('department', district, dept, names), byCatalogue: false });
    }
    return out;
  }

  // ---- transitions -----------------------------------------------------------------------------

  async act(actor: Actor | undefined, id: number, action: TicketAction, body: ActionBody, ctx: AuditContext): Promise<TicketDetailDto> {
    authorize(actor, 'ticket.work');
    const { t } = await this.visible(actor, id);
    if (body.version != null && body.version !== t.version) throw new AppError('ticket.stale');
    this.validateInput(action, body, actor);
    if (body.photos?.length) await this.deps.photos?.assertExists(body.photos);
    const pre = await this.prepare(actor, t, action, body);
    await this.db.transaction(async (tx) => {
      const locked = await ticketRepo.lock(tx, id);
      if (!locked || locked.version !== t.version) throw new AppError('ticket.stale');
      await this.run(tx, locked, this.plan(actor, locked, action, body), { actor, name: actor.displayName }, body, pre, ctx);
    });
    return this.get(actor, id);
  }

  /** The steps one request performs: some actions chain to save a tap (受理并派单, 自办自核). */
  private plan(actor: Actor | null, t: TicketRow, action: TicketAction, input: ActionBody): TicketAction[] {
    if (action === 'accept' && input.dispatch) return ['accept', 'dispatch'];
    // The grid's own worker handled a grid matter: their check is the verification (自办自核).
    if (action === 'handle' && actor?.role === 'grid_worker' && t.tier === 'grid') return ['handle', 'verify'];
    return [action];
  }

  private validateInput(action: TicketAction, b: ActionBody, actor: Actor): void {
    const note = b.note?.trim();
    switch (action) {
      case 'refuse':
      case 'return':
      case 'reject_verification':
      case 'reject_extension':
        if (!note) throw needNote();
        break;
      case 'handle':
        if (!note) throw invalidField('note', 'required', { zh: '请填写处置情况', en: 'describe what was done' });
        break;
      case 'redispatch':
        if (!b.target) throw invalidField('target', 'required', { zh: '请选择改派的单位', en: 'pick the new unit' });
        break;
      case 'dispatch':
        if (b.target && actor.role === 'grid_worker') throw invalidField('target', 'not_allowed', { zh: '网格员按派单目录派单，不能指定单位', en: 'grid workers dispatch by the catalogue only' });
        break;
      case 'rate':
        if (!b.rating) throw invalidField('rating', 'required', { zh: '请选择满意程度', en: 'choose a rating' });
        break;
      case 'request_extension':
        if (!b.days) throw invalidField('days', 'required', { zh: '请填写延期的工作日数', en: 'how many working days' });
        if (!note) throw needNote();
        break;
      case 'merge':
        if (!b.intoId) throw invalidField('intoId', 'required', { zh: '请选择并入的主工单', en: 'pick the ticket to merge into' });
        break;
      case 'assign_leader':
        if (!b.leaderName?.trim()) throw invalidField('leaderName', 'required', { zh: '请填写包案领导', en: 'name the leader' });
        break;
      default:
    }
    if (b.target?.tier === 'department' && !b.target.unitName) throw invalidField('target.unitName', 'required', { zh: '请填写职能部门', en: 'name the department' });
  }

  private async prepare(actor: Actor | null, t: TicketRow, action: TicketAction, b: ActionBody): Promise<Prepared> {
    const catalogueTarget = await this.catalogue.resolveTarget(t.categoryCode, t.regionPath);
    const calendar = await this.catalogue.calendar();
    const paths = this.chainPaths(t.regionPath).concat(catalogueTarget.path);
    const pre: Prepared = { calendar, catalogueTarget, names: new Map() };
    if (b.target) {
      const path = this.targetPath(t, b.target);
      paths.push(path);
    }
    if (action === 'merge' && b.intoId) {
      if (b.intoId === t.id) throw invalidField('intoId', 'self', { zh: '不能并入自身', en: 'cannot merge into itself' });
      const into = await ticketRepo.get(this.db, b.intoId);
      if (!into || (actor && !this.canSee(actor, into))) throw invalidField('intoId', 'unknown', { zh: '主工单不存在或不在您的范围内', en: 'no such ticket in your area' });
      if (!OPEN_STATUSES.includes(into.status as Status)) throw invalidField('intoId', 'closed', { zh: '主工单已结束，不能并入', en: 'the ticket is no longer open' });
      pre.into = into;
    }
    pre.names = await this.ensureNames(paths);
    return pre;
  }

  private targetPath(t: TicketRow, target: Target): string {
    if (!target.regionCode) return target.tier === 'department' ? t.regionPath.slice(0, 6) : t.regionPath.slice(0, TIER_PATH_LENGTH[target.tier]);
    const r = parseRegionCode(target.regionCode);
    if (!r) throw invalidField('target.regionCode', 'format', { zh: '区划代码格式不正确', en: 'malformed region code' });
    if (!t.regionPath.startsWith(r.path)) throw invalidField('target.regionCode', 'outside', { zh: '处置单位须管辖该问题所在地', en: 'the unit must cover the place' });
    if (target.tier !== 'department' && r.path.length !== TIER_PATH_LENGTH[target.tier]) throw invalidField('target.regionCode', 'level', { zh: '区划层级与处置层级不符', en: 'the region does not match the tier' });
    return r.path;
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
      const relations = this.relationsOf(by.actor, cur);
      const verdict = check(action, cur.status as Status, relations);
      if (verdict === 'bad_state') {
        if (i > 0) break; // a follow-up that no longer applies is skipped, not an error
        throw new AppError('ticket.illegal_transition', { extra: { action, ticketStatus: cur.status }, detail: { zh: `“${STATUS_LABEL[cur.status as Status].zh}”状态下不能${TRANSITIONS[action].label.zh}`, en: `cannot ${action} a ticket that is ${cur.status}` } });
      }
      if (verdict === 'not_yours' || (by.actor?.role === 'grid_worker' && NOT_FOR_GRID_WORKERS.includes(action))) {
        if (i > 0) break;
        throw new AppError('ticket.not_your_step', { extra: { action }, detail: { zh: `您不能对该工单${TRANSITIONS[action].label.zh}`, en: `you may not ${action} this ticket` } });
      }
      const r = this.step(cur, action, by, i === 0 ? input : { note: FOLLOW_UP_NOTE[action] }, at, pre);
      cur = r.next;
      events.push(...r.events);
      notices.push(...r.notices);
    }
    cur = { ...cur, ...this.withTimer(cur), version: start.version + 1, updatedAt: at };
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

  /** Recompute the durable timer from the ticket's state. */
  private withTimer(t: TicketRow): Pick<TicketRow, 'timerAt' | 'timerKind'> {
    const next = nextTimer(t as never);
    return { timerAt: next?.at ?? null, timerKind: next?.kind ?? null };
  }

  private assign(t: TicketRow, tier: Tier, path: string, dept: string | null, names: Map<string, string>): Partial<TicketRow> {
    return { tier, assigneePath: path, assigneeDept: tier === 'department' ? dept : null, assigneeName: this.unitName(tier, path, dept, names) };
  }

  private deadlines(pre: Prepared, from: Date): Pick<TicketRow, 'respondDueAt' | 'resolveDueAt' | 'warned' | 'respondOverdue' | 'resolveOverdue'> {
    const respond: Limit | null = pre.catalogueTarget.respond;
    const resolve: Limit = pre.catalogueTarget.resolve;
    return {
      respondDueAt: respond ? dueAt(pre.calendar, from, respond) : null,
      resolveDueAt: dueAt(pre.calendar, from, resolve),
      warned: [],
      respondOverdue: false,
      resolveOverdue: false,
    };
  }

  /**
   * One transition, pure: the next row, its timeline entries and notices. The caller has checked
   * that the action is legal for this actor in this state.
   */
  step(t: TicketRow, action: TicketAction, by: By, b: ActionBody, at: Date, pre: Prepared): StepResult {
    const note = b.note?.trim() || null;
    const from = t.status as Status;
    let next: TicketRow = { ...t };
    const notices: StepResult['notices'] = [];
    const data: Record<string, unknown> = {};
    const unitOf = (x: TicketRow) => (x.tier && x.assigneePath ? unitKey(x.tier as Tier, x.assigneePath, x.assigneeDept) : null);
    const notify = (recipient: string | null, kind: string, message: string) => {
      if (recipient) notices.push({ recipient, kind, message, createdAt: at });
    };
    const dispatchTo = (tier: Tier, path: string, dept: string | null) => {
      next = { ...next, ...this.assign(next, tier, path, dept, pre.names), status: 'dispatched', dispatchedAt: at };
      if (!next.resolveDueAt) next = { ...next, ...this.deadlines(pre, at) };
      data.target = { tier, name: next.assigneeName };
      notify(unitOf(next), 'dispatched', `新派单 ${t.no}：${t.title}`);
    };
    const explicit = (target: Target) => {
      const path = this.targetPath(t, target);
      return { tier: target.tier as Tier, path, dept: target.tier === 'department' ? (target.unitName ?? null) : null };
    };

    switch (action) {
      case 'accept':
        next = { ...next, status: 'accepted', acceptedAt: at };
        break;
      case 'refuse':
        next = { ...next, status: 'refused', refuseReason: note, closedAt: at };
        break;
      case 'dispatch': {
        const d = b.target ? explicit(b.target) : pre.catalogueTarget;
        dispatchTo(d.tier, d.path, d.dept);
        break;
      }
      case 'redispatch': {
        const d = explicit(b.target!);
        if (d.tier === t.tier && d.path === t.assigneePath && d.dept === t.assigneeDept) throw invalidField('target', 'same', { zh: '改派单位与当前单位相同', en: 'that is the current unit' });
        dispatchTo(d.tier, d.path, d.dept);
        break;
      }
      case 'return':
        notify(`community:${t.regionPath.slice(0, 12)}`, 'returned', `${t.assigneeName ?? ''}退单 ${t.no}：${note}`);
        next = { ...next, status: 'accepted', tier: null, assigneePath: null, assigneeDept: null, assigneeName: null, pausedAt: null, extensionDays: null };
        break;
      case 'start':
        next = { ...next, status: 'in_progress', respondedAt: t.respondedAt ?? at };
        break;
      case 'handle':
        next = { ...next, status: 'handled', respondedAt: t.respondedAt ?? at, handledAt: at, handleNote: note, handlePhotos: b.photos ?? [] };
        data.photos = b.photos ?? [];
        notify(`grid:${t.regionPath.slice(0, 15)}`, 'to_verify', `待核查 ${t.no}：${t.title}`);
        break;
      case 'verify':
        if (t.reporterUserId && t.channel !== 'patrol') {
          next = { ...next, status: 'verified', verifiedAt: at };
          notify(`user:${t.reporterUserId}`, 'rate_request', `您反映的“${t.title}”已办结，请评价`);
        } else {
          // Nobody to rate it here (a patrol find, a hotline call rated through the hotline).
          next = { ...next, status: t.channel === 'hotline' || t.channel === 'open311' ? 'verified' : 'closed', verifiedAt: at, closedAt: t.channel === 'hotline' || t.channel === 'open311' ? null : at };
        }
        break;
      case 'reject_verification':
        next = { ...next, status: 'in_progress', handledAt: null };
        notify(unitOf(t), 'verify_failed', `核查未通过 ${t.no}：${note}`);
        break;
      case 'rate': {
        const rating = b.rating!;
        data.rating = rating;
        if (rating === 'unsatisfied' && t.reopenCount === 0) {
          // Unsatisfied once: back to the same unit, with a fresh clock.
          next = { ...next, ...this.deadlines(pre, at), status: 'dispatched', reopenCount: 1, rating: null, ratingNote: note, handledAt: null, verifiedAt: null, dispatchedAt: at, respondedAt: null };
          data.reopened = true;
          notify(unitOf(t), 'reopened', `群众不满意，重新办理 ${t.no}`);
        } else {
          next = { ...next, status: 'closed', rating, ratingNote: note, closedAt: at };
        }
        break;
      }
      case 'close':
        next = { ...next, status: 'closed', closedAt: at };
        break;
      case 'request_extension':
        if (t.pausedAt) throw new AppError('ticket.extension_pending');
        next = { ...next, pausedAt: at, extensionDays: b.days! };
        data.days = b.days;
        notify(`community:${t.regionPath.slice(0, 12)}`, 'extension_requested', `${t.assigneeName ?? ''}申请延期 ${b.days} 个工作日：${t.no}`);
        break;
      case 'approve_extension':
      case 'reject_extension': {
        if (!t.pausedAt) throw new AppError('ticket.no_extension_pending');
        const paused = at.getTime() - t.pausedAt.getTime();
        const shift = (d: Date | null) => (d ? new Date(d.getTime() + paused) : null);
        let resolveDueAt = shift(t.resolveDueAt);
        if (action === 'approve_extension' && resolveDueAt && t.extensionDays) {
          resolveDueAt = endOfChinaDay(pre.calendar.addWorkdays(chinaDate(resolveDueAt), t.extensionDays));
          data.days = t.extensionDays;
        }
        next = { ...next, pausedAt: null, extensionDays: null, respondDueAt: t.respondedAt ? t.respondDueAt : shift(t.respondDueAt), resolveDueAt, warned: t.warned.filter((w) => w !== 'resolve_warn') };
        data.resolveDueAt = resolveDueAt?.toISOString() ?? null;
        notify(unitOf(t), action === 'approve_extension' ? 'extension_approved' : 'extension_rejected', `${action === 'approve_extension' ? '延期已批准' : '延期被驳回'}：${t.no}`);
        break;
      }
      case 'merge':
        next = { ...next, status: 'merged', mergedIntoId: pre.into!.id, closedAt: at, pausedAt: null };
        data.intoId = pre.into!.id;
        break;
      case 'escalate': {
        const up = tierAbove((t.tier as Tier | null) ?? 'grid');
        if (!up) throw new AppError('ticket.cannot_escalate');
        const path = t.regionPath.slice(0, TIER_PATH_LENGTH[up]);
        next = { ...next, escalations: t.escalations + 1 };
        dispatchTo(up, path, null);
        notices.pop();
        notify(unitOf(next), 'escalated', `提级办理 ${t.no}：${t.title}${note ? `（${note}）` : ''}`);
        break;
      }
      case 'assign_leader':
        next = { ...next, leaderName: b.leaderName!.trim() };
        data.leaderName = next.leaderName;
        notify(unitOf(t), 'leader_assigned', `${next.leaderName}包案 ${t.no}`);
        break;
      case 'supervise':
        next = { ...next, supervisedCount: t.supervisedCount + 1 };
        notify(unitOf(t), 'supervised', `督办 ${t.no}：${note ?? '请抓紧办理'}`);
        break;
    }
    return {
      next,
      events: [{ at, actorUserId: by.actor?.id ?? null, actorName: by.name, action, fromStatus: from, toStatus: next.status, note, data: Object.keys(data).length ? data : null }],
      notices,
    };
  }

  // ---- durable timers --------------------------------------------------------------------------

  /**
   * Do what is due: warnings, supervision and escalation on expiry, closing unrated tickets.
   * Rows are taken with FOR UPDATE SKIP LOCKED and their timer moves on in the same transaction,
   * so each step happens once however many processes sweep, and a restart resumes where it was.
   */
  /** For the storage module's orphan sweep: which of these uploads a ticket shows. */
  photosInUse(ids: string[], db: DbOrTx = this.db): Promise<Set<string>> {
    return ticketRepo.photosInUse(db, ids);
  }

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
      const timer = this.withTimer(next);
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
