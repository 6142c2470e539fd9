import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runtime configuration, read once from the environment. Documented in README.md. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Connections each server process keeps to PostgreSQL (DATABASE_POOL_SIZE). */
  dbPoolSize: number;
  /** Seed the demo city on first start of the embedded database. */
  demo: boolean;
  demoCity: string;
  tileUrl: string;
  tileAttribution: string;
  /** Coordinate system of the tile provider: GCJ-02 for most Chinese providers. */
  tileCrs: 'wgs84' | 'gcj02';
  cookieSecure: boolean;
  sessionTtlHours: number;
  bodyLimitBytes: number;
  /** How often each process fires due ticket timers and folds metric deltas. */
  timerIntervalMs: number;
  logLevel: string;
  webDist: string;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (throttling, audit). */
  trustProxy: boolean;
  /** Master key for personal information (GRIDWORK_PII_KEY); generated into the data dir on the embedded database. */
  piiKey: string | undefined;
}

function int(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`环境变量 ${name} 必须是非负整数 (got "${raw}")`);
  return n;
}

function bool(name: string, fallback: boolean, env: NodeJS.ProcessEnv): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`环境变量 ${name} 必须是 true/false (got "${raw}")`);
}

function tileCrs(raw: string | undefined): 'wgs84' | 'gcj02' {
  const v = (raw || 'wgs84').toLowerCase();
  if (v !== 'wgs84' && v !== 'gcj02') throw new Error(`环境变量 GRIDWORK_TILE_CRS 只能是 wgs84 或 gcj02 (got "${raw}")`);
  return v;
}

/**
 * Twice the cores, between 4 and 10. More connections than the database has cores to run them
 * only contend: on 2 cores a pool of 10 spent ≈ 10% more PostgreSQL CPU per ticket than a pool of
 * 4 (bench/README.md, intake). Set DATABASE_POOL_SIZE when PostgreSQL runs on a bigger machine.
 */
function defaultPoolSize(): number {
  return Math.min(10, Math.max(4, 2 * os.availableParallelism()));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  return {
    port: int('PORT', 3000, env),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.GRIDWORK_DATA_DIR || './data'),
    databaseUrl,
    dbPoolSize: int('DATABASE_POOL_SIZE', defaultPoolSize(), env) || defaultPoolSize(),
    // Demo data never lands on a real PostgreSQL unless `gridwork seed demo` is run on purpose.
    demo: databaseUrl ? false : bool('GRIDWORK_DEMO', true, env),
    demoCity: env.GRIDWORK_DEMO_CITY || '1503',
    tileUrl: env.GRIDWORK_TILE_URL || '',
    tileAttribution: env.GRIDWORK_TILE_ATTRIBUTION || '',
    tileCrs: tileCrs(env.GRIDWORK_TILE_CRS),
    cookieSecure: bool('GRIDWORK_COOKIE_SECURE', false, env),
    sessionTtlHours: int('GRIDWORK_SESSION_TTL_HOURS', 12, env),
    bodyLimitBytes: int('GRIDWORK_BODY_LIMIT', 1024 * 1024, env),
    timerIntervalMs: int('GRIDWORK_TIMER_INTERVAL_MS', 5000, env),
    logLevel: env.LOG_LEVEL || 'info',
    webDist: path.resolve(env.GRIDWORK_WEB_DIST || fileURLToPath(new URL('../../../web/dist', import.meta.url))),
    trustProxy: bool('GRIDWORK_TRUST_PROXY', false, env),
    piiKey: env.GRIDWORK_PII_KEY || undefined,
  };
}
