import { createHash, randomBytes } from 'node:crypto';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError, localize, type FieldErrorSpec, type Text } from '../../platform/errors/index.js';
import { authorize, scopeOf, type Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import { normalisePii } from '../../platform/pii/index.js';
import { normaliseAddress } from '../../platform/text/address.js';
import type { Locale } from '../../platform/i18n/locale.js';
import { canonicalFromPath, parseRegionCode } from '../regions/codes.js';
import { requireCode, type BuildingDto, type RegionService } from '../regions/service.js';
import type { TicketService, TicketEventSink } from '../tickets/service.js';
import type { TicketCatalogue } from '../tickets/catalogue.js';
import type { CategoryDto, CreateTicketBody } from '../tickets/contracts.js';
import type { Attribute } from '../tickets/defaultCatalogue.js';
import { STATUS_LABEL, type Status, type TicketAction } from '../tickets/workflow.js';
import { CLOSED_STATUSES, open311Repo, type ApiKeyRow, type RequestRow } from './repo.js';
import type { FormPairs } from './form.js';
import {
  GEOREPORT_V2,
  type ApiKeyDto,
  type AttributeJson,
  type CreateApiKeyBody,
  type CreatedApiKeyDto,
  type DiscoveryJson,
  type ServiceDefinitionJson,
  type ServiceJson,
  type ServiceRequestJson,
} from './contracts.js';

/** When this API's behaviour last changed (the discovery document's changeset). */
export const OPEN311_CHANGESET = '2026-11-22T00:00:00+08:00';
/** GET requests: the default window and the most results one call returns (the specification's defaults). */
export const DEFAULT_WINDOW_DAYS = 90;
export const MAX_RESULTS = 1000;
const DAY = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3600_000;
/** Addresses of buildings in a key's region are cached this long per process. */
const GEOCODE_TTL_MS = 5 * 60_000;
const GEOCODE_CACHE_REGIONS = 32;

/** ISO 8601 in China time with its offset, e.g. 2026-11-22T18:00:00+08:00. */
export function isoChina(d: Date): string {
  return `${new Date(d.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

const W3_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const W3_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A W3C date-time with a zone (or a bare date, read as China midnight), else null. */
export function parseW3(s: string): Date | null {
  const d = W3_DATE.exec(s);
  const dt = d ? null : W3_DATETIME.exec(s);
  const m = d ?? dt;
  if (!m) return null;
  const [y, mo, da] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const civil = new Date(Date.UTC(y, mo - 1, da));
  if (civil.getUTCFullYear() !== y || civil.getUTCMonth() !== mo - 1 || civil.getUTCDate() !== da) return null;
  if (dt && (Number(dt[4]) > 23 || Number(dt[5]) > 59 || Number(dt[6] ?? 0) > 59)) return null;
  const t = Date.parse(d ? `${s}T00:00:00+08:00` : s);
  return Number.isNaN(t) ? null : new Date(t);
}

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const codePoints = (s: string) => [...s].length;

/** Fields a POST requests body may carry (besides attribute[code] and attribute[code][]). */
const FORM_FIELDS = [
  'api_key',
  'jurisdiction_id',
  'service_code',
  'lat',
  'long',
  'address_string',
  'address_id',
  'email',
  'device_id',
  'account_id',
  'first_name',
  'last_name',
  'phone',
  'description',
  'media_url',
] as const;
type FormField = (typeof FORM_FIELDS)[number];
const ATTRIBUTE_FIELD = /^attribute\[([^[\]]{1,64})\](\[\])?$/;

/** Longest accepted value per field (code points). */
const MAX_LEN: Record<FormField, number> = {
  api_key: 128,
  jurisdiction_id: 64,
  service_code: 12,
  lat: 32,
  long: 32,
  address_string: 256,
  address_id: 12,
  email: 254,
  device_id: 128,
  account_id: 64,
  first_name: 64,
  last_name: 64,
  phone: 32,
  description: 4000,
  media_url: 2048,
};

/** The ticket service's field names, as this API calls them (for errors the ticket service raises). */
const TICKET_FIELD: Record<string, string> = { lng: 'long', lat: 'lat', buildingId: 'address_id', address: 'address_string', reporterPhone: 'phone', reporterName: 'first_name', categoryCode: 'service_code', description: 'description', regionCode: 'address_string' };

/** Steps whose note is meant for the public (a refusal's reason, what was done); other notes are internal. */
const PUBLIC_NOTE_STEPS: readonly string[] = ['refuse', 'handle', 'close', 'merge'] satisfies TicketAction[];

const field = (name: string, rule: string, message: Text): FieldErrorSpec => ({ field: name, rule, message });
const invalid = (fields: FieldErrorSpec[]) => new AppError('request.invalid', { fields });

interface Pending {
  key: ApiKeyRow;
  ctx: AuditContext;
  mediaUrl: string | null;
  addressId: number | null;
}

interface GeoEntry {
  key: string;
  building: BuildingDto;
}

function limitText(value: number | null, unit: string | null, locale: Locale): string | null {
  if (value == null || !unit) return null;
  if (locale === 'en') return unit === 'workday' ? `${value} working day${value === 1 ? '' : 's'}` : `${value} hour${value === 1 ? '' : 's'}`;
  return unit === 'workday' ? `${value} 个工作日` : `${value} 小时`;
}

/**
 * Open311 GeoReport v2 on top of the closed loop: the category catalogue as services, tickets as
 * service requests, keys for the external systems that file them. Requests are filed through
 * `TicketService.create` with the `open311` channel; this module keeps a public projection of
 * those tickets (no personal data), updated inside every ticket transaction through a sink.
 */
export class Open311Service {
  /** Submissions under way in this process, by token: what the sink needs when the ticket lands. */
  private readonly pending = new Map<string, Pending>();
  private readonly geocache = new Map<string, { at: number; entries: GeoEntry[] }>();

  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
    private readonly tickets: TicketService,
    private readonly catalogue: TicketCatalogue,
    private readonly opts: { now?: () => Date } = {},
  ) {
    const sink: TicketEventSink = { cares: async (t) => t.channel === 'open311', ticketChanged: (tx, change) => this.ticketChanged(tx, change) };
    tickets.addSink(sink);
  }

  private now(): Date {
    return (this.opts.now ?? (() => new Date()))();
  }

  // ---- API keys (administrators) -------------------------------------------------------------

  private async keyDtos(rows: ApiKeyRow[]): Promise<ApiKeyDto[]> {
    const codes = [...new Set(rows.map((r) => canonicalFromPath(r.regionPath)))];
    const names = new Map((codes.length ? await this.regions.namesOf(codes) : []).map((r) => [r.code, r.name]));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      keyPrefix: r.keyPrefix,
      regionCode: canonicalFromPath(r.regionPath),
      regionName: names.get(canonicalFromPath(r.regionPath)) ?? canonicalFromPath(r.regionPath),
      active: r.active,
      createdAt: r.createdAt.toISOString(),
      revokedAt: r.revokedAt?.toISOString() ?? null,
      lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    }));
  }

  async listKeys(actor: Actor | undefined): Promise<ApiKeyDto[]> {
    const scope = scopeOf(actor, 'apikey.write');
    return this.keyDtos(await open311Repo.keys(this.db, scope));
  }

  /** Issue a key for an external system; the key is in this answer only. */
  async createKey(actor: Actor | undefined, body: CreateApiKeyBody, ctx: AuditContext): Promise<CreatedApiKeyDto> {
    authorize(actor, 'apikey.write');
    const code = requireCode(body.regionCode, 'regionCode');
    authorize(actor, 'apikey.write', { path: code.path });
    const name = body.name.trim();
    if (!name) throw invalid([field('name', 'required', { zh: '请填写外部系统名称', en: 'name the external system' })]);
    const region = await this.regions.lookup(code.code);
    if (!region) throw new AppError('region.not_found', { extra: { regionCode: code.code } });
    const key = `o311_${randomBytes(24).toString('base64url')}`;
    const at = this.now();
    const row = await this.db.transaction(async (tx) => {
      const r = await open311Repo.insertKey(tx, { name, keyHash: sha256(key), keyPrefix: key.slice(0, 9), regionPath: region.path, createdBy: actor.id, createdAt: at });
      await recordAudit(tx, ctx, { action: 'open311_key.create', entityType: 'open311_api_key', entityId: r.id, scopePath: r.regionPath, after: { name, keyPrefix: r.keyPrefix, regionCode: region.code } });
      return r;
    });
    return { ...(await this.keyDtos([row]))[0]!, key };
  }

  /** Revoke a key: it stops working at once; the row stays for the record. Revoking twice is harmless. */
  async revokeKey(actor: Actor | undefined, id: number, ctx: AuditContext): Promise<ApiKeyDto> {
    authorize(actor, 'apikey.write');
    const before = await open311Repo.key(this.db, id);
    if (!before) throw new AppError('open311.key_not_found');
    authorize(actor, 'apikey.write', { path: before.regionPath });
    let row = before;
    if (before.active) {
      row = await this.db.transaction(async (tx) => {
        const r = await open311Repo.revokeKey(tx, id, this.now());
        await recordAudit(tx, ctx, { action: 'open311_key.revoke', entityType: 'open311_api_key', entityId: id, scopePath: r.regionPath, before: { active: true }, after: { active: false } });
        return r;
      });
    }
    return (await this.keyDtos([row]))[0]!;
  }

  /** The active key with this secret, or 403. */
  private async keyFor(apiKey: string | undefined): Promise<ApiKeyRow> {
    if (!apiKey) throw new AppError('open311.api_key_invalid', { detail: { zh: '缺少 api_key', en: 'api_key is missing' } });
    const row = await open311Repo.keyByHash(this.db, sha256(apiKey));
    if (!row) throw new AppError('open311.api_key_invalid', { detail: { zh: 'api_key 无效', en: 'unknown api_key' } });
    if (!row.active) throw new AppError('open311.api_key_invalid', { detail: { zh: 'api_key 已吊销', en: 'the api_key has been revoked' } });
    return row;
  }

  // ---- discovery and services ----------------------------------------------------------------

  discovery(baseUrl: string, locale: Locale): DiscoveryJson {
    return {
      changeset: OPEN311_CHANGESET,
      contact:
        locale === 'en'
          ? 'The city’s grid management platform (Gridwork). For access, ask the city administrator.'
          : '本市网格化服务管理平台（网格通）。接入请联系市级平台管理员。',
      key_service:
        locale === 'en'
          ? 'Keys are issued by a city administrator to each external system, for one region (Gridwork: POST /api/open311/keys).'
          : '由市级管理员为每个接入系统签发，限定可上报的区域（网格通：POST /api/open311/keys）。',
      endpoints: [{ specification: GEOREPORT_V2, url: baseUrl, changeset: OPEN311_CHANGESET, type: 'production', formats: ['application/json', 'text/xml'] }],
    };
  }

  /** Leaf categories that are active: the services. */
  private async leaves(): Promise<{ leaves: CategoryDto[]; byCode: Map<string, CategoryDto> }> {
    const cats = await this.catalogue.categories();
    const byCode = new Map(cats.map((c) => [c.code, c]));
    const parents = new Set(cats.filter((c) => c.active && c.parentCode).map((c) => c.parentCode!));
    return { leaves: cats.filter((c) => c.active && !parents.has(c.code)), byCode };
  }

  private async service(code: string): Promise<CategoryDto> {
    const { leaves } = await this.leaves();
    const c = leaves.find((x) => x.code === code);
    if (!c) throw new AppError('open311.service_not_found', { detail: { zh: `没有服务 ${code}`, en: `no service ${code}` } });
    return c;
  }

  private serviceName(c: CategoryDto, locale: Locale): string {
    return locale === 'en' ? (c.nameEn ?? c.name) : c.name;
  }

  private notice(c: CategoryDto | undefined, locale: Locale): string | null {
    if (!c) return null;
    const resolve = limitText(c.resolveValue, c.resolveUnit, locale);
    const respond = limitText(c.respondValue, c.respondUnit, locale);
    const workdays = c.resolveUnit === 'workday' || c.respondUnit === 'workday';
    if (locale === 'en') {
      return `Passed to the unit in charge: ${respond ? `answered within ${respond} and ` : ''}resolved within ${resolve} of dispatch${workdays ? ' (working days exclude public holidays)' : ''}.`;
    }
    return `已转交处置单位办理：派单后${respond ? `${respond}内响应、` : ''}${resolve}内办结${workdays ? '（工作日不含法定节假日）' : ''}。`;
  }

  async services(locale: Locale): Promise<ServiceJson[]> {
    const { leaves, byCode } = await this.leaves();
    return leaves.map((c): ServiceJson => {
      const parent = c.parentCode ? byCode.get(c.parentCode) : undefined;
      const resolve = limitText(c.resolveValue, c.resolveUnit, locale);
      const keywords = locale === 'en' ? [c.name, parent?.nameEn ?? parent?.name] : [c.nameEn, parent?.name];
      return {
        service_code: c.code,
        service_name: this.serviceName(c, locale),
        description: locale === 'en' ? `${c.nameEn ?? c.name}. Resolved within ${resolve} of dispatch.` : `${c.name}。派单后${resolve}内办结。`,
        metadata: this.attributesOf(c).length > 0,
        type: 'realtime',
        keywords: keywords.filter((k): k is string => !!k).join(', '),
        group: parent ? this.serviceName(parent, locale) : '',
      };
    });
  }

  private attributesOf(c: CategoryDto): Attribute[] {
    return (Array.isArray(c.attributes) ? (c.attributes as Attribute[]) : [])
      .filter((a) => a && typeof a.code === 'string' && a.code)
      .sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  }

  async definition(code: string): Promise<ServiceDefinitionJson> {
    const c = await this.service(code);
    return {
      service_code: c.code,
      attributes: this.attributesOf(c).map((a): AttributeJson => {
        const list = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
        return {
          variable: true,
          code: a.code,
          datatype: a.datatype,
          required: !!a.required,
          datatype_description: a.datatypeDescription ?? null,
          order: a.order ?? 0,
          description: a.description ?? '',
          ...(list ? { values: (a.values ?? []).map((v) => ({ key: String(v.key), name: v.name })) } : {}),
        };
      }),
    };
  }

  // ---- POST requests -------------------------------------------------------------------------

  /**
   * File a service request. Everything is checked before anything is written: the key (403),
   * the service (404), then every field at once (400); the place must lie in the key's region
   * (403). The ticket, its Open311 record, the key's last use and the audit entries land in one
   * transaction.
   */
  async submit(form: FormPairs, queryKey: string | undefined, ctx: AuditContext, locale: Locale) {
    const fields = new Map<FormField, string>();
    const attrs = new Map<string, string[]>();
    const problems: FieldErrorSpec[] = [];
    for (const [name, raw] of form) {
      const a = ATTRIBUTE_FIELD.exec(name);
      if (a) {
        const list = attrs.get(a[1]!) ?? [];
        list.push(raw);
        attrs.set(a[1]!, list);
        continue;
      }
      if (!(FORM_FIELDS as readonly string[]).includes(name)) {
        problems.push(field(name.slice(0, 64), 'unknown_field', { zh: '不是 GeoReport v2 的参数', en: 'not a GeoReport v2 parameter' }));
        continue;
      }
      const f = name as FormField;
      if (fields.has(f)) {
        problems.push(field(f, 'repeated', { zh: '参数重复', en: 'given more than once' }));
        continue;
      }
      const value = raw.trim();
      if (codePoints(value) > MAX_LEN[f]) problems.push(field(f, 'max_length', { zh: `最长 ${MAX_LEN[f]} 个字符`, en: `at most ${MAX_LEN[f]} characters` }));
      if (value) fields.set(f, value);
    }

    const key = await this.keyFor(fields.get('api_key') ?? queryKey);
    const code = fields.get('service_code');
    if (!code) throw invalid([field('service_code', 'required', { zh: '缺少 service_code', en: 'service_code is required' }), ...problems]);
    const category = await this.service(code);

    // Every other field, all problems at once.
    const description = fields.get('description') ?? category.name;
    const latS = fields.get('lat');
    const lngS = fields.get('long');
    let point: { lng: number; lat: number } | null = null;
    if (latS != null || lngS != null) {
      const lat = Number(latS);
      const lng = Number(lngS);
      if (latS == null || lngS == null) problems.push(field(latS == null ? 'lat' : 'long', 'pair', { zh: 'lat 和 long 须同时提供', en: 'give both lat and long' }));
      else if (!Number.isFinite(lat) || lat < -90 || lat > 90) problems.push(field('lat', 'range', { zh: 'lat 应为 -90 到 90 之间的数（WGS84）', en: 'lat must be a number from -90 to 90 (WGS84)' }));
      else if (!Number.isFinite(lng) || lng < -180 || lng > 180) problems.push(field('long', 'range', { zh: 'long 应为 -180 到 180 之间的数（WGS84）', en: 'long must be a number from -180 to 180 (WGS84)' }));
      else point = { lng, lat };
    }
    const addressIdS = fields.get('address_id');
    let addressId: number | null = null;
    if (addressIdS != null) {
      if (/^[1-9]\d{0,9}$/.test(addressIdS) && Number(addressIdS) <= 2_147_483_647) addressId = Number(addressIdS);
      else problems.push(field('address_id', 'format', { zh: 'address_id 应为楼栋编号（正整数）', en: 'address_id must be a building id (a positive integer)' }));
    }
    const addressString = fields.get('address_string') ?? null;
    if (latS == null && lngS == null && addressIdS == null && addressString == null) {
      problems.push(field('location', 'required', { zh: '须提供位置：lat 和 long、address_string 或 address_id 之一', en: 'give a location: lat and long, address_string or address_id' }));
    }
    const mediaUrl = fields.get('media_url') ?? null;
    if (mediaUrl != null) {
      let ok = false;
      try {
        const u = new URL(mediaUrl);
        ok = u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        ok = false;
      }
      if (!ok) problems.push(field('media_url', 'format', { zh: 'media_url 应为 http 或 https 地址', en: 'media_url must be an http or https URL' }));
    }
    const phoneRaw = fields.get('phone');
    let phone: string | undefined;
    if (phoneRaw != null) {
      phone = normalisePii('phone', phoneRaw);
      if (!/^\+?\d{5,20}$/.test(phone)) problems.push(field('phone', 'format', { zh: '电话号码格式不正确', en: 'malformed phone number' }));
    }
    const email = fields.get('email');
    if (email != null && !/^[^\s@]+@[^\s@]+$/.test(email)) problems.push(field('email', 'format', { zh: '电子邮箱格式不正确', en: 'malformed email address' }));
    const attributes = this.checkAttributes(category, attrs, problems);
    if (problems.length) throw invalid(problems);

    // Where: a building, a point, or an address the registry knows — inside the key's region.
    const place = await this.place(key, addressId, point, addressString);
    const first = fields.get('first_name') ?? '';
    const last = fields.get('last_name') ?? '';
    const cjk = /[\u3400-\u9fff]/.test(first + last);
    const reporterName = (cjk ? `${last}${first}` : [first, last].filter(Boolean).join(' ')).slice(0, 64) || undefined;
    const accountId = fields.get('account_id') ?? null;

    const body: CreateTicketBody = {
      type: 'report',
      categoryCode: category.code,
      description,
      ...(place.buildingId != null ? { buildingId: place.buildingId } : { lng: place.lng, lat: place.lat }),
      ...(addressString ? { address: addressString } : {}),
    };
    const token = randomBytes(16).toString('hex');
    this.pending.set(token, { key, ctx, mediaUrl, addressId: place.buildingId });
    let ticket;
    try {
      ticket = await this.tickets.create(undefined, body, ctx, {
        channel: 'open311',
        externalId: token,
        reporterName,
        reporterPhone: phone,
        extra: {
          open311: {
            apiKey: { id: key.id, name: key.name },
            ...(accountId ? { accountId } : {}),
            ...(fields.get('device_id') ? { deviceId: fields.get('device_id') } : {}),
            ...(mediaUrl ? { mediaUrl } : {}),
            ...(attributes.length ? { attributes } : {}),
          },
        },
      });
    } catch (e) {
      // The ticket service names fields its own way; answer with this API's names.
      if (e instanceof AppError && e.fields?.length) throw new AppError(e.code, { fields: e.fields.map((f) => ({ ...f, field: TICKET_FIELD[f.field] ?? f.field })) });
      throw e;
    } finally {
      this.pending.delete(token);
    }
    return { service_request_id: ticket.no, token, service_notice: this.notice(category, locale), account_id: accountId };
  }

  /** Check attribute[code] values against the service definition; the cleaned values for the timeline. */
  private checkAttributes(c: CategoryDto, given: Map<string, string[]>, problems: FieldErrorSpec[]) {
    const defs = this.attributesOf(c);
    const out: { code: string; description: string; value: string | number | string[]; names?: string[] }[] = [];
    for (const code of given.keys()) {
      if (!defs.some((d) => d.code === code)) problems.push(field(`attribute[${code}]`, 'unknown', { zh: '该服务没有这个属性', en: 'the service has no such attribute' }));
    }
    for (const d of defs) {
      const name = `attribute[${d.code}]`;
      const values = (given.get(d.code) ?? []).map((v) => v.trim()).filter(Boolean);
      if (!values.length) {
        if (d.required) problems.push(field(name, 'required', { zh: `请填写：${d.description}`, en: `required: ${d.description}` }));
        continue;
      }
      if (d.datatype !== 'multivaluelist' && values.length > 1) {
        problems.push(field(name, 'repeated', { zh: '只能有一个值', en: 'takes one value' }));
        continue;
      }
      const v = values[0]!;
      const keys = (d.values ?? []).map((x) => String(x.key));
      const nameOf = (k: string) => d.values?.find((x) => String(x.key) === k)?.name ?? k;
      switch (d.datatype) {
        case 'string':
        case 'text': {
          const max = d.datatype === 'string' ? 1000 : 4000;
          if (codePoints(v) > max) problems.push(field(name, 'max_length', { zh: `最长 ${max} 个字符`, en: `at most ${max} characters` }));
          else out.push({ code: d.code, description: d.description, value: v });
          break;
        }
        case 'number':
          if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) || !Number.isFinite(Number(v))) problems.push(field(name, 'number', { zh: '应为数字', en: 'must be a number' }));
          else out.push({ code: d.code, description: d.description, value: Number(v) });
          break;
        case 'datetime': {
          const at = parseW3(v);
          if (!at) problems.push(field(name, 'datetime', { zh: '应为 ISO 8601 日期时间（含时区），如 2026-11-22T18:00:00+08:00', en: 'must be an ISO 8601 date-time with a zone, e.g. 2026-11-22T18:00:00+08:00' }));
          else out.push({ code: d.code, description: d.description, value: isoChina(at) });
          break;
        }
        case 'singlevaluelist':
          if (!keys.includes(v)) problems.push(field(name, 'not_in_list', { zh: `应为以下之一：${keys.join('、')}`, en: `must be one of ${keys.join(', ')}` }));
          else out.push({ code: d.code, description: d.description, value: v, names: [nameOf(v)] });
          break;
        case 'multivaluelist': {
          const bad = values.filter((x) => !keys.includes(x));
          if (bad.length) problems.push(field(name, 'not_in_list', { zh: `${bad.join('、')} 不在可选值中：${keys.join('、')}`, en: `${bad.join(', ')} not among ${keys.join(', ')}` }));
          else {
            const unique = [...new Set(values)];
            out.push({ code: d.code, description: d.description, value: unique, names: unique.map(nameOf) });
          }
          break;
        }
        default:
          problems.push(field(name, 'datatype', { zh: '分类目录中该属性的类型无法识别', en: 'the catalogue gives this attribute an unknown datatype' }));
      }
    }
    return out;
  }

  /** The place of a request, checked against the key's region. address_id wins, then lat/long, then address_string. */
  private async place(key: ApiKeyRow, addressId: number | null, point: { lng: number; lat: number } | null, address: string | null): Promise<{ buildingId: number | null; lng: number; lat: number }> {
    const outside = () => new AppError('open311.outside_region', { detail: { zh: '该位置不在此 api_key 可上报的区域内', en: 'the location is outside the region of this api_key' } });
    if (addressId != null) {
      const b = await this.regions.buildingInfo(addressId);
      if (!b) throw invalid([field('address_id', 'unknown', { zh: '没有这个楼栋', en: 'no such building' })]);
      if (!b.regionPath.startsWith(key.regionPath)) throw outside();
      return { buildingId: b.id, lng: b.lng, lat: b.lat };
    }
    if (point) {
      const hit = await this.regions.locatePoint(point.lng, point.lat);
      if (!hit) throw invalid([field('long', 'outside', { zh: '该位置不在本市任何网格内（坐标应为 WGS84）', en: 'the point lies in no grid (coordinates are WGS84)' })]);
      const path = parseRegionCode(hit.microgrid?.code ?? hit.grid.code)!.path;
      if (!path.startsWith(key.regionPath)) throw outside();
      return { buildingId: null, ...point };
    }
    const b = await this.geocode(address!, key.regionPath);
    return { buildingId: b.id, lng: b.lng, lat: b.lat };
  }

  /**
   * An address without a point: it must be a building's address as the registry spells it
   * (normalised: full-width, spaces, 栋/幢/座 → 号楼), or start with one (a unit and room may
   * follow), among the buildings of the key's region. The longest such building address wins;
   * two buildings with that same address are ambiguous.
   */
  private async geocode(address: string, regionPath: string): Promise<BuildingDto> {
    const wanted = normaliseAddress(address);
    const entries = await this.addressBook(regionPath);
    let best: GeoEntry[] = [];
    for (const e of entries) {
      if (!wanted.startsWith(e.key)) continue;
      // 1-3号楼 must not match 1-31号楼: a number may not run on past the building's address.
      if (wanted.length > e.key.length && /\d$/.test(e.key) && /^\d/.test(wanted.slice(e.key.length))) continue;
      if (!best.length || e.key.length > best[0]!.key.length) best = [e];
      else if (e.key.length === best[0]!.key.length) best.push(e);
    }
    if (!best.length) {
      throw invalid([
        field('address_string', 'unknown_address', {
          zh: '在该 api_key 的区域内找不到这个地址的楼栋；请按登记的楼栋地址填写，或改用 lat/long 或 address_id',
          en: 'no building in the key’s region has this address; use the registered building address, or send lat/long or address_id',
        }),
      ]);
    }
    if (best.length > 1) {
      throw invalid([field('address_string', 'ambiguous', { zh: `有 ${best.length} 个楼栋登记为这个地址，请改用 address_id`, en: `${best.length} buildings have this address; send address_id instead` })]);
    }
    return best[0]!.building;
  }

  /** Normalised addresses of the buildings in a region, cached per process for a few minutes. */
  private async addressBook(regionPath: string): Promise<GeoEntry[]> {
    const cached = this.geocache.get(regionPath);
    if (cached && Date.now() - cached.at < GEOCODE_TTL_MS) return cached.entries;
    // Read as the key: building access limited to the key's region, nothing else.
    const asKey: Actor = { id: 0, username: 'open311', displayName: 'Open311', role: 'city_admin', scopeCode: canonicalFromPath(regionPath), scopePath: regionPath, department: null };
    const entries: GeoEntry[] = [];
    let after = 0;
    for (;;) {
      const page = await this.regions.buildings(asKey, canonicalFromPath(regionPath), after, 5000);
      for (const b of page.items) if (b.address) entries.push({ key: normaliseAddress(b.address), building: b });
      if (!page.nextCursor) break;
      after = Number(page.nextCursor);
    }
    if (this.geocache.size >= GEOCODE_CACHE_REGIONS) this.geocache.delete(this.geocache.keys().next().value!);
    this.geocache.set(regionPath, { at: Date.now(), entries });
    return entries;
  }

  // ---- the projection, kept by the ticket transactions ---------------------------------------

  private async ticketChanged(tx: DbOrTx, change: Parameters<TicketEventSink['ticketChanged']>[1]): Promise<void> {
    const t = change.ticket;
    if (t.channel !== 'open311' || !t.externalId) return;
    const statusChanged = !change.before || change.before.status !== t.status;
    const publicNote = PUBLIC_NOTE_STEPS.includes(change.actions[0] ?? '') ? change.note?.trim() || null : null;
    const common = {
      status: t.status,
      agencyResponsible: t.assigneeName,
      updatedAt: t.updatedAt,
      expectedAt: t.resolveDueAt,
      ...(statusChanged || publicNote ? { statusNotes: publicNote } : {}),
    };
    if (change.before) {
      await open311Repo.updateRequest(tx, t.id, common);
      return;
    }
    const p = this.pending.get(t.externalId);
    if (!p) return; // an open311-channel ticket entered by staff, not through this API
    await open311Repo.insertRequest(tx, {
      ...common,
      ticketId: t.id,
      serviceRequestId: t.no,
      token: t.externalId,
      apiKeyId: p.key.id,
      serviceCode: t.categoryCode,
      description: t.description,
      address: t.address,
      addressId: p.addressId,
      lat: t.lat,
      lng: t.lng,
      regionPath: t.regionPath,
      mediaUrl: p.mediaUrl,
      requestedAt: t.createdAt,
    });
    await open311Repo.touchKey(tx, p.key.id, change.at);
    await recordAudit(tx, p.ctx, {
      action: 'open311.request',
      entityType: 'ticket',
      entityId: t.id,
      scopePath: t.regionPath,
      after: { serviceRequestId: t.no, serviceCode: t.categoryCode, apiKeyId: p.key.id, apiKeyName: p.key.name },
    });
  }

  // ---- reading -------------------------------------------------------------------------------

  /** The region a read is limited to: the key's, or every Open311 request without a key. */
  private async readScope(apiKey: string | undefined): Promise<string> {
    return apiKey ? (await this.keyFor(apiKey)).regionPath : '';
  }

  private async toJson(rows: RequestRow[], locale: Locale): Promise<ServiceRequestJson[]> {
    const { byCode } = await this.leaves();
    return rows.map((r): ServiceRequestJson => {
      const c = byCode.get(r.serviceCode);
      const status = r.status as Status;
      return {
        service_request_id: r.serviceRequestId,
        status: CLOSED_STATUSES.includes(r.status) ? 'closed' : 'open',
        status_notes: r.statusNotes ?? (STATUS_LABEL[status] ? localize(STATUS_LABEL[status], locale) : r.status),
        service_name: c ? this.serviceName(c, locale) : r.serviceCode,
        service_code: r.serviceCode,
        description: r.description,
        agency_responsible: r.agencyResponsible,
        service_notice: this.notice(c, locale),
        requested_datetime: isoChina(r.requestedAt),
        updated_datetime: isoChina(r.updatedAt),
        expected_datetime: r.expectedAt ? isoChina(r.expectedAt) : null,
        address: r.address,
        address_id: r.addressId != null ? String(r.addressId) : null,
        zipcode: null,
        lat: r.lat ?? 0,
        long: r.lng ?? 0,
        media_url: r.mediaUrl,
      };
    });
  }

  /**
   * GET requests: by ids (then the other filters are ignored, as the specification says), or by
   * service codes, status and a requested-date window (default: the last 90 days), newest first,
   * at most 1000. Only requests filed through Open311; with an api_key, only those in its region.
   */
  async requests(q: Record<string, string | undefined>, locale: Locale): Promise<ServiceRequestJson[]> {
    const regionPath = await this.readScope(q.api_key);
    const list = (s: string | undefined) => (s ? [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))] : undefined);
    const ids = list(q.service_request_id);
    if (ids) {
      if (ids.length > MAX_RESULTS) throw invalid([field('service_request_id', 'max_items', { zh: `最多 ${MAX_RESULTS} 个`, en: `at most ${MAX_RESULTS}` })]);
      return this.toJson(await open311Repo.requests(this.db, { regionPath, serviceRequestIds: ids, limit: MAX_RESULTS }), locale);
    }
    const problems: FieldErrorSpec[] = [];
    const date = (name: 'start_date' | 'end_date') => {
      const s = q[name];
      if (s == null || s === '') return undefined;
      const d = parseW3(s.trim());
      if (!d) problems.push(field(name, 'datetime', { zh: '应为 W3C 日期时间（含时区），如 2026-11-01T00:00:00+08:00', en: 'must be a W3C date-time with a zone, e.g. 2026-11-01T00:00:00Z' }));
      return d ?? undefined;
    };
    const start = date('start_date');
    const end = date('end_date');
    const statuses = list(q.status);
    const badStatus = statuses?.filter((s) => s !== 'open' && s !== 'closed') ?? [];
    if (badStatus.length) problems.push(field('status', 'unknown', { zh: 'status 只能是 open 或 closed', en: 'status is open or closed' }));
    if (start && end && start > end) problems.push(field('end_date', 'order', { zh: 'end_date 早于 start_date', en: 'end_date is before start_date' }));
    if (problems.length) throw invalid(problems);
    const to = end ?? (start ? undefined : this.now());
    const from = start ?? new Date((to ?? this.now()).getTime() - DEFAULT_WINDOW_DAYS * DAY);
    const status = statuses && statuses.length === 1 ? (statuses[0] as 'open' | 'closed') : undefined;
    const rows = await open311Repo.requests(this.db, { regionPath, serviceCodes: list(q.service_code), from, to, status, limit: MAX_RESULTS });
    return this.toJson(rows, locale);
  }

  async request(serviceRequestId: string, apiKey: string | undefined, locale: Locale): Promise<ServiceRequestJson[]> {
    const regionPath = await this.readScope(apiKey);
    const row = await open311Repo.requestById(this.db, serviceRequestId, regionPath);
    if (!row) throw new AppError('open311.request_not_found', { detail: { zh: `没有服务请求 ${serviceRequestId}`, en: `no service request ${serviceRequestId}` } });
    return this.toJson([row], locale);
  }

  async token(token: string, apiKey: string | undefined): Promise<{ service_request_id: string | null; token: string }[]> {
    const regionPath = await this.readScope(apiKey);
    const row = await open311Repo.requestByToken(this.db, token, regionPath);
    if (!row) throw new AppError('open311.request_not_found', { detail: { zh: '没有这个 token', en: 'no such token' } });
    return [{ service_request_id: row.serviceRequestId, token: row.token }];
  }
}
