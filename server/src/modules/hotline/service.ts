import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError, ERRORS, invalidField, localize, type Text } from '../../platform/errors/index.js';
import { authorize, scopeOf, type Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import type { Locale } from '../../platform/i18n/locale.js';
import { canonicalFromPath } from '../regions/codes.js';
import type { RegionService } from '../regions/service.js';
import type { HousingService } from '../housing/service.js';
import type { TicketCatalogue } from '../tickets/catalogue.js';
import type { TicketEventSink, TicketService } from '../tickets/service.js';
import type { CreateTicketBody } from '../tickets/contracts.js';
import { STATUS_LABEL, type Status } from '../tickets/workflow.js';
import { parseHotlineTime, parseRecord, type HotlineRecord, type RowError } from './feed.js';
import { gridworkCategory } from './categories.js';
import { PlaceFinder, type Place } from './places.js';
import { hotlineRepo, type ResultRow } from './repo.js';
import type { Feed } from './reader.js';

export type RowOutcome = 'created' | 'duplicate' | 'error';

export interface RowReport {
  /** CSV: the spreadsheet row (header = 1); JSON: the 1-based position in the array. */
  row: number;
  ticketNo: string | null;
  result: RowOutcome;
  /** Gridwork's ticket (null in a dry run, or for a duplicate outside the caller's area). */
  ticketId: number | null;
  no: string | null;
  errors: { field: string; rule: string; reason: string }[];
}

export interface ImportReport {
  dryRun: boolean;
  total: number;
  created: number;
  duplicates: number;
  errors: number;
  rows: RowReport[];
}

export interface ResultDto {
  hotlineNo: string;
  ticketId: number;
  ticketNo: string;
  status: Status;
  statusName: string;
  unit: string | null;
  reply: string | null;
  rating: string | null;
  ratingNote: string | null;
  closedAt: string | null;
  resolveDueAt: string | null;
  regionCode: string;
  version: number;
  changedAt: string;
}

export interface HotlineOptions {
  now?: () => Date;
  /**
   * Changes younger than this are held back from the result feed: a transaction stamped
   * earlier may still be committing, and a cursor must never move past a change it has not seen.
   */
  settleMs?: number;
}

/** A unique-index violation (SQLSTATE 23505) on a named index, also when wrapped by Drizzle. */
function isUniqueViolation(e: unknown, index: string): boolean {
  for (let x = e as { code?: string; constraint?: string; message?: string; cause?: unknown } | undefined; x; x = x.cause as typeof x) {
    if (x.code === '23505') return x.constraint === index || String(x.message ?? '').includes(index);
  }
  return false;
}

const CURSOR = /^(\d{1,15})\.(\d{1,15})$/;

/**
 * The 12345 hotline exchange: hotline tickets in (feeds from the CLI or the API) and their
 * handling state back out (a result feed the hotline pulls; webhooks push the same changes).
 */
export class HotlineService {
  private readonly places: PlaceFinder;

  constructor(
    private readonly db: Db,
    regions: RegionService,
    housing: HousingService,
    private readonly tickets: TicketService,
    private readonly catalogue: TicketCatalogue,
    private readonly opts: HotlineOptions = {},
  ) {
    this.places = new PlaceFinder(db, regions, housing);
  }

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  /** Keeps hotline_results current inside the transaction of every hotline ticket change. */
  readonly sink: TicketEventSink = {
    cares: async (t) => t.channel === 'hotline',
    ticketChanged: async (tx: DbOrTx, { ticket: t, at }) => {
      if (t.channel !== 'hotline' || !t.externalId) return;
      await hotlineRepo.upsert(tx, {
        ticketId: t.id,
        hotlineNo: t.externalId,
        ticketNo: t.no,
        regionPath: t.regionPath,
        status: t.status,
        unitName: t.assigneeName,
        reply: t.status === 'refused' ? t.refuseReason : t.handleNote,
        rating: t.rating,
        ratingNote: t.ratingNote,
        closedAt: t.closedAt,
        resolveDueAt: t.resolveDueAt,
        version: t.version,
        changedAt: at,
      });
    },
  };

  // ---- intake ----------------------------------------------------------------------------------

  /**
   * Import a feed. Each row is checked, placed and created on its own: a bad row is reported
   * (row, field, reason) and writes nothing, the others land. A hotline ticket number already
   * known (from an earlier feed, earlier in this feed, or a concurrent import that won the race
   * on the unique index) is a duplicate and returns the existing ticket.
   */
  async importFeed(actor: Actor | undefined, feed: Feed, ctx: AuditContext, o: { dryRun?: boolean; locale?: Locale } = {}): Promise<ImportReport> {
    authorize(actor, 'hotline.import');
    if (!actor.scopePath) throw new AppError('scope.forbidden', { extra: { action: 'hotline.import' } });
    const locale = o.locale ?? 'zh-CN';
    const dryRun = !!o.dryRun;
    const cats = new Map((await this.catalogue.categories()).map((c) => [c.code, c.active]));
    const known = (c: string) => cats.get(c) === true;
    const report: ImportReport = { dryRun, total: 0, created: 0, duplicates: 0, errors: 0, rows: [] };
    const seen = new Map<string, { ticketId: number | null; no: string | null }>();
    const scope = actor.scopePath;
    const visible = (t: { id: number; no: string; regionPath: string }) => (t.regionPath.startsWith(scope) ? { ticketId: t.id, no: t.no } : { ticketId: null, no: null });
    const push = (row: number, ticketNo: string | null, result: RowOutcome, ref: { ticketId: number | null; no: string | null } = { ticketId: null, no: null }, errors: RowError[] = []) => {
      report.total++;
      if (result === 'created') report.created++;
      else if (result === 'duplicate') report.duplicates++;
      else report.errors++;
      report.rows.push({ row, ticketNo, result, ...ref, errors: errors.map((e) => ({ field: e.field, rule: e.rule, reason: localize(e.reason, locale) })) });
    };
    try {
      for await (const fr of feed.rows) {
        const rawNo = typeof fr.record.ticketNo === 'string' ? fr.record.ticketNo.trim() || null : typeof fr.record.ticketNo === 'number' ? String(fr.record.ticketNo) : null;
        if (fr.problem) {
          push(fr.row, rawNo, 'error', undefined, [fr.problem]);
          continue;
        }
        const parsed = parseRecord(fr.record, this.now());
        if (!parsed.ok) {
          push(fr.row, rawNo, 'error', undefined, parsed.errors);
          continue;
        }
        const rec = parsed.value;
        const again = seen.get(rec.ticketNo);
        if (again) {
          push(fr.row, rec.ticketNo, 'duplicate', again);
          continue;
        }
        const existing = await this.tickets.byExternal('hotline', rec.ticketNo);
        if (existing) {
          const ref = visible(existing);
          seen.set(rec.ticketNo, ref);
          push(fr.row, rec.ticketNo, 'duplicate', ref);
          continue;
        }
        const errors: RowError[] = [];
        const categoryCode = gridworkCategory(rec.categoryCode, known);
        if (!categoryCode) errors.push({ field: 'categoryCode', rule: 'unknown', reason: { zh: `分类代码 ${rec.categoryCode} 不在问题分类目录或热线分类对照表中`, en: `category ${rec.categoryCode} is neither a Gridwork category nor a mapped hotline code` } });
        const place = await this.place(actor, rec, errors);
        if (errors.length || !place || !categoryCode) {
          push(fr.row, rec.ticketNo, 'error', undefined, errors);
          continue;
        }
        if (dryRun) {
          seen.set(rec.ticketNo, { ticketId: null, no: null });
          push(fr.row, rec.ticketNo, 'created');
          continue;
        }
        const outcome = await this.create(actor, rec, categoryCode, place, ctx);
        if ('errors' in outcome) push(fr.row, rec.ticketNo, 'error', undefined, outcome.errors);
        else {
          seen.set(rec.ticketNo, outcome.ref);
          push(fr.row, rec.ticketNo, outcome.result, outcome.ref);
        }
      }
    } finally {
      feed.close();
    }
    if (!dryRun && report.total) {
      await this.db.transaction((tx) =>
        recordAudit(tx, ctx, { action: 'hotline.import', entityType: 'hotline_feed', scopePath: scope, after: { total: report.total, created: report.created, duplicates: report.duplicates, errors: report.errors } }),
      );
    }
    return report;
  }

  /** Where the ticket goes, or the reason it cannot be placed (pushed onto `errors`). */
  private async place(actor: Actor, rec: HotlineRecord, errors: RowError[]): Promise<Place | null> {
    const found = rec.lng != null && rec.lat != null ? await this.places.byPoint(rec.lng, rec.lat) : await this.places.byAddress(actor, rec.address!);
    if ('miss' in found) {
      if (found.miss === 'outside') errors.push({ field: 'lng', rule: 'outside', reason: { zh: '该经纬度不在任何网格内', en: 'the point is outside every grid' } });
      else if (found.miss === 'ambiguous') errors.push({ field: 'address', rule: 'ambiguous', reason: { zh: '地址对应多个网格中的楼栋，请提供经纬度', en: 'the address matches buildings in several grids; give lng/lat' } });
      else errors.push({ field: 'address', rule: 'unmatched', reason: { zh: '地址未匹配到已登记的房屋或楼栋，请提供经纬度', en: 'the address matches no registered house or building; give lng/lat' } });
      return null;
    }
    if (!found.regionPath.startsWith(actor.scopePath!)) {
      errors.push({ field: 'location', rule: 'outside_scope', reason: { zh: '该位置超出您的管辖范围', en: 'the place is outside your area' } });
      return null;
    }
    return found;
  }

  private async create(actor: Actor, rec: HotlineRecord, categoryCode: string, place: Place, ctx: AuditContext): Promise<{ result: 'created' | 'duplicate'; ref: { ticketId: number | null; no: string | null } } | { errors: RowError[] }> {
    const body: CreateTicketBody = {
      categoryCode,
      description: rec.content,
      ...(rec.type ? { type: rec.type } : {}),
      ...(rec.address ? { address: rec.address } : {}),
      ...(place.kind === 'point' ? { lng: place.lng, lat: place.lat } : place.kind === 'building' ? { buildingId: place.buildingId } : { regionCode: place.regionCode }),
    };
    try {
      const t = await this.tickets.create(actor, body, ctx, {
        channel: 'hotline',
        externalId: rec.ticketNo,
        reporterName: rec.callerName ?? undefined,
        reporterPhone: rec.callerPhone,
        extra: { hotline: { receivedAt: rec.receivedAt.toISOString(), categoryCode: rec.categoryCode, dueAt: rec.dueAt?.toISOString() ?? null } },
        resolveDueAt: rec.dueAt ?? undefined,
      });
      return { result: 'created', ref: { ticketId: t.id, no: t.no } };
    } catch (e) {
      // Another import created the same hotline ticket between our check and our insert.
      if (isUniqueViolation(e, 'tickets_external_idx')) {
        const t = await this.tickets.byExternal('hotline', rec.ticketNo);
        if (t) return { result: 'duplicate', ref: t.regionPath.startsWith(actor.scopePath!) ? { ticketId: t.id, no: t.no } : { ticketId: null, no: null } };
      }
      if (e instanceof AppError && e.status < 500) {
        const fields = e.fields?.length ? e.fields : [{ field: 'row', rule: e.code, message: (e.detail ?? { zh: ERRORS[e.code].zh, en: ERRORS[e.code].en }) as Text }];
        return { errors: fields.map((f) => ({ field: mapField(f.field), rule: f.rule, reason: f.message })) };
      }
      throw e;
    }
  }

  // ---- results ---------------------------------------------------------------------------------

  /**
   * Hotline tickets whose handling changed since a time or after a cursor, oldest change first.
   * `nextCursor` is where the next pull starts (also when nothing changed); `hasMore` says whether
   * to pull again at once.
   */
  async results(actor: Actor | undefined, q: { since?: string; cursor?: string; limit?: number }): Promise<{ items: ResultDto[]; nextCursor: string | null; hasMore: boolean }> {
    const scope = scopeOf(actor, 'hotline.read');
    let after: { at: Date; id: number } | null = null;
    if (q.cursor) {
      const m = CURSOR.exec(q.cursor);
      if (!m) throw invalidField('cursor', 'format', { zh: '游标格式不正确', en: 'malformed cursor' });
      after = { at: new Date(Number(m[1])), id: Number(m[2]) };
    } else if (q.since) {
      const since = parseHotlineTime(q.since);
      if (!since) throw invalidField('since', 'format', { zh: '应为 ISO 8601 时间，如 2026-11-22T08:00:00+08:00', en: 'must be an ISO 8601 time such as 2026-11-22T08:00:00+08:00' });
      after = { at: since, id: 0 };
    }
    const limit = q.limit ?? 100;
    const until = new Date(this.now().getTime() - (this.opts.settleMs ?? 2000));
    const rows = await hotlineRepo.changes(this.db, scope, after, until, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const cursorOf = (p: { at: Date; id: number }) => `${p.at.getTime()}.${p.id}`;
    return {
      items: page.map((r) => this.resultDto(r)),
      nextCursor: last ? cursorOf({ at: last.changedAt, id: last.ticketId }) : after ? cursorOf(after) : null,
      hasMore: rows.length > limit,
    };
  }

  private resultDto(r: ResultRow): ResultDto {
    return {
      hotlineNo: r.hotlineNo,
      ticketId: r.ticketId,
      ticketNo: r.ticketNo,
      status: r.status as Status,
      statusName: STATUS_LABEL[r.status as Status]?.zh ?? r.status,
      unit: r.unitName,
      reply: r.reply,
      rating: r.rating,
      ratingNote: r.ratingNote,
      closedAt: r.closedAt?.toISOString() ?? null,
      resolveDueAt: r.resolveDueAt?.toISOString() ?? null,
      regionCode: canonicalFromPath(r.regionPath),
      version: r.version,
      changedAt: r.changedAt.toISOString(),
    };
  }
}

/** Ticket intake names fields by its own body; the feed's names are what the sender knows. */
function mapField(f: string): string {
  return ({ description: 'content', reporterPhone: 'callerPhone', reporterName: 'callerName', buildingId: 'address', regionCode: 'address' } as Record<string, string>)[f] ?? f;
}
