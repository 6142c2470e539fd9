import fs from 'node:fs';
import { setImmediate as breathe } from 'node:timers/promises';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import * as tables from '../../platform/db/tables.js';
import { recordAudit, type AuditContext } from '../../platform/audit/index.js';
import type { Actor } from '../../platform/scope/index.js';
import type { ImportSource } from '../../platform/provenance/index.js';
import type { RegionService } from '../regions/service.js';
import type { HousingService } from '../housing/service.js';
import type { PeopleService } from '../people/service.js';
import type { ImportKind } from './fields.js';
import { FileReadError, openSheet, type FileFormat, type Sheet } from './fileReader.js';
import { importsRepo, type BatchCounts, type BatchRow } from './repo.js';
import { HouseRowValidator, OrgRowValidator, PeopleRowValidator, Places, tagLookup, type ColumnPlan, type RowIssue, type RowValidator } from './rowValidator.js';
import type { MergeCounts, RecordMerger } from './recordMerger.js';

/**
 * How an import uses the database, measured with the import benchmark. With PostgreSQL the merge
 * runs in another process: two merge streams and a batch read ahead keep both busy, and
 * 5,000-row batches are faster than 2,000. New people go in with COPY (see peopleCopy.ts), which
 * leaves this thread (reading, checking, encrypting) the slower side: a second batch read
 * ahead gains nothing there and holds ~30 MB more. PGlite runs in this thread: nothing to
 * overlap, and 1,000-row batches are as fast there and keep its memory (and so the process's)
 * lower.
 */
export const IMPORT_TUNING = {
  postgres: { mergeStreams: 2, readAhead: 1, batchRows: 5000, copy: true },
  pglite: { mergeStreams: 1, readAhead: 0, batchRows: 1000, copy: false },
} as const;
export type ImportTuning = {
  mergeStreams: number;
  readAhead: number;
  batchRows: number;
  /** PostgreSQL only: write new people with COPY instead of one INSERT from a JSON document. */
  copy?: boolean;
};

export interface ImportJob {
  batch: BatchRow;
  actor: Actor;
  ctx: AuditContext;
  filePath: string;
  format: FileFormat;
  plan: ColumnPlan;
  /** Uploaded copies are removed after the run; a file named on the command line is not. */
  deleteAfter: boolean;
}

export interface ImportProgress {
  batchId: number;
  counts: BatchCounts;
  /** Share of the file read, 0–1. */
  fraction: number;
  elapsedMs: number;
}

export const zeroCounts = (): BatchCounts => ({ totalRows: 0, okRows: 0, errorRows: 0, created: 0, updated: 0, unchanged: 0, conflicts: 0 });

/** Thrown inside a dry run's transaction to roll it back while carrying its result out. */
class DryRunRollback extends Error {
  constructor(readonly value: unknown) {
    super('dry run');
  }
}

/** The pool under a node-postgres Drizzle database; null on PGlite. */
function poolOf(db: Db): pg.Pool | null {
  const client = (db as unknown as { $client?: unknown }).$client;
  return client instanceof pg.Pool ? client : null;
}

const onClient = new WeakMap<pg.PoolClient, Db>();
/** A Drizzle handle on one pooled connection (kept per connection: the pool reuses them). */
function drizzleOn(client: pg.PoolClient): Db {
  let db = onClient.get(client);
  if (!db) onClient.set(client, (db = drizzle({ client, schema: tables }) as unknown as Db));
  return db;
}

/**
 * A transaction on one pooled connection, handing out the connection too (for COPY). Commits,
 * or with `commit` false always rolls back (dry runs); a connection that cannot roll back is
 * discarded rather than returned to the pool.
 */
async function onConnection<T>(pool: pg.Pool, commit: boolean, fn: (tx: DbOrTx, client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
  } catch (e) {
    client.release(e as Error);
    throw e;
  }
  let broken: Error | undefined;
  try {
    const out = await fn(drizzleOn(client), client);
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch((err: Error) => (broken = err));
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * Natural keys are spread over a fixed number of partitions, and a merge holds the locks of the
 * partitions it touches: slices of one import merge side by side, while two imports (in any
 * process) never merge the same record at the same time.
 */
export const MERGE_PARTITIONS = 4;

const NATURAL_KEY: Record<ImportKind, (item: unknown) => string> = {
  people: (p) => (p as { idHash: string }).idHash,
  houses: (h) => (h as { addressKey: string }).addressKey,
  orgs: (o) => (o as { creditCode: string }).creditCode,
};

export function partitionOf(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return (h >>> 0) % MERGE_PARTITIONS;
}

function partitionsOfStream(stream: number, streams: number): number[] {
  return Array.from({ length: MERGE_PARTITIONS }, (_, p) => p).filter((p) => p % streams === stream);
}

interface Slice {
  items: unknown[];
  partitions: number[];
  issues: RowIssue[];
  rows: number;
  okRows: number;
  errorRows: number;
}

export interface RunnerDeps {
  db: Db;
  /** Merge streams (at most MERGE_PARTITIONS), batches validated ahead of the merges, rows per batch. */
  tuning: ImportTuning;
  regions: RegionService;
  housing: HousingService;
  people: PeopleService;
  merger: RecordMerger;
}

/**
 * Runs one import: read → validate → merge, batch by batch. Validation of the next batches
 * (parsing, ID checks, encryption) overlaps the database work of the current one; each batch
 * is split by natural key into slices that merge side by side, each slice in its own
 * transaction together with its error rows and its share of the progress counts.
 */
export class ImportRunner {
  /** Set when merges run on pooled PostgreSQL connections with COPY. */
  private readonly pool: pg.Pool | null;

  constructor(private readonly deps: RunnerDeps) {
    this.pool = deps.tuning.copy ? poolOf(deps.db) : null;
  }

  private async validator(kind: ImportKind, plan: ColumnPlan, places: Places): Promise<RowValidator<unknown>> {
    if (kind === 'people') return new PeopleRowValidator(plan, places, this.deps.people, tagLookup((await this.deps.people.catalogue()).tags));
    if (kind === 'houses') return new HouseRowValidator(plan, places);
    return new OrgRowValidator(plan, places);
  }

  async run(job: ImportJob, onProgress?: (p: ImportProgress) => void): Promise<BatchRow> {
    const { db } = this.deps;
    const { mergeStreams, readAhead, batchRows } = this.deps.tuning;
    const { batch } = job;
    const kind = batch.kind as ImportKind;
    const t0 = Date.now();
    const counts = zeroCounts();
    let sheet: Sheet | null = null;
    let failure: string | null = null;
    // Each stream merges its partitions' slices one after another; streams run side by side on
    // their own connections. Reading and validation run ahead by up to `readAhead` batches.
    // Errors travel as values so a failed merge is never an unhandled rejection.
    const streams = Array.from({ length: mergeStreams }, (_, i) => ({ partitions: partitionsOfStream(i, mergeStreams), chain: Promise.resolve<Error | null>(null) }));
    const ahead: Promise<Error | null>[] = [];
    const settle = async () => (await Promise.all(streams.map((s) => s.chain))).find((e) => e) ?? null;
    await importsRepo.markRunning(db, batch.id);
    try {
      sheet = await openSheet(job.filePath, job.format);
      const places = new Places(db, this.deps.regions, this.deps.housing, batch.scopePath);
      const validator = await this.validator(kind, job.plan, places);
      const src: ImportSource = { dept: batch.source, batchId: batch.id, at: batch.createdAt };
      for await (const rows of sheet.batches(batchRows)) {
        const v = await validator.validate(rows);
        const byStream = streams.map((): unknown[] => []);
        for (const item of v.items) byStream[partitionOf(NATURAL_KEY[kind](item)) % mergeStreams]!.push(item);
        const slices = streams.map((st, i) => {
          // The first slice also carries the batch's error rows and row counts.
          const slice: Slice = i === 0 ? { items: byStream[i]!, partitions: st.partitions, issues: v.issues, rows: v.rows, okRows: v.okRows, errorRows: v.errorRows } : { items: byStream[i]!, partitions: st.partitions, issues: [], rows: 0, okRows: 0, errorRows: 0 };
          if (!slice.items.length && !slice.rows) return st.chain;
          st.chain = st.chain.then((err) => err ?? this.commit(job, slice, src, counts).then(() => null, (e: Error) => e));
          return st.chain;
        });
        const s = sheet;
        ahead.push(
          Promise.all(slices).then((errs) => {
            const err = errs.find((e) => e) ?? null;
            if (!err) onProgress?.({ batchId: batch.id, counts: { ...counts }, fraction: s.size ? Math.min(1, s.bytesRead() / s.size) : 1, elapsedMs: Date.now() - t0 });
            return err;
          }),
        );
        if (ahead.length > readAhead) {
          const err = await ahead.shift()!;
          if (err) throw err;
        }
        await breathe();
      }
      const err = await settle();
      if (err) throw err;
    } catch (e) {
      // Let merges still in flight finish before the batch is closed.
      await settle();
      failure = e instanceof FileReadError ? e.message : `导入中断：${(e as Error).message}`;
    } finally {
      sheet?.close();
      if (job.deleteAfter) await fs.promises.rm(job.filePath, { force: true });
    }
    const done = await importsRepo.finish(db, batch.id, failure ? 'failed' : 'done', failure);
    await recordAudit(db, job.ctx, {
      action: 'import.run',
      entityType: 'import_batch',
      entityId: batch.id,
      scopePath: batch.scopePath,
      after: { ...counts, status: done.status, message: failure, fileName: batch.fileName, sha256: batch.fileSha256, source: batch.source, kind: batch.kind, dryRun: batch.dryRun },
    });
    onProgress?.({ batchId: batch.id, counts: { ...counts }, fraction: 1, elapsedMs: Date.now() - t0 });
    return done;
  }

  /**
   * A transaction for one slice: on a pooled PostgreSQL connection when COPY is on (the merge
   * gets the connection), else Drizzle's. With `commit` false it is rolled back and `fn`'s
   * result returned all the same.
   */
  private async transaction<T>(commit: boolean, fn: (tx: DbOrTx, client: pg.PoolClient | null) => Promise<T>): Promise<T> {
    if (this.pool) return onConnection(this.pool, commit, fn);
    if (commit) return this.deps.db.transaction((tx) => fn(tx, null));
    try {
      await this.deps.db.transaction(async (tx) => {
        throw new DryRunRollback(await fn(tx, null));
      });
      throw new Error('unreachable');
    } catch (e) {
      if (!(e instanceof DryRunRollback)) throw e;
      return e.value as T;
    }
  }

  /** Merge one slice in its own transaction, with its error rows and its share of the counts. */
  private async commit(job: ImportJob, slice: Slice, src: ImportSource, counts: BatchCounts): Promise<void> {
    const { db, merger } = this.deps;
    const merge = async (tx: DbOrTx, client: pg.PoolClient | null) => {
      await importsRepo.lockPartitions(tx, slice.partitions);
      return merger.merge(tx, job.batch.kind as ImportKind, slice.items, src, client);
    };
    const delta = (m: MergeCounts): BatchCounts => ({ totalRows: slice.rows, okRows: slice.okRows, errorRows: slice.errorRows, ...m });
    const errorRows = slice.issues.map(({ rowNo, field, rule, severity, message, value }) => ({ rowNo, field, rule, severity, message, value }));
    let d: BatchCounts;
    if (!job.batch.dryRun) {
      d = await this.transaction(true, async (tx, client) => {
        const c = delta(await merge(tx, client));
        await importsRepo.insertErrors(tx, job.batch.id, errorRows);
        await importsRepo.addProgress(tx, job.batch.id, c);
        return c;
      });
    } else {
      // Same merge, rolled back: the preview counts are the real ones, and nothing but the batch record and its errors is kept.
      d = delta(await this.transaction(false, merge));
      await importsRepo.insertErrors(db, job.batch.id, errorRows);
      await importsRepo.addProgress(db, job.batch.id, d);
    }
    for (const k of Object.keys(counts) as (keyof BatchCounts)[]) counts[k] += d[k];
  }
}
