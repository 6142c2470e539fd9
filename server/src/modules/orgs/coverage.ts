import type { Db } from '../../platform/db/client.js';
import { AppError, invalidField } from '../../platform/errors/index.js';
import { authorize, type Actor } from '../../platform/scope/index.js';
import { canonicalFromPath, childLevel, parseRegionCode, SIGNIFICANT } from '../regions/codes.js';
import { requireCode, type RegionService } from '../regions/service.js';
import { INDUSTRIES, industryName } from './industries.js';
import { regionFromCode, type RegionNode } from './location.js';
import { orgRepo, type CoverageCounts, type OrgFilter } from './repo.js';
import type { OrgService, Page } from './service.js';
import type { CoverageCell, CoverageListQuery, CoverageQuery, CoverageResponse, OrgDto } from './contracts.js';

/** Key of the bucket for organisations without an industry. */
const NO_INDUSTRY = 'none';

/** Percent with two decimals; no rate for an empty population. */
export function rate(part: number, total: number): number | null {
  return total ? Math.round((part * 10000) / total) / 100 : null;
}

function cell(total: number, orgCovered: number, workCovered: number): CoverageCell {
  return { total, orgCovered, workCovered, orgRate: rate(orgCovered, total), workRate: rate(workCovered, total) };
}

function cells(c: Omit<CoverageCounts, 'key'>) {
  return { enterprises: cell(c.eTotal, c.eOrg, c.eWork), socialOrgs: cell(c.sTotal, c.sOrg, c.sWork) };
}

/** Length of the path prefix that names a child of `node` (the node's own length below the last level). */
function childLen(node: RegionNode): number {
  const child = childLevel(node.level);
  return child ? SIGNIFICANT[child] : node.path.length;
}

/** 两个覆盖: organisation and work coverage of "三有" enterprises and social organisations. */
export class CoverageService {
  constructor(
    private readonly db: Db,
    private readonly regions: RegionService,
    private readonly orgs: OrgService,
  ) {}

  /** The node reported on: the `region` asked for, or the actor's own scope. */
  private async node(actor: Actor | undefined, region: string | undefined): Promise<RegionNode> {
    authorize(actor, 'coverage.read');
    const code = region ?? actor.scopeCode;
    if (!code) throw new AppError('scope.forbidden', { extra: { action: 'coverage.read' } });
    return regionFromCode(this.regions, actor, 'coverage.read', code, 'region');
  }

  async coverage(actor: Actor | undefined, q: CoverageQuery): Promise<CoverageResponse> {
    const node = await this.node(actor, q.region);
    const by = q.by ?? 'region';
    const counts = await orgRepo.coverage(this.db, node.path, by === 'region' ? { regionLen: childLen(node) } : 'industry');
    const sum = { eTotal: 0, eOrg: 0, eWork: 0, sTotal: 0, sOrg: 0, sWork: 0 };
    for (const c of counts) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += c[k];
    const region = { code: node.code, name: node.name, level: node.level };
    if (by === 'industry') {
      const rows = counts.map((c) => ({ key: c.key || NO_INDUSTRY, name: c.key ? (industryName(c.key) ?? c.key) : '未填行业', ...cells(c) }));
      return { region, by, rows, totals: cells(sum) };
    }
    // Every child is listed, with zeros where there is nothing; organisations placed on the node
    // itself (not in any child) get a row keyed by the node's own code.
    const byKey = new Map(counts.map((c) => [c.key, c]));
    const empty = { eTotal: 0, eOrg: 0, eWork: 0, sTotal: 0, sOrg: 0, sWork: 0 };
    const children = await this.regions.childrenUnchecked(node.code);
    const childPaths = new Set<string>();
    const rows: CoverageResponse['rows'] = children.map((ch) => {
      const path = parseRegionCode(ch.code)!.path;
      childPaths.add(path);
      return { key: ch.code, name: ch.name, ...cells(byKey.get(path) ?? empty) };
    });
    for (const c of counts) {
      if (childPaths.has(c.key)) continue;
      rows.push({ key: canonicalFromPath(c.key), name: c.key === node.path ? `${node.name}（本级）` : canonicalFromPath(c.key), ...cells(c) });
    }
    return { region, by, rows, totals: cells(sum) };
  }

  /** The organisations behind one number of the coverage table: same node, bucket and predicates. */
  async list(actor: Actor | undefined, q: CoverageListQuery): Promise<Page<OrgDto>> {
    const node = await this.node(actor, q.region);
    const f: OrgFilter = { path: node.path, population: q.grp };
    if (q.key !== undefined) {
      if ((q.by ?? 'region') === 'region') {
        const path = requireCode(q.key, 'key').path;
        const len = childLen(node);
        if (path !== node.path && !(path.length === len && path.startsWith(node.path))) {
          throw invalidField('key', 'not_child', { zh: '应为所选区划的下级（或其本身）的代码', en: 'must be a child of region, or region itself' });
        }
        f.bucket = { len, path };
      } else if (q.key === NO_INDUSTRY) {
        f.industry = null;
      } else if (q.key in INDUSTRIES) {
        f.industry = q.key;
      } else {
        throw invalidField('key', 'enum', { zh: '应为行业门类 A-T 或 none', en: 'must be an industry section A-T or none' });
      }
    }
    if (q.covered === 'org') f.orgCovered = q.value ?? true;
    if (q.covered === 'work') f.workCovered = q.value ?? true;
    return this.orgs.page(f, q.cursor, q.limit ?? 50);
  }
}
