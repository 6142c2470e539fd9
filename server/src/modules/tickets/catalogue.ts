import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { AppError, invalidField } from '../../platform/errors/index.js';
import { authorize, scopeOf, type Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import { WorkCalendar } from '../../platform/calendar/index.js';
import { calendarOverrides } from '../../platform/calendar/schema.js';
import { bumpCounter, getSetting } from '../../platform/settings/index.js';
import { canonicalFromPath, parseRegionCode } from '../regions/codes.js';
import type { RegionService } from '../regions/service.js';
import { dispatchRules, ticketCategories } from './schema.js';
import { limitOf, type Limit } from './deadlines.js';
import { TIER_PATH_LENGTH, type Tier } from './workflow.js';
import type { CategoryDto, CreateDispatchRuleBody, DispatchRuleDto, UpdateCategoryBody } from './contracts.js';

type CategoryRow = typeof ticketCategories.$inferSelect;
type RuleRow = typeof dispatchRules.$inferSelect;

const CALENDAR_VERSION = 'calendar.version';
const CATALOGUE_VERSION = 'tickets.catalogue.version';
/** Other processes notice catalogue and calendar edits within this long. */
const REFRESH_MS = 10_000;

/** Where a ticket goes: the handling unit, its tier and the limits that apply. */
export interface DispatchTarget {
  tier: Tier;
  /** Region path of the unit (a department's: the region it answers for). */
  path: string;
  dept: string | null;
  respond: Limit | null;
  resolve: Limit;
  byCatalogue: boolean;
}

function categoryDto(c: CategoryRow): CategoryDto {
  return {
    code: c.code,
    parentCode: c.parentCode,
    name: c.name,
    nameEn: c.nameEn,
    complexity: c.complexity,
    defaultTier: c.defaultTier as Tier,
    defaultUnit: c.defaultUnit,
    respondValue: c.respondValue,
    respondUnit: c.respondUnit,
    resolveValue: c.resolveValue,
    resolveUnit: c.resolveUnit,
    attributes: c.attributes as unknown[],
    active: c.active,
  };
}

/**
 * The category catalogue, the dispatch catalogue and the working-day calendar, cached in memory
 * (every intake consults them) and refreshed when another process bumps their version.
 */
export class TicketCatalogue {
  private cache: { categories: Map<string, CategoryRow>; rules: RuleRow[]; calendar: WorkCalendar; versions: string; checkedAt: number } | null = null;

  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async load() {
    const wall = Date.now();
    if (this.cache && wall - this.cache.checkedAt < REFRESH_MS) return this.cache;
    const versions = `${(await getSetting<number>(this.db, CATALOGUE_VERSION)) ?? 0}/${(await getSetting<number>(this.db, CALENDAR_VERSION)) ?? 0}`;
    if (this.cache && this.cache.versions === versions) {
      this.cache.checkedAt = wall;
      return this.cache;
    }
    const [cats, rules, overrides] = await Promise.all([
      this.db.select().from(ticketCategories).orderBy(asc(ticketCategories.sort), asc(ticketCategories.code)),
      this.db.select().from(dispatchRules),
      this.db.select().from(calendarOverrides),
    ]);
    this.cache = {
      categories: new Map(cats.map((c) => [c.code, c])),
      rules,
      calendar: new WorkCalendar(overrides.map((o) => ({ date: o.day, work: o.work, note: o.note ?? undefined }))),
      versions,
      checkedAt: wall,
    };
    return this.cache;
  }

  /** Forget the cache now (this process changed something). */
  invalidate(): void {
    this.cache = null;
  }

  async calendar(): Promise<WorkCalendar> {
    return (await this.load()).calendar;
  }

  async categories(): Promise<CategoryDto[]> {
    return [...(await this.load()).categories.values()].map(categoryDto);
  }

  async category(code: string): Promise<CategoryRow | undefined> {
    return (await this.load()).categories.get(code);
  }

  /** A category a ticket may be filed under (active), or a field error. */
  async requireCategory(code: string, field = 'categoryCode'): Promise<CategoryRow> {
    const c = await this.category(code);
    if (!c || !c.active) throw invalidField(field, 'unknown', { zh: '没有这个问题分类', en: 'no such category' });
    return c;
  }

  async categoryNames(): Promise<Map<string, string>> {
    return new Map([...(await this.load()).categories.values()].map((c) => [c.code, c.name]));
  }

  /**
   * The dispatch catalogue's answer for a category at a place: the most specific rule (longest
   * category code, then longest region path) that covers both, else the category's default.
   */
  async resolveTarget(categoryCode: string, regionPath: string): Promise<DispatchTarget> {
    const { categories, rules } = await this.load();
    const cat = categories.get(categoryCode);
    if (!cat) throw invalidField('categoryCode', 'unknown', { zh: '没有这个问题分类', en: 'no such category' });
    const parent = cat.parentCode ? categories.get(cat.parentCode) : undefined;
    const resolve = limitOf(cat.resolveValue, cat.resolveUnit)!;
    const respond = limitOf(cat.respondValue, cat.respondUnit);
    const rule = rules
      .filter((r) => categoryCode.startsWith(r.categoryCode) && regionPath.startsWith(r.regionPath))
      .sort((a, b) => b.categoryCode.length - a.categoryCode.length || b.regionPath.length - a.regionPath.length)[0];
    if (rule) {
      const tier = rule.tier as Tier;
      return {
        tier,
        path: tier === 'department' ? (rule.unitRegionPath ?? regionPath.slice(0, 6)) : regionPath.slice(0, TIER_PATH_LENGTH[tier]),
        dept: tier === 'department' ? rule.unitName : null,
        respond,
        resolve: limitOf(rule.resolveValue, rule.resolveUnit) ?? resolve,
        byCatalogue: true,
      };
    }
    const tier = (cat.defaultTier ?? parent?.defaultTier ?? 'grid') as Tier;
    const dept = cat.defaultUnit ?? parent?.defaultUnit ?? null;
    if (tier === 'department' && dept) return { tier, path: regionPath.slice(0, 6), dept, respond, resolve, byCatalogue: true };
    const t = tier === 'department' ? 'district' : tier;
    return { tier: t, path: regionPath.slice(0, TIER_PATH_LENGTH[t]), dept: null, respond, resolve, byCatalogue: true };
  }

  /** The departments the catalogue knows (defaults and rules), for dispatch pickers. */
  async departments(): Promise<string[]> {
    const { categories, rules } = await this.load();
    const names = new Set<string>();
    for (const c of categories.values()) if (c.defaultUnit) names.add(c.defaultUnit);
    for (const r of rules) if (r.unitName) names.add(r.unitName);
    return [...names].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  }

  async updateCategory(actor: Actor | undefined, code: string, body: UpdateCategoryBody, ctx: AuditContext): Promise<CategoryDto> {
    authorize(actor, 'catalogue.write');
    const before = await this.category(code);
    if (!before) throw new AppError('ticket.category_not_found');
    const next = { ...before, ...body };
    if (next.defaultTier === 'department' && !next.defaultUnit) throw invalidField('defaultUnit', 'required', { zh: '派给职能部门时须填写部门名称', en: 'a department tier needs the department name' });
    if ((next.respondValue == null) !== (next.respondUnit == null)) throw invalidField('respondUnit', 'pair', { zh: '响应时限的数值和单位须同时填写或同时清空', en: 'set both the respond value and unit, or neither' });
    const [row] = await this.db.transaction(async (tx) => {
      const r = await tx.update(ticketCategories).set(body).where(eq(ticketCategories.code, code)).returning();
      await bumpCounter(tx, CATALOGUE_VERSION);
      await recordAudit(tx, ctx, { action: 'ticket_category.update', entityType: 'ticket_category', entityId: code, before, after: r[0] });
      return r;
    });
    this.invalidate();
    return categoryDto(row!);
  }

  async rules(actor: Actor | undefined): Promise<DispatchRuleDto[]> {
    authorize(actor, 'ticket.read');
    // Residents have no area: the dispatch catalogue is staff's business.
    if (!actor.scopePath) return [];
    const scope = scopeOf(actor, 'ticket.read');
    const { rules, categories } = await this.load();
    // A rule matters to someone if it covers their area or lies inside it.
    const visible = rules.filter((r) => scope.startsWith(r.regionPath) || r.regionPath.startsWith(scope));
    const codes = [...new Set(visible.flatMap((r) => [canonicalFromPath(r.regionPath), ...(r.unitRegionPath ? [canonicalFromPath(r.unitRegionPath)] : [])]))];
    const names = new Map((await this.regions.namesOf(codes)).map((r) => [r.code, r.name]));
    return visible.map((r) => ({
      id: r.id,
      categoryCode: r.categoryCode,
      categoryName: categories.get(r.categoryCode)?.name ?? r.categoryCode,
      regionCode: canonicalFromPath(r.regionPath),
      regionName: names.get(canonicalFromPath(r.regionPath)) ?? r.regionPath,
      tier: r.tier as Tier,
      unitName: r.unitName,
      unitRegionCode: r.unitRegionPath ? canonicalFromPath(r.unitRegionPath) : null,
      resolveValue: r.resolveValue,
      resolveUnit: r.resolveUnit,
    }));
  }

  async putRule(actor: Actor | undefined, body: CreateDispatchRuleBody, ctx: AuditContext): Promise<DispatchRuleDto> {
    authorize(actor, 'dispatch.write');
    await this.requireCategory(body.categoryCode);
    const region = parseRegionCode(body.regionCode);
    if (!region) throw invalidField('regionCode', 'format', { zh: '区划代码格式不正确', en: 'malformed region code' });
    authorize(actor, 'dispatch.write', { path: region.path });
    if (body.tier === 'department' && !body.unitName) throw invalidField('unitName', 'required', { zh: '派给职能部门时须填写部门名称', en: 'a department tier needs the department name' });
    if (body.tier !== 'department' && body.unitName) throw invalidField('unitName', 'not_allowed', { zh: '只有职能部门需要填写部门名称', en: 'only a department has a unit name' });
    if ((body.resolveValue == null) !== (body.resolveUnit == null)) throw invalidField('resolveUnit', 'pair', { zh: '办结时限的数值和单位须同时填写', en: 'set both the resolve value and unit' });
    let unitRegionPath: string | null = null;
    if (body.unitRegionCode) {
      const u = parseRegionCode(body.unitRegionCode);
      if (!u) throw invalidField('unitRegionCode', 'format', { zh: '区划代码格式不正确', en: 'malformed region code' });
      unitRegionPath = u.path;
    }
    const values = {
      categoryCode: body.categoryCode,
      regionPath: region.path,
      tier: body.tier,
      unitName: body.unitName ?? null,
      unitRegionPath,
      resolveValue: body.resolveValue ?? null,
      resolveUnit: body.resolveUnit ?? null,
    };
    const row = await this.db.transaction(async (tx) => {
      const [r] = await tx
        .insert(dispatchRules)
        .values(values)
        .onConflictDoUpdate({ target: [dispatchRules.categoryCode, dispatchRules.regionPath], set: values })
        .returning();
      await bumpCounter(tx, CATALOGUE_VERSION);
      await recordAudit(tx, ctx, { action: 'dispatch_rule.put', entityType: 'dispatch_rule', entityId: r!.id, scopePath: region.path, after: r });
      return r!;
    });
    this.invalidate();
    return (await this.rules(actor)).find((r) => r.id === row.id)!;
  }

  async deleteRule(actor: Actor | undefined, id: number, ctx: AuditContext): Promise<void> {
    authorize(actor, 'dispatch.write');
    const [rule] = await this.db.select().from(dispatchRules).where(eq(dispatchRules.id, id));
    if (!rule) throw new AppError('ticket.rule_not_found');
    authorize(actor, 'dispatch.write', { path: rule.regionPath });
    await this.db.transaction(async (tx) => {
      await tx.delete(dispatchRules).where(eq(dispatchRules.id, id));
      await bumpCounter(tx, CATALOGUE_VERSION);
      await recordAudit(tx, ctx, { action: 'dispatch_rule.delete', entityType: 'dispatch_rule', entityId: id, scopePath: rule.regionPath, before: rule });
    });
    this.invalidate();
  }

  // ---- calendar -------------------------------------------------------------------------------

  async calendarYear(year: number) {
    const cal = await this.calendar();
    const overrides = await this.db.select().from(calendarOverrides).orderBy(asc(calendarOverrides.day));
    return {
      year,
      ...cal.yearDays(year),
      overrides: overrides.filter((o) => o.day.startsWith(`${year}-`)).map((o) => ({ day: o.day, work: o.work, note: o.note })),
    };
  }

  async setOverride(actor: Actor | undefined, day: string, body: { work: boolean; note?: string }, ctx: AuditContext) {
    authorize(actor, 'calendar.write');
    if (Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
      throw invalidField('day', 'date', { zh: '日期不存在', en: 'no such date' });
    }
    await this.db.transaction(async (tx) => {
      const values = { day, work: body.work, note: body.note ?? null, updatedAt: this.now() };
      await tx.insert(calendarOverrides).values(values).onConflictDoUpdate({ target: calendarOverrides.day, set: values });
      await bumpCounter(tx, CALENDAR_VERSION);
      await recordAudit(tx, ctx, { action: 'calendar.override', entityType: 'calendar_day', entityId: day, after: values });
    });
    this.invalidate();
    return this.calendarYear(Number(day.slice(0, 4)));
  }

  async clearOverride(actor: Actor | undefined, day: string, ctx: AuditContext) {
    authorize(actor, 'calendar.write');
    await this.db.transaction(async (tx) => {
      await tx.delete(calendarOverrides).where(eq(calendarOverrides.day, day));
      await bumpCounter(tx, CALENDAR_VERSION);
      await recordAudit(tx, ctx, { action: 'calendar.override_clear', entityType: 'calendar_day', entityId: day });
    });
    this.invalidate();
    return this.calendarYear(Number(day.slice(0, 4)));
  }
}
