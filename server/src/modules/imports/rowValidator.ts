import { setImmediate as breathe } from 'node:timers/promises';
import type { Db } from '../../platform/db/client.js';
import { AppError, type FieldErrorSpec } from '../../platform/errors/index.js';
import { parseCitizenId, type RuleIssue } from '../../platform/identity/citizenId.js';
import { parseCreditCode } from '../../platform/identity/creditCode.js';
import { maskCitizenId, maskPhone } from '../../platform/pii/index.js';
import { normaliseAddress } from '../../platform/text/address.js';
import { textGrams } from '../../platform/text/grams.js';
import { parseRegionCode } from '../regions/codes.js';
import type { RegionService } from '../regions/service.js';
import type { HousingService } from '../housing/service.js';
import { validPhone, type ImportedPerson, type PeopleService } from '../people/service.js';
import type { ImportOrgRow } from '../orgs/service.js';
import { INDUSTRIES } from '../orgs/industries.js';
import { fieldOf, missingRequired, normaliseHeader, type ImportKind } from './fields.js';
import type { SheetRow } from './fileReader.js';

export type HouseImportRow = Parameters<HousingService['upsertFromImport']>[1][number];

/** A broken rule in one cell, as the error report shows it. */
export interface RowIssue {
  rowNo: number;
  /** The department's column header. */
  field: string;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  /** The offending value, masked when it is personal information. */
  value: string | null;
}

export interface ValidatedBatch<T> {
  items: T[];
  issues: RowIssue[];
  /** Non-blank rows seen. */
  rows: number;
  okRows: number;
  errorRows: number;
}

// ---- column plan ---------------------------------------------------------------------------------

/** Which column of the file fills which field. */
export class ColumnPlan {
  private readonly index = new Map<string, number>();
  private readonly headerOf = new Map<string, string>();

  /** Refuses unknown fields, headers not in the file and unmapped required fields, naming each. */
  constructor(
    readonly kind: ImportKind,
    readonly columns: Record<string, string>,
    headers: string[],
  ) {
    const problems: FieldErrorSpec[] = [];
    const norm = headers.map(normaliseHeader);
    for (const [field, header] of Object.entries(columns)) {
      if (!header) continue;
      if (!fieldOf(kind, field)) {
        problems.push({ field: `columns.${field}`, rule: 'unknown_field', message: { zh: `没有可导入的字段 ${field}`, en: `no importable field ${field}` } });
        continue;
      }
      let i = headers.indexOf(header);
      if (i < 0) i = norm.indexOf(normaliseHeader(header));
      if (i < 0) {
        problems.push({ field: `columns.${field}`, rule: 'unknown_header', message: { zh: `文件中没有“${header}”列`, en: `the file has no column "${header}"` } });
        continue;
      }
      this.index.set(field, i);
      this.headerOf.set(field, headers[i]!);
    }
    for (const f of missingRequired(kind, Object.fromEntries([...this.index.keys()].map((k) => [k, 'x'])))) {
      problems.push({ field: `columns.${f.key}`, rule: 'required', message: { zh: `请指定“${f.label}”对应的列`, en: `map a column to ${f.key}` } });
    }
    if (problems.length) throw new AppError('import.bad_mapping', { fields: problems });
  }

  has(field: string): boolean {
    return this.index.has(field);
  }

  value(row: SheetRow, field: string): string {
    const i = this.index.get(field);
    return i === undefined ? '' : (row.cells[i] ?? '').trim();
  }

  /** The header shown in the error report: the file's own, or the field's label when unmapped. */
  header(field: string): string {
    return this.headerOf.get(field) ?? fieldOf(this.kind, field)?.label ?? field;
  }
}

// ---- value vocabularies --------------------------------------------------------------------------

/** 政治面貌 as departments write it (GB/T 4762 names and codes) → the registry's codes. */
const POLITICAL_LABELS: Record<string, string> = {
  群众: 'masses',
  '13': 'masses',
  中共党员: 'cpc_member',
  中国共产党党员: 'cpc_member',
  党员: 'cpc_member',
  '01': 'cpc_member',
  中共预备党员: 'cpc_probationary',
  中国共产党预备党员: 'cpc_probationary',
  预备党员: 'cpc_probationary',
  '02': 'cpc_probationary',
  共青团员: 'cyl_member',
  中国共产主义青年团团员: 'cyl_member',
  团员: 'cyl_member',
  '03': 'cyl_member',
  民主党派: 'democratic_party',
  民主党派成员: 'democratic_party',
  民革党员: 'democratic_party',
  民盟盟员: 'democratic_party',
  民建会员: 'democratic_party',
  民进会员: 'democratic_party',
  农工党党员: 'democratic_party',
  致公党党员: 'democratic_party',
  九三学社社员: 'democratic_party',
  台盟盟员: 'democratic_party',
  无党派人士: 'other',
  无党派民主人士: 'other',
  '12': 'other',
  其他: 'other',
};
for (const code of ['masses', 'cpc_member', 'cpc_probationary', 'cyl_member', 'democratic_party', 'other']) POLITICAL_LABELS[code] = code;
for (let n = 4; n <= 11; n++) POLITICAL_LABELS[String(n).padStart(2, '0')] = 'democratic_party';

const HOUSE_USE_LABELS: Record<string, string> = { 住宅: 'residential', 商业: 'commercial', 商铺: 'commercial', 办公: 'office', 混合: 'mixed', 商住: 'mixed', 其他: 'other' };
const OCCUPANCY_LABELS: Record<string, string> = { 自住: 'self_occupied', 出租: 'rented', 空置: 'vacant', 闲置: 'vacant', 未知: 'unknown' };
for (const m of [HOUSE_USE_LABELS, OCCUPANCY_LABELS]) for (const v of Object.values(m)) m[v] = v;

const YES = new Set(['是', '有', 'y', 'yes', 'true', '1', '√']);
const NO = new Set(['否', '无', '没有', 'n', 'no', 'false', '0', '×']);

const INDUSTRY_BY_NAME = new Map(Object.entries(INDUSTRIES).map(([code, name]) => [name.replace(/[、，,]/g, ''), code]));

const TAG_SPLIT = /[、,，;；\s]+/;

// ---- one row's checks ----------------------------------------------------------------------------

function shown(pii: 'id' | 'phone' | undefined, value: string): string {
  if (pii === 'id') return maskCitizenId(value.toUpperCase());
  if (pii === 'phone') return maskPhone(value);
  return value.length > 120 ? `${value.slice(0, 120)}…` : value;
}

/** Collects the issues of one row; the row lands only when it has no errors. */
class RowCheck {
  errors = 0;
  constructor(
    private readonly kind: ImportKind,
    private readonly plan: ColumnPlan,
    private readonly row: SheetRow,
    private readonly out: RowIssue[],
  ) {}

  private add(severity: 'error' | 'warning', field: string, rule: string, message: string, value: string | null) {
    if (severity === 'error') this.errors++;
    const pii = fieldOf(this.kind, field)?.pii;
    this.out.push({ rowNo: this.row.rowNo, field: this.plan.header(field), rule, severity, message, value: value ? shown(pii, value) : null });
  }

  fail(field: string, rule: string, message: string, value: string | null = this.plan.value(this.row, field) || null) {
    this.add('error', field, rule, message, value);
  }

  warn(field: string, rule: string, message: string, value: string | null = this.plan.value(this.row, field) || null) {
    this.add('warning', field, rule, message, value);
  }

  issues(field: string, list: RuleIssue[]) {
    for (const i of list) this.add(i.severity, field, i.rule, i.zh, this.plan.value(this.row, field) || null);
  }

  required(field: string, label = fieldOf(this.kind, field)?.label ?? field): string {
    const v = this.plan.value(this.row, field);
    if (!v) this.fail(field, 'required', `${label}不能为空`, null);
    return v;
  }

  maxLength(field: string, v: string, max: number): string | null {
    if (!v) return null;
    // Characters, not UTF-16 units; a string no longer than `max` units is within it either way.
    if (v.length > max && [...v].length > max) {
      this.fail(field, 'max_length', `不能超过 ${max} 个字`);
      return null;
    }
    return v;
  }

  vocabulary(field: string, v: string, labels: Record<string, string>, hint: string): string | null {
    if (!v) return null;
    const code = labels[v] ?? labels[v.toLowerCase()];
    if (!code) this.fail(field, 'enum', `无法识别，应为：${hint}`);
    return code ?? null;
  }

  integer(field: string, v: string, min: number, max: number): number | null {
    if (!v) return null;
    const n = Number(v.replace(/[层楼人]$/, ''));
    if (!Number.isInteger(n) || n < min || n > max) {
      this.fail(field, 'integer', `应为 ${min} 到 ${max} 之间的整数`);
      return null;
    }
    return n;
  }

  yesNo(field: string, v: string): boolean | null {
    if (!v) return null;
    const s = v.toLowerCase();
    if (YES.has(s)) return true;
    if (NO.has(s)) return false;
    this.fail(field, 'enum', '应为“是”或“否”');
    return null;
  }
}

// ---- places: houses by address, regions by code ---------------------------------------------------

type RegionVerdict = { ok: true; path: string } | { ok: false; rule: string; message: string };
const PLACE_LEVELS = new Set(['community', 'grid', 'microgrid']);

/** Houses found by address kept for the rest of the file, at most this many. */
const HOUSE_CACHE = 50_000;

/**
 * Where rows may land: inside the import's scope, in a community, grid or micro-grid that exists.
 * Region lookups are cached for the whole file (a city has a few thousand codes at most); so are
 * the houses found by address, up to HOUSE_CACHE of them (many rows name the same houses, and a
 * house keeps its address and region), while an address not found is asked again next batch.
 */
export class Places {
  private readonly regionCache = new Map<string, RegionVerdict>();
  private readonly houseCache = new Map<string, { id: number; regionPath: string }>();

  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
    private readonly housing: HousingService,
    readonly scopePath: string,
  ) {}

  inScope(path: string): boolean {
    return path.startsWith(this.scopePath);
  }

  async loadRegions(codes: Iterable<string>): Promise<void> {
    const todo = [...new Set(codes)].filter((c) => !this.regionCache.has(c));
    await Promise.all(todo.map(async (c) => this.regionCache.set(c, await this.judge(c))));
  }

  private async judge(code: string): Promise<RegionVerdict> {
    const parsed = parseRegionCode(code);
    if (!parsed) return { ok: false, rule: 'region_code', message: '区划代码格式不正确（社区 12 位，网格 15 位，微网格 18 位）' };
    if (!PLACE_LEVELS.has(parsed.level)) return { ok: false, rule: 'region_level', message: '应为社区、网格或微网格的代码' };
    // Out of scope is reported whether or not the code exists, as the API does.
    if (!this.inScope(parsed.path)) return { ok: false, rule: 'outside_scope', message: '不在本次导入的管辖范围内' };
    if (!(await this.regions.lookup(parsed.code))) return { ok: false, rule: 'region_not_found', message: '区划或网格不存在' };
    return { ok: true, path: parsed.path };
  }

  /** Call `loadRegions` first. */
  region(code: string): RegionVerdict {
    return this.regionCache.get(code)!;
  }

  async housesByKey(keys: string[]): Promise<Map<string, { id: number; regionPath: string }>> {
    const found = new Map<string, { id: number; regionPath: string }>();
    const todo: string[] = [];
    for (const k of new Set(keys)) {
      const h = this.houseCache.get(k);
      if (h) found.set(k, h);
      else todo.push(k);
    }
    if (!todo.length) return found;
    const rows = await this.housing.byAddressKeys(this.db, todo);
    if (this.houseCache.size + rows.length > HOUSE_CACHE) this.houseCache.clear();
    for (const r of rows) {
      const h = { id: r.id, regionPath: r.regionPath };
      found.set(r.addressKey, h);
      this.houseCache.set(r.addressKey, h);
    }
    return found;
  }
}

// ---- validators per kind ---------------------------------------------------------------------------

export interface RowValidator<T> {
  validate(rows: SheetRow[]): Promise<ValidatedBatch<T>>;
}

/** Shared shape: check each row's own cells, then place the survivors with batched lookups. */
abstract class BaseValidator<T, P> implements RowValidator<T> {
  constructor(
    protected readonly kind: ImportKind,
    protected readonly plan: ColumnPlan,
    protected readonly places: Places,
  ) {}

  protected abstract checkRow(c: RowCheck, row: SheetRow): P | null;
  protected abstract place(batch: { c: RowCheck; row: SheetRow; p: P }[]): Promise<T[]>;

  async validate(rows: SheetRow[]): Promise<ValidatedBatch<T>> {
    const issues: RowIssue[] = [];
    const checked: { c: RowCheck; row: SheetRow; p: P }[] = [];
    const all: RowCheck[] = [];
    let n = 0;
    for (const [i, row] of rows.entries()) {
      // Let the previous batch's database round trips through while this one is checked.
      if (i % 1024 === 1023) await breathe();
      if (row.cells.every((x) => !x || !x.trim())) continue;
      n++;
      const c = new RowCheck(this.kind, this.plan, row, issues);
      all.push(c);
      const p = this.checkRow(c, row);
      if (p && !c.errors) checked.push({ c, row, p });
    }
    const items = await this.place(checked);
    const errorRows = all.filter((c) => c.errors > 0).length;
    issues.sort((a, b) => a.rowNo - b.rowNo);
    return { items, issues, rows: n, okRows: n - errorRows, errorRows };
  }

  protected regionCodeOf(row: SheetRow): string {
    return this.plan.value(row, 'regionCode').replace(/\s/g, '');
  }

  /** Verdict on a row's region code (loaded beforehand); reports the failure on the row. */
  protected regionPath(c: RowCheck, code: string): string | null {
    const v = this.places.region(code);
    if (v.ok) return v.path;
    c.fail('regionCode', v.rule, v.message, code);
    return null;
  }
}

interface PersonCells {
  name: string;
  idNumber: string;
  phone: string | null;
  ethnicity: string | null;
  politicalStatus: string | null;
  registeredAddress: string | null;
  address: string | null;
  addressKey: string | null;
  regionCode: string | null;
  tags: string[];
}

export class PeopleRowValidator extends BaseValidator<ImportedPerson, PersonCells> {
  constructor(
    plan: ColumnPlan,
    places: Places,
    private readonly people: PeopleService,
    /** Tag name or code → code, active tags only. */
    private readonly tagCodes: Map<string, string>,
  ) {
    super('people', plan, places);
  }

  protected checkRow(c: RowCheck, row: SheetRow): PersonCells | null {
    const p = this.plan;
    const name = c.maxLength('name', c.required('name'), 64);
    const idRaw = c.required('idNumber');
    let idNumber = '';
    if (idRaw) {
      if (/^\d(\.\d+)?e\+?\d+$/i.test(idRaw)) {
        c.fail('idNumber', 'id_scientific', '身份证号被 Excel 存成了数字（科学计数法），末几位已丢失；请把该列设为文本格式后重新导出');
      } else {
        const r = parseCitizenId(idRaw);
        if (r.ok) {
          idNumber = r.info.id;
          c.issues('idNumber', r.info.issues);
        } else c.issues('idNumber', r.issues);
      }
    }
    const phone = p.value(row, 'phone');
    if (phone && !validPhone(phone)) c.fail('phone', 'phone_format', '应为 11 位手机号或带区号的固定电话');
    const ethnicity = c.maxLength('ethnicity', p.value(row, 'ethnicity'), 16);
    const politicalStatus = c.vocabulary('politicalStatus', p.value(row, 'politicalStatus'), POLITICAL_LABELS, '群众、中共党员、中共预备党员、共青团员、民主党派、无党派人士');
    const registeredAddress = c.maxLength('registeredAddress', p.value(row, 'registeredAddress'), 200);
    const address = c.maxLength('address', p.value(row, 'address'), 200);
    const tags: string[] = [];
    const tagText = p.value(row, 'tags');
    if (tagText) {
      const unknown: string[] = [];
      for (const t of tagText.split(TAG_SPLIT)) {
        if (!t) continue;
        const code = this.tagCodes.get(t.normalize('NFKC'));
        if (code) {
          if (!tags.includes(code)) tags.push(code);
        } else unknown.push(t);
      }
      if (unknown.length) c.fail('tags', 'unknown_tag', `未知标签：${unknown.join('、')}（请先在标签目录中添加，或改用目录中的名称）`);
    }
    if (c.errors || !name) return null;
    return {
      name,
      idNumber,
      phone: phone || null,
      ethnicity,
      politicalStatus,
      registeredAddress,
      address,
      addressKey: address ? normaliseAddress(address) : null,
      regionCode: this.regionCodeOf(row) || null,
      tags,
    };
  }

  protected async place(batch: { c: RowCheck; row: SheetRow; p: PersonCells }[]): Promise<ImportedPerson[]> {
    const houses = await this.places.housesByKey(batch.flatMap((b) => (b.p.addressKey ? [b.p.addressKey] : [])));
    await this.places.loadRegions(batch.flatMap((b) => (b.p.regionCode && !houses.has(b.p.addressKey ?? '') ? [b.p.regionCode] : [])));
    const out: ImportedPerson[] = [];
    for (const [i, { c, p }] of batch.entries()) {
      if (i % 1024 === 1023) await breathe();
      const house = p.addressKey ? houses.get(p.addressKey) : undefined;
      let houseId: number | null = null;
      let regionPath: string | null = null;
      if (house) {
        if (this.places.inScope(house.regionPath)) {
          houseId = house.id;
          regionPath = house.regionPath;
        } else c.fail('address', 'outside_scope', '该地址的房屋不在本次导入的管辖范围内');
      } else if (p.regionCode) {
        regionPath = this.regionPath(c, p.regionCode);
      } else {
        c.fail(
          this.plan.has('address') ? 'address' : 'regionCode',
          'no_place',
          p.address ? '现住址未匹配到已登记的房屋，且未填写所属网格/社区代码' : '请填写能匹配到已登记房屋的现住址，或所属网格/社区代码',
          p.address,
        );
      }
      if (regionPath === null) continue;
      out.push({
        ...this.people.prepareImported({
          name: p.name,
          idNumber: p.idNumber,
          phone: p.phone,
          ethnicity: p.ethnicity,
          registeredAddress: p.registeredAddress,
          politicalStatus: p.politicalStatus,
          tags: p.tags,
        }),
        houseId,
        address: house ? p.address : null,
        regionPath,
      });
    }
    return out;
  }
}

interface HouseCells {
  address: string;
  addressKey: string;
  regionCode: string | null;
  floor: number | null;
  room: string | null;
  areaM2: number | null;
  use: string | null;
  occupancy: string | null;
}

export class HouseRowValidator extends BaseValidator<HouseImportRow, HouseCells> {
  constructor(plan: ColumnPlan, places: Places) {
    super('houses', plan, places);
  }

  protected checkRow(c: RowCheck, row: SheetRow): HouseCells | null {
    const p = this.plan;
    const address = c.maxLength('address', c.required('address'), 200);
    const addressKey = address ? normaliseAddress(address) : '';
    if (address && !addressKey) c.fail('address', 'address_format', '地址无有效内容');
    const floor = c.integer('floor', p.value(row, 'floor'), -10, 200);
    const room = c.maxLength('room', p.value(row, 'room'), 16);
    let areaM2: number | null = null;
    const area = p.value(row, 'areaM2').replace(/(㎡|平方米|平米|m2)$/i, '');
    if (area) {
      areaM2 = Number(area);
      if (!Number.isFinite(areaM2) || areaM2 <= 0 || areaM2 > 100_000) {
        c.fail('areaM2', 'number', '应为大于 0 的面积（平方米）');
        areaM2 = null;
      }
    }
    const use = c.vocabulary('use', p.value(row, 'use'), HOUSE_USE_LABELS, '住宅、商业、办公、混合、其他');
    const occupancy = c.vocabulary('occupancy', p.value(row, 'occupancy'), OCCUPANCY_LABELS, '自住、出租、空置');
    if (c.errors || !address) return null;
    return { address, addressKey, regionCode: this.regionCodeOf(row) || null, floor, room, areaM2, use, occupancy };
  }

  protected async place(batch: { c: RowCheck; row: SheetRow; p: HouseCells }[]): Promise<HouseImportRow[]> {
    const existing = await this.places.housesByKey(batch.map((b) => b.p.addressKey));
    await this.places.loadRegions(batch.flatMap((b) => (b.p.regionCode && !existing.has(b.p.addressKey) ? [b.p.regionCode] : [])));
    const out: HouseImportRow[] = [];
    for (const { c, p } of batch) {
      const known = existing.get(p.addressKey);
      let regionPath: string | null = null;
      if (known) {
        if (this.places.inScope(known.regionPath)) regionPath = known.regionPath;
        else c.fail('address', 'outside_scope', '该房屋不在本次导入的管辖范围内');
      } else if (p.regionCode) regionPath = this.regionPath(c, p.regionCode);
      else c.fail('regionCode', 'required', '新登记的房屋须填写所属网格/社区代码', null);
      if (regionPath === null) continue;
      out.push({
        addressKey: p.addressKey,
        address: p.address,
        addressGrams: textGrams(p.address),
        regionPath,
        buildingId: null,
        floor: p.floor,
        room: p.room,
        areaM2: p.areaM2,
        use: p.use,
        occupancy: p.occupancy,
      });
    }
    return out;
  }
}

interface OrgCells {
  row: ImportOrgRow;
  addressKey: string | null;
  regionCode: string | null;
}

export class OrgRowValidator extends BaseValidator<ImportOrgRow, OrgCells> {
  constructor(plan: ColumnPlan, places: Places) {
    super('orgs', plan, places);
  }

  protected checkRow(c: RowCheck, row: SheetRow): OrgCells | null {
    const p = this.plan;
    const raw = c.required('creditCode');
    let creditCode = '';
    if (raw) {
      const r = parseCreditCode(raw);
      if (r.ok) {
        creditCode = r.info.code;
        c.issues('creditCode', r.info.issues);
      } else c.issues('creditCode', r.issues);
    }
    const name = c.maxLength('name', c.required('name'), 128);
    const industryText = p.value(row, 'industry');
    let industry: string | null = null;
    if (industryText) {
      const letter = industryText.toUpperCase().match(/^([A-T])(\b|\d|$)/)?.[1];
      industry = letter ?? INDUSTRY_BY_NAME.get(industryText.replace(/[、，,\s]/g, '')) ?? null;
      if (!industry) c.fail('industry', 'enum', '应为国民经济行业门类（A–T 字母或门类名称，如“制造业”）');
    }
    const address = c.maxLength('address', p.value(row, 'address'), 200);
    const employees = c.integer('employees', p.value(row, 'employees'), 0, 10_000_000);
    const hasPremises = c.yesNo('hasPremises', p.value(row, 'hasPremises'));
    const hasStaff = c.yesNo('hasStaff', p.value(row, 'hasStaff'));
    const hasRevenue = c.yesNo('hasRevenue', p.value(row, 'hasRevenue'));
    if (c.errors || !name) return null;
    return {
      row: { creditCode, name, regionPath: '', industry, address, employees, hasPremises, hasStaff, hasRevenue },
      addressKey: address ? normaliseAddress(address) : null,
      regionCode: this.regionCodeOf(row) || null,
    };
  }

  /** An organisation's own region code comes first; otherwise the house its address matches. */
  protected async place(batch: { c: RowCheck; row: SheetRow; p: OrgCells }[]): Promise<ImportOrgRow[]> {
    await this.places.loadRegions(batch.flatMap((b) => (b.p.regionCode ? [b.p.regionCode] : [])));
    const houses = await this.places.housesByKey(batch.flatMap((b) => (!b.p.regionCode && b.p.addressKey ? [b.p.addressKey] : [])));
    const out: ImportOrgRow[] = [];
    for (const { c, p } of batch) {
      let regionPath: string | null = null;
      const house = p.addressKey ? houses.get(p.addressKey) : undefined;
      if (p.regionCode) regionPath = this.regionPath(c, p.regionCode);
      else if (house) {
        if (this.places.inScope(house.regionPath)) regionPath = house.regionPath;
        else c.fail('address', 'outside_scope', '该地址不在本次导入的管辖范围内');
      } else c.fail('regionCode', 'no_place', '请填写所属网格/社区代码，或能匹配到已登记房屋的地址', null);
      if (regionPath !== null) out.push({ ...p.row, regionPath });
    }
    return out;
  }
}

/** Active tags by code and by name, for reading department tag columns. */
export function tagLookup(tags: { code: string; name: string; active: boolean }[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const t of tags) {
    if (!t.active) continue;
    m.set(t.code, t.code);
    m.set(t.name.normalize('NFKC'), t.code);
  }
  return m;
}

