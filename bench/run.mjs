#!/usr/bin/env node
// Benchmark harness: node bench/run.mjs --scenario <name> [--db pglite|postgres] [--quick]
// Runs bench/scenarios/<name>.mjs, prints a table and saves JSON under bench/results/.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCENARIO_DIR = path.join(HERE, 'scenarios');
const RESULT_DIR = path.join(HERE, 'results');
const DBS = ['pglite', 'postgres'];

/** Thrown for bad command lines; exits with code 2 like most CLIs. */
class UsageError extends Error {}

async function listScenarios() {
  const files = await readdir(SCENARIO_DIR).catch(() => []);
  return files.filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4)).sort();
}

function usage(scenarios) {
  return [
    'Usage: node bench/run.mjs --scenario <name> [--db pglite|postgres] [--quick]',
    '       npm run bench -- --scenario <name> [...]',
    '',
    'Options:',
    '  --scenario, -s <name>   scenario to run (a file in bench/scenarios/)',
    `  --db <kind>             database the scenario should use: ${DBS.join(' | ')} (default pglite)`,
    '  --quick                 smaller data and shorter timings, for smoke tests',
    '  --help, -h              this text',
    '',
    `Scenarios: ${scenarios.length ? scenarios.join(', ') : '(none found)'}`,
  ].join('\n');
}

function parseCommandLine(argv, scenarios) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string', short: 's' },
        db: { type: 'string', default: 'pglite' },
        quick: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError(err.message);
  }
  const { scenario, db, quick, help } = parsed.values;
  if (help) return { help: true };
  if (!scenario) throw new UsageError('missing --scenario');
  if (!scenarios.includes(scenario)) {
    throw new UsageError(`unknown scenario "${scenario}"; valid scenarios: ${scenarios.join(', ') || '(none)'}`);
  }
  if (!DBS.includes(db)) throw new UsageError(`unknown --db "${db}"; use ${DBS.join(' or ')}`);
  return { scenario, db, quick };
}

/** A target is a number (value must reach it) or a string such as ">= 1e5" or "<= 500". */
function parseTarget(target) {
  if (target === undefined || target === null) return null;
  if (typeof target === 'number') return { op: '>=', limit: target };
  const m = /^\s*(>=|<=|>|<)\s*([-+0-9.eE_]+)\s*$/.exec(String(target));
  if (!m) throw new Error(`unreadable target ${JSON.stringify(target)}; use a number or ">= N" / "<= N"`);
  return { op: m[1], limit: Number(m[2].replaceAll('_', '')) };
}

function meetsTarget(value, { op, limit }) {
  return op === '>=' ? value >= limit : op === '<=' ? value <= limit : op === '>' ? value > limit : value < limit;
}

/** Fill in ratio and pass; reject malformed scenario output early with a readable message. */
function normaliseMetrics(metrics) {
  if (!Array.isArray(metrics) || metrics.length === 0) throw new Error('scenario returned no metrics');
  return metrics.map((m, i) => {
    if (typeof m?.metric !== 'string' || typeof m.value !== 'number') throw new Error(`metric #${i} needs a string "metric" and a numeric "value"`);
    const baseline = typeof m.baseline === 'number' ? m.baseline : null;
    const ratio = typeof m.ratio === 'number' ? m.ratio : baseline ? m.value / baseline : null;
    const target = parseTarget(m.target);
    return {
      metric: m.metric,
      value: m.value,
      unit: m.unit ?? '',
      baseline,
      ratio,
      target: target ? `${target.op} ${target.limit}` : null,
      pass: target ? meetsTarget(m.value, target) : null,
    };
  });
}

function formatNumber(n) {
  if (n === null || n === undefined) return '—';
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(4)).toString();
}

function formatTable(rows) {
  const header = ['metric', 'value', 'unit', 'baseline', 'ratio', 'target', 'pass'];
  const numeric = new Set(['value', 'baseline', 'ratio']);
  const cells = rows.map((r) => [
    r.metric,
    formatNumber(r.value),
    r.unit,
    formatNumber(r.baseline),
    r.ratio === null ? '—' : `${formatNumber(r.ratio)}×`,
    r.target ?? '',
    r.pass === null ? '' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row) => row.map((s, c) => (numeric.has(header[c]) ? s.padStart(widths[c]) : s.padEnd(widths[c]))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryBytes: os.totalmem(),
  };
}

async function main() {
  const scenarios = await listScenarios();
  const opts = parseCommandLine(process.argv.slice(2), scenarios);
  if (opts.help) {
    console.log(usage(scenarios));
    return 0;
  }
  const { scenario, db, quick } = opts;
  const mod = await import(pathToFileURL(path.join(SCENARIO_DIR, `${scenario}.mjs`)).href);
  if (typeof mod.run !== 'function') throw new Error(`bench/scenarios/${scenario}.mjs must export async function run({ db, quick, log })`);

  const startedAt = new Date();
  const t0 = performance.now();
  // Progress goes to stderr so stdout carries only the results table.
  const log = (...args) => console.error(`[${scenario}]`, ...args);
  log(`db=${db}${quick ? ' quick' : ''}`);
  const result = await mod.run({ db, quick, log });
  const durationMs = performance.now() - t0;
  const metrics = normaliseMetrics(result?.metrics);
  const notes = result?.notes === undefined ? [] : [result.notes].flat().map(String);

  console.log(`\n${scenario} (db=${db}${quick ? ', quick' : ''}) — ${(durationMs / 1000).toFixed(1)} s\n`);
  console.log(formatTable(metrics));
  if (notes.length) console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);

  const timestamp = startedAt.toISOString();
  await mkdir(RESULT_DIR, { recursive: true });
  // Colons are not allowed in Windows file names.
  const file = path.join(RESULT_DIR, `${scenario}-${db}-${timestamp.replaceAll(':', '-')}.json`);
  const record = { scenario, db, quick, timestamp, durationMs: Math.round(durationMs), machine: machineInfo(), metrics, notes };
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nSaved ${path.relative(process.cwd(), file)}`);

  const failed = metrics.filter((m) => m.pass === false);
  if (failed.length) {
    console.error(`\n${failed.length} metric(s) missed their target: ${failed.map((m) => m.metric).join(', ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (err) => {
    if (err instanceof UsageError) {
      console.error(`bench: ${err.message}\n\n${usage(await listScenarios())}`);
      process.exitCode = 2;
    } else {
      console.error(`bench: scenario failed: ${err?.stack ?? err}`);
      process.exitCode = 1;
    }
  },
);
