import type { Text } from '../../platform/errors/index.js';
import type { TicketType } from '../tickets/contracts.js';

/**
 * The 12345 feed format: one record per hotline ticket, as a JSON object or a CSV row. Column
 * headers (and JSON keys) may be Chinese or English; they are matched after folding case, width,
 * spaces, underscores, hyphens and a trailing "*" (required-column marker in templates).
 */
export const FEED_FIELDS = {
  ticketNo: { zh: '工单编号', aliases: ['工单编号', '工单号', '热线工单号', '热线工单编号', 'ticketno', 'ticketnumber', 'hotlineno'] },
  receivedAt: { zh: '受理时间', aliases: ['受理时间', '来电时间', '登记时间', 'receivedat', 'receivedtime'] },
  callerPhone: { zh: '来电号码', aliases: ['来电号码', '来电电话', '联系电话', 'callerphone', 'phone'] },
  callerName: { zh: '来电人', aliases: ['来电人', '来电人姓名', '联系人', '诉求人', 'callername'] },
  content: { zh: '诉求内容', aliases: ['诉求内容', '内容', '问题描述', '诉求描述', 'content', 'description'] },
  address: { zh: '地址', aliases: ['地址', '事发地址', '诉求地址', '发生地址', 'address'] },
  categoryCode: { zh: '分类代码', aliases: ['分类代码', '问题分类代码', '诉求分类代码', '分类编码', 'categorycode', 'category'] },
  lng: { zh: '经度', aliases: ['经度', 'lng', 'lon', 'longitude'] },
  lat: { zh: '纬度', aliases: ['纬度', 'lat', 'latitude'] },
  timeLimit: { zh: '办理时限', aliases: ['办理时限', '处理时限', '时限', 'timelimit'] },
  type: { zh: '诉求类型', aliases: ['诉求类型', '工单类型', 'type'] },
} as const;
export type FeedField = keyof typeof FEED_FIELDS;
export const REQUIRED_FIELDS: FeedField[] = ['ticketNo', 'receivedAt', 'callerPhone', 'content', 'categoryCode'];

export function foldHeader(h: string): string {
  return h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-*:：()（）]/g, '');
}

const ALIAS = new Map<string, FeedField>(Object.entries(FEED_FIELDS).flatMap(([f, d]) => d.aliases.map((a) => [foldHeader(a), f as FeedField] as const)));

/** The feed field a header or key names, or null (other columns are ignored). */
export function fieldOfHeader(h: string): FeedField | null {
  return ALIAS.get(foldHeader(h)) ?? null;
}

export type RawRecord = Partial<Record<FeedField, unknown>>;

/** A record with its keys mapped to feed fields; unknown keys dropped, first occurrence wins. */
export function recordFromObject(o: Record<string, unknown>): RawRecord {
  const out: RawRecord = {};
  for (const [k, v] of Object.entries(o)) {
    const f = fieldOfHeader(k);
    if (f && !(f in out)) out[f] = v;
  }
  return out;
}

export interface RowError {
  /** A feed field (ticketNo, receivedAt, …), or `location` / `row` for the row as a whole. */
  field: string;
  rule: string;
  reason: Text;
}

/** A hotline ticket that passed the row checks; category and place are resolved later. */
export interface HotlineRecord {
  ticketNo: string;
  receivedAt: Date;
  callerPhone: string;
  callerName: string | null;
  content: string;
  address: string | null;
  categoryCode: string;
  lng: number | null;
  lat: number | null;
  /** The hotline's own deadline (received + hours, or the given due time); null = the catalogue's. */
  dueAt: Date | null;
  type: TicketType | null;
}

const TYPE_NAMES: Record<string, TicketType> = {
  咨询: 'consultation',
  求助: 'help',
  投诉: 'complaint',
  举报: 'report',
  建议: 'suggestion',
  consultation: 'consultation',
  help: 'help',
  complaint: 'complaint',
  report: 'report',
  suggestion: 'suggestion',
};

const CHINA_OFFSET = '+08:00';

/**
 * A time as hotlines write it: ISO 8601 with an offset or Z, or "YYYY-MM-DD HH:mm[:ss]" (also with
 * "/" or a "T", no offset) read as China time. Impossible dates (Feb 30) are refused.
 */
export function parseHotlineTime(s: string): Date | null {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, sec = '00', frac = '', zone] = m;
  const pad = (x: string) => x.padStart(2, '0');
  const off = zone ? (zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`) : CHINA_OFFSET;
  const iso = `${y}-${pad(mo!)}-${pad(d!)}T${pad(h!)}:${mi}:${sec}${frac.slice(0, 4)}${off}`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  // Date.parse rolls 2026-02-30 over to March: check the fields survive the round trip.
  const local = new Date(t + (off === 'Z' ? 0 : (off[0] === '-' ? -1 : 1) * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6))) * 60_000));
  if (local.getUTCFullYear() !== Number(y) || local.getUTCMonth() + 1 !== Number(mo) || local.getUTCDate() !== Number(d) || local.getUTCHours() !== Number(h)) return null;
  return new Date(t);
}

function text(v: unknown): string | null | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null; // objects, arrays, booleans: not a value we take
}

const HOURS = /^(\d{1,4}(?:\.\d{1,2})?)\s*(?:h|hr|hrs|hours?|小时|个小时)?$/i;

/** Check one record; every problem is reported, not just the first. */
export function parseRecord(raw: RawRecord, now: Date): { ok: true; value: HotlineRecord } | { ok: false; errors: RowError[] } {
  const errors: RowError[] = [];
  const err = (field: RowError['field'], rule: string, zh: string, en: string) => errors.push({ field, rule, reason: { zh, en } });
  const get = (f: FeedField): string | undefined => {
    const v = text(raw[f]);
    if (v === null) {
      err(f, 'type', '应为文字或数字', 'must be text or a number');
      return undefined;
    }
    return v;
  };
  const required = (f: FeedField): string | undefined => {
    const v = get(f);
    if (v === undefined && !errors.some((e) => e.field === f)) err(f, 'required', `缺少${FEED_FIELDS[f].zh}`, `${f} is required`);
    return v;
  };
  const maxLen = (f: FeedField, v: string | undefined, n: number) => {
    if (v !== undefined && [...v].length > n) err(f, 'maxLength', `${FEED_FIELDS[f].zh}不能超过 ${n} 个字符`, `${f} must be at most ${n} characters`);
  };

  const ticketNo = required('ticketNo');
  if (ticketNo !== undefined && !/^[\x21-\x7e]{1,64}$/.test(ticketNo)) err('ticketNo', 'format', '工单编号应为 1–64 位字母、数字或符号，不含空格', 'ticketNo must be 1–64 printable ASCII characters without spaces');

  const receivedRaw = required('receivedAt');
  let receivedAt: Date | null = null;
  if (receivedRaw !== undefined) {
    receivedAt = parseHotlineTime(receivedRaw);
    if (!receivedAt) err('receivedAt', 'format', '受理时间应为 ISO 8601 或“YYYY-MM-DD HH:mm:ss”（北京时间）', 'receivedAt must be ISO 8601 or "YYYY-MM-DD HH:mm:ss" (China time)');
    else if (receivedAt.getTime() > now.getTime() + 10 * 60_000) err('receivedAt', 'future', '受理时间晚于当前时间', 'receivedAt is in the future');
    else if (receivedAt.getUTCFullYear() < 2000) err('receivedAt', 'range', '受理时间过早', 'receivedAt is too early');
  }

  const callerPhone = required('callerPhone');
  if (callerPhone !== undefined) {
    const digits = callerPhone.replace(/[\s\-()（）]/g, '');
    if (!/^\+?\d{5,20}$/.test(digits)) err('callerPhone', 'format', '来电号码格式不正确', 'malformed callerPhone');
  }
  const callerName = get('callerName');
  maxLen('callerName', callerName, 64);
  const content = required('content');
  maxLen('content', content, 4000);
  const address = get('address');
  maxLen('address', address, 256);
  const categoryCode = required('categoryCode');
  if (categoryCode !== undefined && !/^[0-9A-Za-z.\-]{2,20}$/.test(categoryCode)) err('categoryCode', 'format', '分类代码格式不正确', 'malformed categoryCode');

  const coord = (f: 'lng' | 'lat', lo: number, hi: number): number | null => {
    const v = get(f);
    if (v === undefined) return null;
    const n = Number(v);
    if (!/^-?\d+(\.\d+)?$/.test(v) || n < lo || n > hi) {
      err(f, 'range', `${FEED_FIELDS[f].zh}应为 ${lo} 到 ${hi} 之间的数`, `${f} must be a number from ${lo} to ${hi}`);
      return null;
    }
    return n;
  };
  const lng = coord('lng', -180, 180);
  const lat = coord('lat', -90, 90);
  const present = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'string' && !v.trim());
  const hasLng = present(raw.lng);
  const hasLat = present(raw.lat);
  if (hasLng !== hasLat) err(hasLng ? 'lat' : 'lng', 'pair', '经度和纬度须同时提供', 'give both lng and lat');
  if (!hasLng && !hasLat && address === undefined && !errors.some((e) => e.field === 'address')) {
    err('location', 'required', '需要经纬度或地址，才能确定所在网格', 'give lng/lat or an address to place the ticket in a grid');
  }

  let dueAt: Date | null = null;
  const limit = get('timeLimit');
  if (limit !== undefined) {
    const h = HOURS.exec(limit);
    if (h) {
      const hours = Number(h[1]);
      if (hours <= 0 || hours > 8760) err('timeLimit', 'range', '办理时限应在 0 到 8760 小时之间', 'timeLimit must be more than 0 and at most 8760 hours');
      else if (receivedAt) dueAt = new Date(receivedAt.getTime() + hours * 3600_000);
    } else {
      const due = parseHotlineTime(limit);
      if (!due) err('timeLimit', 'format', '办理时限应为小时数（如 24）或截止时间（如 2026-11-23 18:00:00）', 'timeLimit must be hours (e.g. 24) or a due time (e.g. 2026-11-23 18:00:00)');
      else if (receivedAt && due <= receivedAt) err('timeLimit', 'range', '办理截止时间应晚于受理时间', 'the due time must be after receivedAt');
      else dueAt = due;
    }
  }

  const typeRaw = get('type');
  let type: TicketType | null = null;
  if (typeRaw !== undefined) {
    type = TYPE_NAMES[typeRaw.toLowerCase()] ?? TYPE_NAMES[typeRaw.replace(/类$/, '')] ?? null;
    if (!type) err('type', 'unknown', '诉求类型应为咨询、求助、投诉、举报或建议', 'type must be consultation, help, complaint, report or suggestion');
  }

  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      ticketNo: ticketNo!,
      receivedAt: receivedAt!,
      callerPhone: callerPhone!,
      callerName: callerName ?? null,
      content: content!,
      address: address ?? null,
      categoryCode: categoryCode!,
      lng,
      lat,
      dueAt,
      type,
    },
  };
}
