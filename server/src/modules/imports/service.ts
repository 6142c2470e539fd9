import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../platform/db/client.js';
import { AppError, invalidField } from '../../platform/errors/index.js';
import { authorize, scopeOf, type Actor } from '../../platform/scope/index.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import { streamTable, type Column } from '../../platform/export/tabular.js';
import { maskCitizenId, maskPhone } from '../../platform/pii/index.js';
import { canonicalFromPath } from '../regions/codes.js';
import { requireCode, type RegionService } from '../regions/service.js';
import type { HousingService } from '../housing/service.js';
import type { PeopleService } from '../people/service.js';
import type { OrgService } from '../orgs/service.js';
import { IMPORT_KINDS, missingRequired, suggestColumns, TARGET_FIELDS, templateFits, type ImportKind } from './fields.js';
import { FileReadError, formatOf, openSheet, type FileFormat, type Sheet } from './fileReader.js';
import { ImportRunner, MERGE_PARTITIONS, type ImportJob, type ImportProgress, type ImportTuning } from './importRunner.js';
import { RecordMerger } from './recordMerger.js';
import { ConflictResolver, type Resolution } from './conflictResolver.js';
import { importsRepo, type BatchRow, type ErrorRow, type MappingRow } from './repo.js';
import { ColumnPlan } from './rowValidator.js';

/** A file already on disk (uploaded, or named on the command line) and what to do with it. */
export interface ImportRequest {
  filePath: string;
  fileName: string;
  sha256: string;
  source: string;
  kind: string;
  mappingId?: number;
  /** A saved template by name (the command line's --mapping). */
  mappingName?: string;
  columns?: Record<string, string>;
  dryRun?: boolean;
  saveMappingAs?: string;
  /** Import into this community/grid (or any node) inside the caller's scope; default the whole scope. */
  regionCode?: string;
  deleteAfter?: boolean;
}

export interface MappingDto {
  id: number;
  name: string;
  source: string;
  kind: string;
  columns: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface BatchDto {
  id: number;
  source: string;
  kind: string;
  fileName: string;
  fileSha256: string;
  mappingId: number | null;
  columns: Record<string, string>;
  dryRun: boolean;
  status: string;
  /** Share of the file read while running in this process, 0–1; null when unknown. */
  progress: number | null;
  totalRows: number;
  okRows: number;
  errorRows: number;
  created: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  message: string | null;
  regionCode: string;
  createdBy: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function mappingDto(m: MappingRow): MappingDto {
  return { id: m.id, name: m.name, source: m.source, kind: m.kind, columns: m.columns as Record<string, string>, createdAt: m.createdAt.toISOString(), updatedAt: m.updatedAt.toISOString() };
}

const ID_LIKE = /^\d{17}[\dXx]$|^\d{15}$/;
const PHONE_LIKE = /^(\+?86)?1[3-9]\d{9}$/;

/** Department imports: templates, file inspection, runs in the background, their error reports and the conflict queue. */
export class ImportService {
  private readonly runner: ImportRunner;
  readonly conflicts: ConflictResolver;
  /** Runs take turns in this process (queued → running), so two files never merge the same record at once. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly live = new Map<number, number>();
  readonly uploadDir: string;

  constructor(
    private readonly db: Db,
    regions: RegionService,
    housing: HousingService,
    people: PeopleService,
    orgs: OrgService,
    opts: {
      /** Where uploads wait for their run: `<data dir>/imports`. */
      uploadDir: string;
      /** IMPORT_TUNING for the database in use. */
      tuning: ImportTuning;
    },
  ) {
    this.uploadDir = opts.uploadDir;
    this.runner = new ImportRunner({
      db,
      regions,
      housing,
      people,
      tuning: { ...opts.tuning, mergeStreams: Math.max(1, Math.min(MERGE_PARTITIONS, opts.tuning.mergeStreams)) },
      merger: new RecordMerger(people, housing, orgs),
    });
    this.conflicts = new ConflictResolver(db, people, housing, orgs);
  }

  // ---- templates -----------------------------------------------------------------------------

  async listMappings(actor: Actor | undefined, q: { source?: string; kind?: string }): Promise<MappingDto[]> {
    authorize(actor, 'import.run');
    return (await importsRepo.mappings(this.db, q)).map(mappingDto);
  }

  private checkColumns(kind: ImportKind, columns: Record<string, string>) {
    const fields = new Set(TARGET_FIELDS[kind].map((f) => f.key));
    const unknown = Object.keys(columns).filter((k) => !fields.has(k));
    if (unknown.length) throw new AppError('import.bad_mapping', { fields: unknown.map((k) => ({ field: `columns.${k}`, rule: 'unknown_field', message: { zh: '不是可导入的字段', en: 'not an importable field' } })) });
    const missing = missingRequired(kind, columns);
    if (missing.length) throw new AppError('import.bad_mapping', { fields: missing.map((f) => ({ field: `columns.${f.key}`, rule: 'required', message: { zh: `请指定“${f.label}”对应的列`, en: 'required' } })) });
  }

  async createMapping(actor: Actor | undefined, input: { name: string; source: string; kind: ImportKind; columns: Record<string, string> }, ctx: AuditContext): Promise<MappingDto> {
    authorize(actor, 'import.run');
    this.checkColumns(input.kind, input.columns);
    return this.db.transaction(async (tx) => {
      const m = await importsRepo.insertMapping(tx, { ...input, name: input.name.trim(), source: input.source.trim(), createdBy: actor.id });
      if (!m) throw new AppError('import.mapping_exists');
      await recordAudit(tx, ctx, { action: 'import.mapping', entityType: 'import_mapping', entityId: m.id, scopePath: actor.scopePath, after: mappingDto(m) });
      return mappingDto(m);
    });
  }

  async updateMapping(actor: Actor | undefined, id: number, patch: { name?: string; columns?: Record<string, string> }, ctx: AuditContext): Promise<MappingDto> {
    authorize(actor, 'import.run');
    return this.db.transaction(async (tx) => {
      const before = await importsRepo.mapping(tx, id);
      if (!before) throw new AppError('import.mapping_not_found');
      if (patch.columns) this.checkColumns(before.kind as ImportKind, patch.columns);
      if (patch.name && patch.name.trim() !== before.name && (await importsRepo.mappingByName(tx, before.source, before.kind, patch.name.trim()))) throw new AppError('import.mapping_exists');
      const m = await importsRepo.updateMapping(tx, id, { ...patch, name: patch.name?.trim() });
      await recordAudit(tx, ctx, { action: 'import.mapping', entityType: 'import_mapping', entityId: id, scopePath: actor.scopePath, before: mappingDto(before), after: mappingDto(m) });
      return mappingDto(m);
    });
  }

  // ---- inspecting a file ---------------------------------------------------------------------

  private scopeFor(actor: Actor | undefined, regionCode: string | undefined): string {
    if (!regionCode) return scopeOf(actor, 'import.run');
    const path = requireCode(regionCode, 'regionCode').path;
    authorize(actor, 'import.run', { path });
    return path;
  }

  private kindOf(kind: string): ImportKind {
    if (!(IMPORT_KINDS as readonly string[]).includes(kind)) throw invalidField('kind', 'enum', { zh: '应为 people、houses 或 orgs', en: 'must be people, houses or orgs' });
    return kind as ImportKind;
  }

  private formatOf(fileName: string): FileFormat {
    const f = formatOf(fileName);
    if (!f) throw new AppError('import.unsupported_file', { detail: fileName });
    return f;
  }

  private async open(filePath: string, format: FileFormat): Promise<Sheet> {
    try {
      return await openSheet(filePath, format);
    } catch (e) {
      if (e instanceof FileReadError) throw new AppError('import.unreadable_file', { detail: e.message });
      throw e;
    }
  }

  /** The department's newest template whose headers are all in the file, else header synonyms. */
  private async suggest(kind: ImportKind, source: string | undefined, headers: string[]) {
    const saved = source ? (await importsRepo.mappings(this.db, { source, kind })).find((m) => templateFits(m.columns as Record<string, string>, headers)) : undefined;
    if (saved) return { mappingId: saved.id, mappingName: saved.name, columns: saved.columns as Record<string, string> };
    return { mappingId: null, mappingName: null, columns: suggestColumns(kind, headers) };
  }

  /** Headers, the first five rows (ID numbers and phones masked) and a suggested mapping. */
  async inspect(actor: Actor | undefined, input: { filePath: string; fileName: string; kind: string; source?: string; regionCode?: string }) {
    const kind = this.kindOf(input.kind);
    this.scopeFor(actor, input.regionCode);
    const sheet = await this.open(input.filePath, this.formatOf(input.fileName));
    const sample: string[][] = [];
    try {
      for await (const row of sheet.rows) {
        if (row.cells.every((c) => !c)) continue;
        sample.push(row.cells);
        if (sample.length >= 5) break;
      }
    } catch (e) {
      if (e instanceof FileReadError) throw new AppError('import.unreadable_file', { detail: e.message });
      throw e;
    } finally {
      sheet.close();
    }
    const suggested = await this.suggest(kind, input.source?.trim(), sheet.headers);
    const piiOf = new Map<number, 'id' | 'phone'>();
    for (const f of TARGET_FIELDS[kind]) {
      const col = suggested.columns[f.key];
      if (f.pii && col) piiOf.set(sheet.headers.indexOf(col), f.pii);
    }
    const mask = (v: string, i: number) => {
      const pii = piiOf.get(i) ?? (ID_LIKE.test(v) ? 'id' : PHONE_LIKE.test(v) ? 'phone' : undefined);
      return !v || !pii ? v : pii === 'id' ? maskCitizenId(v.toUpperCase()) : maskPhone(v);
    };
    return {
      fileName: input.fileName,
      format: sheet.format,
      encoding: sheet.encoding,
      headers: sheet.headers,
      sample: sample.map((cells) => cells.map(mask)),
      fields: TARGET_FIELDS[kind].map((f) => ({ key: f.key, label: f.label, required: f.required })),
      suggested: { ...suggested, missing: missingRequired(kind, suggested.columns).map((f) => f.key) },
    };
  }

  // ---- running -------------------------------------------------------------------------------

  /** Check the request, read the header, save the template if asked, and record the batch as queued. */
  private async prepare(actor: Actor | undefined, req: ImportRequest, ctx: AuditContext): Promise<ImportJob> {
    const kind = this.kindOf(req.kind);
    const scopePath = this.scopeFor(actor, req.regionCode);
    const source = req.source.trim();
    if (!source) throw invalidField('source', 'required', { zh: '请填写来源部门', en: 'name the source department' });
    const format = this.formatOf(req.fileName);
    const sheet = await this.open(req.filePath, format);
    sheet.close();
    let columns = req.columns;
    let mappingId: number | null = null;
    if (req.mappingId !== undefined || req.mappingName) {
      const m = req.mappingId !== undefined ? await importsRepo.mapping(this.db, req.mappingId) : await importsRepo.mappingByName(this.db, source, kind, req.mappingName!);
      if (!m) throw new AppError('import.mapping_not_found');
      if (m.kind !== kind) throw invalidField('mappingId', 'kind', { zh: '该模板不是用于此类数据的', en: `the template is for ${m.kind}` });
      columns = m.columns as Record<string, string>;
      mappingId = m.id;
    }
    if (!columns) {
      const s = await this.suggest(kind, source, sheet.headers);
      columns = s.columns;
      mappingId = s.mappingId;
    }
    const plan = new ColumnPlan(kind, columns, sheet.headers);
    const batch = await this.db.transaction(async (tx) => {
      if (req.saveMappingAs?.trim()) {
        const m = await importsRepo.upsertMapping(tx, { name: req.saveMappingAs.trim(), source, kind, columns: columns!, createdBy: actor!.id });
        mappingId = m.id;
        await recordAudit(tx, ctx, { action: 'import.mapping', entityType: 'import_mapping', entityId: m.id, scopePath: actor!.scopePath, after: mappingDto(m) });
      }
      return importsRepo.insertBatch(tx, {
        source,
        kind,
        fileName: req.fileName.slice(0, 256),
        fileSha256: req.sha256,
        mappingId,
        columns,
        dryRun: !!req.dryRun,
        status: 'queued',
        scopePath,
        createdBy: actor!.id,
      });
    });
    return { batch, actor: actor!, ctx, filePath: req.filePath, format, plan, deleteAfter: !!req.deleteAfter };
  }

  private enqueue(job: ImportJob, onProgress?: (p: ImportProgress) => void): Promise<BatchRow> {
    const run = this.queue.then(() =>
      this.runner.run(job, (p) => {
        this.live.set(p.batchId, p.fraction);
        onProgress?.(p);
      }),
    );
    this.queue = run.catch(() => undefined).finally(() => this.live.delete(job.batch.id));
    return run;
  }

  /** Start an import in the background; answer at once with its id (poll `get` for progress). */
  async start(actor: Actor | undefined, req: ImportRequest, ctx: AuditContext): Promise<{ id: number }> {
    const job = await this.prepare(actor, req, ctx);
    this.enqueue(job).catch(async (err: unknown) => {
      // The runner records its own failures; this catches the database being gone (e.g. shutdown).
      await importsRepo.finish(this.db, job.batch.id, 'failed', `导入中断：${(err as Error).message}`).catch(() => undefined);
    });
    return { id: job.batch.id };
  }

  /** Run an import to the end (command line, benchmark): the same pipeline as `start`. */
  async runNow(actor: Actor | undefined, req: ImportRequest, ctx: AuditContext, onProgress?: (p: ImportProgress) => void): Promise<BatchDto> {
    const job = await this.prepare(actor, req, ctx);
    return this.toDto(await this.enqueue(job, onProgress));
  }

  /** Wait for queued and running imports (server shutdown, tests). */
  async drain(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
  }

  private toDto(b: BatchRow): BatchDto {
    return {
      id: b.id,
      source: b.source,
      kind: b.kind,
      fileName: b.fileName,
      fileSha256: b.fileSha256,
      mappingId: b.mappingId,
      columns: b.columns as Record<string, string>,
      dryRun: b.dryRun,
      status: b.status,
      progress: b.status === 'done' || b.status === 'failed' ? 1 : b.status === 'queued' ? 0 : (this.live.get(b.id) ?? null),
      totalRows: b.totalRows,
      okRows: b.okRows,
      errorRows: b.errorRows,
      created: b.created,
      updated: b.updated,
      unchanged: b.unchanged,
      conflicts: b.conflicts,
      message: b.message,
      regionCode: canonicalFromPath(b.scopePath),
      createdBy: b.createdBy,
      createdAt: b.createdAt.toISOString(),
      startedAt: iso(b.startedAt),
      finishedAt: iso(b.finishedAt),
    };
  }

  private async loadBatch(actor: Actor | undefined, id: number): Promise<BatchRow> {
    authorize(actor, 'import.run');
    const b = await importsRepo.batch(this.db, id);
    if (!b) throw new AppError('import.not_found');
    authorize(actor, 'import.run', { path: b.scopePath });
    return b;
  }

  async list(actor: Actor | undefined, q: { kind?: string; status?: string; cursor?: string; limit: number }) {
    const scopePath = scopeOf(actor, 'import.run');
    const rows = await importsRepo.batches(this.db, { scopePath, kind: q.kind, status: q.status, beforeId: q.cursor ? Number(q.cursor) : undefined, limit: q.limit + 1 });
    const more = rows.length > q.limit;
    const items = (more ? rows.slice(0, q.limit) : rows).map((b) => this.toDto(b));
    return { items, nextCursor: more ? String(items[items.length - 1]!.id) : null };
  }

  async get(actor: Actor | undefined, id: number): Promise<BatchDto> {
    return this.toDto(await this.loadBatch(actor, id));
  }

  async errors(actor: Actor | undefined, id: number, q: { cursor?: string; limit: number }) {
    await this.loadBatch(actor, id);
    const rows = await importsRepo.errors(this.db, { batchId: id, afterId: q.cursor ? Number(q.cursor) : undefined, limit: q.limit + 1 });
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    return {
      items: page.map((e) => ({ id: e.id, rowNo: e.rowNo, field: e.field, rule: e.rule, severity: e.severity, message: e.message, value: e.value })),
      nextCursor: more ? String(page[page.length - 1]!.id) : null,
    };
  }

  /** The error report as CSV (行号, 列, 规则, 说明, 值, 级别), streamed page by page. */
  async errorReport(actor: Actor | undefined, id: number) {
    const b = await this.loadBatch(actor, id);
    return { fileName: `${path.parse(b.fileName).name}-错误报告.csv`, ...this.reportStream(id) };
  }

  /** Also used by the command line to write the report next to the data. */
  reportStream(batchId: number) {
    const db = this.db;
    async function* pages() {
      let afterId: number | undefined;
      for (;;) {
        const rows = await importsRepo.errors(db, { batchId, afterId, limit: 2000 });
        if (!rows.length) return;
        yield rows;
        afterId = rows[rows.length - 1]!.id;
      }
    }
    const columns: Column<ErrorRow>[] = [
      { title: '行号', value: (e) => e.rowNo },
      { title: '列', value: (e) => e.field },
      { title: '规则', value: (e) => e.rule },
      { title: '说明', value: (e) => e.message },
      { title: '值', value: (e) => e.value },
      { title: '级别', value: (e) => (e.severity === 'warning' ? '警告' : '错误') },
    ];
    return streamTable('csv', columns, pages());
  }

  /** Write the error report to a file; resolves to the row count. */
  async writeReport(batchId: number, file: string): Promise<number> {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const { stream, done } = this.reportStream(batchId);
    const out = fs.createWriteStream(file);
    stream.pipe(out);
    const [n] = await Promise.all([done, new Promise<void>((resolve, reject) => out.on('finish', () => resolve()).on('error', reject))]);
    return n;
  }

  // ---- conflict queue ------------------------------------------------------------------------

  listConflicts(actor: Actor | undefined, q: Parameters<ConflictResolver['list']>[1]) {
    return this.conflicts.list(actor, q);
  }

  resolveConflict(actor: Actor | undefined, id: number, resolution: Resolution, ctx: AuditContext) {
    return this.conflicts.resolve(actor, id, resolution, ctx);
  }
}
