import { Readable } from 'node:stream';
import type { Db } from '../../platform/db/client.js';
import { invalidField } from '../../platform/errors/index.js';
import type { Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import type { RegionService } from '../regions/service.js';
import { csvLine, UTF8_BOM, type CsvValue } from './csv.js';
import { listScope } from './location.js';
import type { OrgService, Page } from './service.js';
import type { LedgerFilter, LedgerKind, LedgerQuery, LedgerResponse, OrgDto, SiteDto } from './contracts.js';

type Row = Record<string, string | number | boolean | null>;

interface Column<T> {
  key: string;
  zh: string;
  en: string;
  value: (r: T) => string | number | boolean | null;
  /** Codes Excel must not turn into numbers. */
  asText?: boolean;
}

interface Ledger {
  zh: string;
  columns: Omit<Column<never>, 'value'>[];
  load(orgs: OrgService, path: string, f: LedgerFilter, cursor: string | undefined, limit: number): Promise<{ rows: Row[]; nextCursor: string | null }>;
}

/** Bind a ledger's columns to its source once, so the JSON table and the CSV file cannot differ. */
function ledger<T extends { id: number }>(
  zh: string,
  columns: Column<T>[],
  fetch: (orgs: OrgService, path: string, f: LedgerFilter, cursor: string | undefined, limit: number) => Promise<Page<T>>,
): Ledger {
  return {
    zh,
    columns: columns.map(({ key, zh, en, asText }) => ({ key, zh, en, ...(asText ? { asText } : {}) })),
    async load(orgs, path, f, cursor, limit) {
      const page = await fetch(orgs, path, f, cursor, limit);
      return { rows: page.items.map((r) => ({ id: r.id, ...Object.fromEntries(columns.map((c) => [c.key, c.value(r)])) })), nextCursor: page.nextCursor };
    },
  };
}

const coverageColumns = <T extends { partyOrg: { name: string } | null; guidanceOfficer: string | null; orgCovered: boolean; workCovered: boolean }>(): Column<T>[] => [
  { key: 'partyOrg', zh: '党组织', en: 'Party organisation', value: (r) => r.partyOrg?.name ?? null },
  { key: 'guidanceOfficer', zh: '党建指导员', en: 'Guidance officer', value: (r) => r.guidanceOfficer },
  { key: 'orgCovered', zh: '组织覆盖', en: 'Organisation coverage', value: (r) => r.orgCovered },
  { key: 'workCovered', zh: '工作覆盖', en: 'Work coverage', value: (r) => r.workCovered },
];

const regionColumns = <T extends { region: { code: string; name: string } }>(): Column<T>[] => [
  { key: 'regionCode', zh: '区划代码', en: 'Region code', value: (r) => r.region.code, asText: true },
  { key: 'regionName', zh: '所在网格/社区', en: 'Grid / community', value: (r) => r.region.name },
];

const ORG_COLUMNS: Column<OrgDto>[] = [
  { key: 'creditCode', zh: '统一社会信用代码', en: 'Credit code', value: (r) => r.creditCode, asText: true },
  { key: 'name', zh: '名称', en: 'Name', value: (r) => r.name },
  { key: 'kindName', zh: '类型', en: 'Kind', value: (r) => r.kindName },
  { key: 'industry', zh: '行业门类', en: 'Industry', value: (r) => (r.industry ? `${r.industry} ${r.industryName ?? ''}`.trim() : null) },
  ...regionColumns<OrgDto>(),
  { key: 'address', zh: '地址', en: 'Address', value: (r) => r.address },
  { key: 'employees', zh: '从业人数', en: 'Employees', value: (r) => r.employees },
  { key: 'partyMembers', zh: '党员人数', en: 'Party members', value: (r) => r.partyMembers },
  ...coverageColumns<OrgDto>(),
];

const SITE_COLUMNS: Column<SiteDto>[] = [
  { key: 'name', zh: '名称', en: 'Name', value: (r) => r.name },
  ...regionColumns<SiteDto>(),
  { key: 'address', zh: '地址', en: 'Address', value: (r) => r.address },
  { key: 'orgsTotal', zh: '入驻组织数', en: 'Organisations', value: (r) => r.orgs.total },
  { key: 'orgsOrgCovered', zh: '其中已建党组织', en: 'of which with a party organisation', value: (r) => r.orgs.orgCovered },
  { key: 'orgsWorkCovered', zh: '其中工作覆盖', en: 'of which work-covered', value: (r) => r.orgs.workCovered },
  ...coverageColumns<SiteDto>(),
];

const orgLedger = (zh: string, population: 'enterprise' | 'social_org') =>
  ledger(zh, ORG_COLUMNS, (orgs, path, f, cursor, limit) =>
    orgs.page({ path, population, q: f.q, industry: f.industry, orgCovered: f.orgCovered, workCovered: f.workCovered }, cursor, limit),
  );

const siteLedger = (zh: string, kind: 'park' | 'commercial_building') =>
  ledger(zh, SITE_COLUMNS, (orgs, path, f, cursor, limit) => {
    if (f.industry) throw invalidField('industry', 'not_applicable', { zh: '园区、楼宇台账不按行业筛选', en: 'parks and buildings have no industry' });
    return orgs.sitePage({ path, kind, q: f.q, orgCovered: f.orgCovered, workCovered: f.workCovered }, cursor, limit);
  });

/** 四类台账. The two organisation ledgers hold exactly the populations the coverage figures count. */
export const LEDGERS: Record<LedgerKind, Ledger> = {
  three_have_enterprises: orgLedger('“三有”企业台账', 'enterprise'),
  social_orgs: orgLedger('社会组织台账', 'social_org'),
  parks: siteLedger('园区台账', 'park'),
  commercial_buildings: siteLedger('商务楼宇台账', 'commercial_building'),
};

/** Rows fetched per query while streaming an export. */
const EXPORT_PAGE = 1000;

export class LedgerService {
  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
    private readonly orgs: OrgService,
  ) {}

  async list(actor: Actor | undefined, kind: LedgerKind, q: LedgerQuery): Promise<LedgerResponse> {
    const path = await listScope(this.regions, actor, 'org.read', q.region);
    const def = LEDGERS[kind];
    const { rows, nextCursor } = await def.load(this.orgs, path, q, q.cursor, q.limit ?? 50);
    return { kind, title: def.zh, columns: def.columns.map((c) => ({ key: c.key, title: c.zh, titleEn: c.en })), items: rows, nextCursor };
  }

  /**
   * The whole ledger as CSV, streamed page by page (keyset), so a city-wide file never sits in
   * memory. The first page is read before the audit entry and the response start, so a bad filter
   * is still an ordinary 400.
   */
  async exportCsv(actor: Actor | undefined, kind: LedgerKind, f: LedgerFilter, ctx: AuditContext): Promise<{ fileName: string; body: Readable }> {
    const path = await listScope(this.regions, actor, 'org.read', f.region);
    const def = LEDGERS[kind];
    const first = await def.load(this.orgs, path, f, undefined, EXPORT_PAGE);
    const { region: _r, ...filters } = f;
    await recordAudit(this.db, ctx, { action: 'ledger.export', entityType: 'ledger', entityId: kind, scopePath: path, after: { format: 'csv', filters } });
    const orgs = this.orgs;
    async function* lines() {
      yield UTF8_BOM + csvLine(def.columns.map((c) => ({ value: c.zh })));
      let page = first;
      for (;;) {
        yield page.rows.map((r) => csvLine(def.columns.map((c) => ({ value: r[c.key] as CsvValue, asText: c.asText ?? false })))).join('');
        if (!page.nextCursor) return;
        page = await def.load(orgs, path, f, page.nextCursor, EXPORT_PAGE);
      }
    }
    const day = new Date().toISOString().slice(0, 10);
    return { fileName: `${def.zh}-${day}.csv`, body: Readable.from(lines()) };
  }
}
