import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import * as tables from './tables.js';

export type Tables = typeof tables;
/** The one Drizzle type both drivers satisfy; modules never see which driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Tables>;
/** A transaction handle has the same query surface as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type DbKind = 'pglite' | 'postgres';

export interface Database {
  kind: DbKind;
  db: Db;
  /** Human description for logs: the data directory or the server URL without password. */
  where: string;
  close(): Promise<void>;
  /** PGlite only: the raw instance (for dumps and clones in tests). */
  pglite?: PGlite;
  /** PostgreSQL only: the pool (for COPY and advisory locks). */
  pool?: pg.Pool;
}

export const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url));

// Return int8/numeric as JS numbers where safe; counts and ids stay well below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** Start an embedded database from a dump (tests clone a migrated template this way). */
  loadDataDir?: Blob;
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle connection the server drops (restart, failover, DROP DATABASE) must not crash the
    // process: the pool discards it and opens a new one on the next query.
    pool.on('error', () => {});
    // Fail fast with a clear message if the server is unreachable.
    const c = await pool.connect();
    c.release();
    const db = drizzlePg({ client: pool, schema: tables }) as unknown as Db;
    const u = new URL(opts.databaseUrl);
    u.password = u.password ? '***' : '';
    return { kind: 'postgres', db, pool, where: u.toString(), close: () => pool.end() };
  }
  let client: PGlite;
  let where = 'memory';
  if (opts.loadDataDir) {
    client = await PGlite.create({ loadDataDir: opts.loadDataDir });
  } else if (opts.dataDir) {
    const dir = path.join(opts.dataDir, 'pglite');
    fs.mkdirSync(dir, { recursive: true });
    const unlock = lockDataDir(opts.dataDir);
    try {
      client = await PGlite.create({ dataDir: dir });
    } catch (e) {
      unlock();
      throw e;
    }
    where = dir;
    const db = drizzlePglite({ client, schema: tables }) as unknown as Db;
    return {
      kind: 'pglite',
      db,
      pglite: client,
      where,
      close: async () => {
        await client.close();
        unlock();
      },
    };
  } else {
    client = await PGlite.create();
  }
  const db = drizzlePglite({ client, schema: tables }) as unknown as Db;
  return { kind: 'pglite', db, pglite: client, where, close: () => client.close() };
}

/**
 * PGlite is single-process: a second process on the same data directory would corrupt it.
 * A pid file refuses that with a clear message; a stale file from a dead process is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'gridwork.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      let alive = false;
      try {
        if (pid && pid !== process.pid) alive = process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (alive) throw new Error(`数据目录 ${dataDir} 正被进程 ${pid} 使用（内置数据库只允许一个进程）。请先停止该进程，或改用 DATABASE_URL 连接 PostgreSQL。`);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`无法锁定数据目录 ${dataDir}`);
}

const MIGRATION_LOCK = 7_424_242; // arbitrary constant shared by every Gridwork process

/** Apply pending migrations. On PostgreSQL an advisory lock keeps concurrent starts from racing. */
export async function runMigrations(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  const client = await database.pool!.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migratePg(drizzlePg({ client }) as never, { migrationsFolder });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

/** Number of migrations shipped with this build (from drizzle-kit's journal). */
export function shippedMigrationCount(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

/** Readiness: the database answers and every shipped migration is applied. */
export async function migrationStatus(db: Db): Promise<{ applied: number; shipped: number }> {
  const shipped = shippedMigrationCount();
  try {
    const r = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
    return { applied: r[0]?.n ?? 0, shipped };
  } catch {
    return { applied: 0, shipped };
  }
}

/** Run raw SQL and return its rows; the result shape differs per driver but both carry `rows`. */
export async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}
