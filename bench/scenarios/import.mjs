// Department import: a generated people CSV (1M rows; 50k with --quick) through the real import
// pipeline (ImportService.runNow — the code behind POST /api/imports and `gridwork import`) into a
// fresh, demo-seeded database, against a raw COPY of the same file into a bare table. The demo
// city is seeded by `gridwork seed demo` in a child process, so the memory measured here is the
// import's (with PGlite, the embedded database's too).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import vm from 'node:vm';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

const DIST = new URL('../../server/dist/', import.meta.url);

async function load(rel) {
  try {
    return await import(new URL(rel, DIST).href);
  } catch (err) {
    throw new Error(`cannot load the compiled server at ${fileURLToPath(DIST)} (${err.message}); build it first: npx tsc -p server/tsconfig.build.json`);
  }
}

// ---- the file ---------------------------------------------------------------------------------

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
function citizenId(first17) {
  let s = 0;
  for (let i = 0; i < 17; i++) s += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return first17 + CHECK[s % 11];
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红梅鑫波斌宇浩凯健俊帆帅旭宁龙林欣佳琪晨涵雨轩博文志建国海燕慧婷雪琳颖晓';
const STREETS = ['人民路', '新华街', '海北大街', '滨河路', '黄河街', '狮城路', '千里山路', '巴音赛街'];
/** Wuhai's three districts: 海勃湾区, 海南区, 乌达区. */
const ADDRESS_CODES = ['150302', '150303', '150304'];
const DAY = 86_400_000;
const BIRTH_FROM = Date.UTC(1940, 0, 1);
const BIRTH_DAYS = 27_000; // 1940 … 2013

/**
 * Row i of the file, deterministic. ID numbers are unique (district, birth date, sequence) and
 * valid; about half the rows live in a demo house by its address, the rest are placed by grid code.
 */
function row(i, houses, grids) {
  const j = Math.floor(i / 3);
  const birth = new Date(BIRTH_FROM + ((j * 7919) % BIRTH_DAYS) * DAY).toISOString().slice(0, 10).replaceAll('-', '');
  const id = citizenId(`${ADDRESS_CODES[i % 3]}${birth}${String((Math.floor(j / BIRTH_DAYS) * 37 + 500) % 1000).padStart(3, '0')}`);
  const name = SURNAMES[(i * 31) % SURNAMES.length] + GIVEN[(i * 13) % GIVEN.length] + (i % 3 ? GIVEN[(i * 7) % GIVEN.length] : '');
  const phone = i % 10 === 0 ? '' : `1${'3456789'[i % 7]}${String((i * 2654435761) % 1e9).padStart(9, '0')}`;
  const ethnicity = i % 7 === 0 ? '蒙古族' : i % 31 === 0 ? '回族' : '汉族';
  const political = i % 12 === 0 ? '中共党员' : i % 20 === 0 ? '共青团员' : '群众';
  const registered = `内蒙古自治区乌海市${STREETS[i % STREETS.length]}${(i % 400) + 1}号`;
  const address = houses.length && i % 2 === 0 ? houses[(i >> 1) % houses.length] : '';
  return `${name},${id},${phone},${ethnicity},${political},${registered},${address},${grids[i % grids.length]}\n`;
}

export async function writeCsv(file, n, houses, grids) {
  const out = fs.createWriteStream(file);
  out.write('\uFEFF姓名,公民身份号码,联系电话,民族,政治面貌,户籍地址,现住址,所属网格\n');
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += row(i, houses, grids);
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  await new Promise((resolve, reject) => out.end(buf, (e) => (e ? reject(e) : resolve())));
}

// ---- databases --------------------------------------------------------------------------------

const CLI = fileURLToPath(new URL('cli.js', DIST));

/** `gridwork seed demo` in a child process, so this process measures only what the import uses. */
function seedInChild(env, log) {
  const r = spawnSync(process.execPath, [CLI, 'seed', 'demo', '--city', '1503'], { env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`seeding failed: ${r.stderr || r.stdout}`);
  log(r.stdout.trim().split('\n').pop());
}

/** A fresh, migrated, demo-seeded database: PGlite in a temp dir, or a new database on DATABASE_URL. */
async function freshDatabase(kind, dir, piiKey, openDatabase, log) {
  if (kind === 'pglite') {
    seedInChild({ GRIDWORK_DATA_DIR: dir, GRIDWORK_PII_KEY: piiKey, DATABASE_URL: '' }, log);
    const database = await openDatabase({ dataDir: dir });
    return { database, drop: () => database.close() };
  }
  const url = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('--db postgres needs DATABASE_URL (a user allowed to CREATE DATABASE)');
  const name = `gridwork_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const drop = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => c.end());
  };
  try {
    seedInChild({ DATABASE_URL: u.toString(), GRIDWORK_PII_KEY: piiKey, GRIDWORK_DATA_DIR: dir }, log);
  } catch (e) {
    await drop();
    throw e;
  }
  const database = await openDatabase({ databaseUrl: u.toString() });
  return {
    database,
    drop: async () => {
      await database.close();
      await drop();
    },
  };
}

const COLUMNS = 'name text, id_number text, phone text, ethnicity text, political_status text, registered_address text, address text, region_code text';
const MIN_COLUMNS = 'name, id_enc, id_hash, id_masked, sex, birth_date, phone_enc, phone_hash, phone_masked, ethnicity, registered_address, house_id, region_path, political_status, status';
const PERSON_COLUMNS = 'name, name_grams, id_enc, id_hash, id_masked, sex, birth_date, phone_enc, phone_hash, phone_masked, ethnicity, registered_address, house_id, region_path, political_status, status, tags, provenance';

/** Raw COPY of a CSV file into a table; returns milliseconds. */
async function copyFile(database, table, file) {
  const t0 = performance.now();
  if (database.kind === 'pglite') {
    await database.pglite.query(`COPY ${table} FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob: await fs.openAsBlob(file) });
  } else {
    const client = await database.pool.connect();
    try {
      await pipeline(fs.createReadStream(file), client.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT csv, HEADER true)`)));
    } finally {
      client.release();
    }
  }
  return performance.now() - t0;
}

/** Dump the persons rows as CSV (untimed), for the "same rows, straight COPY" floor. */
async function dumpPersons(database, file, columns = PERSON_COLUMNS) {
  const query = `COPY (SELECT ${columns} FROM persons) TO STDOUT WITH (FORMAT csv, HEADER true)`;
  if (database.kind === 'pglite') {
    const r = await database.pglite.query(query.replace('STDOUT', "'/dev/blob'"));
    await fs.promises.writeFile(file, Buffer.from(await r.blob.arrayBuffer()));
  } else {
    const client = await database.pool.connect();
    try {
      await pipeline(client.query(copyTo(query)), fs.createWriteStream(file));
    } finally {
      client.release();
    }
  }
}

/**
 * CPU a row's personal information costs before it can be stored, whatever else the import
 * does: the ID and the phone each encrypted (AES-256-GCM) and blind-indexed (HMAC-SHA256), with
 * the server's own cipher, on this thread, over at least a second after a warm-up.
 */
function piiCryptoCost(pii) {
  const pass = (n) => {
    for (let i = 0; i < n; i++) {
      const id = `15030219491231${String(1000 + (i % 9000))}`;
      const phone = `138${String(10_000_000 + i)}`;
      pii.encrypt(id);
      pii.blindIndex('id', id);
      pii.encrypt(phone);
      pii.blindIndex('phone', phone);
    }
  };
  pass(20_000);
  let rows = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000) {
    pass(20_000);
    rows += 20_000;
  }
  const microsPerRow = ((performance.now() - t0) * 1000) / rows;
  return { microsPerRow, rowsPerCoreSecond: 1e6 / microsPerRow };
}

/** A full collection, so the memory baseline is not inflated by the file generator's garbage. */
function collectGarbage() {
  v8.setFlagsFromString('--expose-gc');
  vm.runInNewContext('gc')();
}

async function countRows(db, table) {
  const r = await db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`));
  return r.rows[0].n;
}

// ---- the scenario -----------------------------------------------------------------------------

export async function run({ db, quick, log }) {
  const N = quick ? 50_000 : 1_000_000;
  const { openDatabase } = await load('platform/db/client.js');
  const { createServices } = await load('app.js');
  const { loadConfig } = await load('platform/config.js');
  const { SYSTEM_CONTEXT } = await load('platform/audit/index.js');
  const { actorFromUser } = await load('platform/auth/service.js');
  const { authRepo } = await load('platform/auth/repo.js');
  const { sha256File } = await load('modules/imports/fileReader.js');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-bench-import-'));
  const piiKey = randomBytes(32).toString('hex');
  log('seeding the demo city (乌海市) in a child process …');
  const { database, drop } = await freshDatabase(db, dir, piiKey, openDatabase, log);
  try {
    const services = createServices(database, loadConfig({ GRIDWORK_DATA_DIR: dir, GRIDWORK_PII_KEY: piiKey, LOG_LEVEL: 'silent' }));
    const grids = (await database.db.execute(sql`SELECT code FROM regions WHERE level = 'grid' ORDER BY code`)).rows.map((r) => r.code);
    const houses = (await database.db.execute(sql`SELECT address FROM houses ORDER BY id LIMIT 20000`)).rows.map((r) => r.address.replaceAll(',', '，'));
    const before = await countRows(database.db, 'persons');

    const file = path.join(dir, 'people.csv');
    log(`writing ${N.toLocaleString('en-US')} rows (${houses.length} demo house addresses, ${grids.length} grids) …`);
    await writeCsv(file, N, houses, grids);
    const size = fs.statSync(file).size;
    const sha256 = await sha256File(file);
    const actor = actorFromUser(await authRepo.findByUsername(database.db, 'admin'));

    // Before the import, on a quiet process: what its mandatory cryptography costs per row.
    const crypto = piiCryptoCost(services.pii);

    // Peak resident memory of the whole process (PGlite runs inside it) while the import runs,
    // after collecting what writing the file left behind. `external` is mostly PGlite's heap.
    collectGarbage();
    const rssBefore = process.memoryUsage().rss;
    const peak = { rss: rssBefore, heap: 0, external: 0 };
    const sample = () => {
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heap = Math.max(peak.heap, m.heapUsed);
      peak.external = Math.max(peak.external, m.external);
    };
    const sampler = setInterval(sample, 100);
    let lastLog = 0;
    const t0 = performance.now();
    const batch = await services.imports.runNow(
      actor,
      { filePath: file, fileName: 'people.csv', sha256, source: '公安局', kind: 'people' },
      SYSTEM_CONTEXT,
      (p) => {
        if (performance.now() - lastLog < 5000) return;
        lastLog = performance.now();
        log(`${Math.round(p.fraction * 100)}%  ${p.counts.totalRows.toLocaleString('en-US')} rows  ${Math.round((p.counts.totalRows / p.elapsedMs) * 1000).toLocaleString('en-US')} rows/s  rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`);
      },
    );
    const importMs = performance.now() - t0;
    clearInterval(sampler);
    sample();
    if (batch.status !== 'done') throw new Error(`import ${batch.status}: ${batch.message}`);
    const landed = (await countRows(database.db, 'persons')) - before;
    log(`import: ${(importMs / 1000).toFixed(1)} s; created ${batch.created}, updated ${batch.updated}, unchanged ${batch.unchanged}, errors ${batch.errorRows}, conflicts ${batch.conflicts}`);

    log('baseline: COPY of the same file into a bare table …');
    await database.db.execute(sql.raw(`CREATE TABLE bench_copy (${COLUMNS})`));
    const copyMs = await copyFile(database, 'bench_copy', file);
    const copied = await countRows(database.db, 'bench_copy');

    log('floor: COPY of the resulting persons rows into a copy of the persons table (same indexes) …');
    const dump = path.join(dir, 'persons.csv');
    await dumpPersons(database, dump);
    await database.db.execute(sql.raw('CREATE TABLE bench_persons (LIKE persons INCLUDING ALL)'));
    const floorMs = await copyFile(database, `bench_persons (${PERSON_COLUMNS})`, dump);
    const floorRows = await countRows(database.db, 'bench_persons');

    log('floor without indexes: the same rows into a bare table with the persons columns …');
    await database.db.execute(sql.raw('CREATE TABLE bench_persons_bare (LIKE persons INCLUDING DEFAULTS)'));
    const bareMs = await copyFile(database, `bench_persons_bare (${PERSON_COLUMNS})`, dump);
    const bareRows = await countRows(database.db, 'bench_persons_bare');

    // The least any registry meeting the rules must write: the finished row without
    // provenance, into a table whose only index beside the key is the unique ID blind index
    // (lookup and merge by ID need it). Whatever the import does, it cannot beat this.
    log('floor, minimal: the rows without provenance into a table with only the key and the unique ID index …');
    const minDump = path.join(dir, 'persons-min.csv');
    await dumpPersons(database, minDump, MIN_COLUMNS);
    await database.db.execute(sql.raw('CREATE TABLE bench_persons_min (LIKE persons INCLUDING DEFAULTS)'));
    await database.db.execute(sql.raw('ALTER TABLE bench_persons_min ADD PRIMARY KEY (id), ADD UNIQUE (id_hash)'));
    const minMs = await copyFile(database, `bench_persons_min (${MIN_COLUMNS})`, minDump);
    const minRows = await countRows(database.db, 'bench_persons_min');

    const importRate = (N / importMs) * 1000;
    const copyRate = (copied / copyMs) * 1000;
    const floorRate = (floorRows / floorMs) * 1000;
    const bareRate = (bareRows / bareMs) * 1000;
    const minRate = (minRows / minMs) * 1000;
    const ratio = importRate / copyRate;
    return {
      metrics: [
        { metric: 'import.rate', value: importRate, unit: 'rows/s', baseline: copyRate },
        { metric: 'import.copy_ratio', value: ratio, unit: '×', ...(db === 'postgres' ? { target: '>= 0.4' } : {}) },
        { metric: 'import.peak_rss', value: peak.rss / 1048576, unit: 'MB', ...(db === 'postgres' ? { target: '<= 500' } : {}) },
        { metric: 'persons_copy_floor.rate', value: floorRate, unit: 'rows/s', baseline: copyRate },
        { metric: 'persons_bare_floor.rate', value: bareRate, unit: 'rows/s', baseline: copyRate },
        { metric: 'persons_min_floor.rate', value: minRate, unit: 'rows/s', baseline: copyRate },
        { metric: 'pii_crypto.rate', value: crypto.rowsPerCoreSecond, unit: 'rows/s per core', baseline: copyRate },
      ],
      notes: [
        `${N.toLocaleString('en-US')} rows, ${(size / 1048576).toFixed(0)} MB CSV; import ${(importMs / 1000).toFixed(1)} s, COPY ${(copyMs / 1000).toFixed(1)} s`,
        `import counts: created ${batch.created}, updated ${batch.updated}, unchanged ${batch.unchanged}, error rows ${batch.errorRows}, conflicts ${batch.conflicts}; persons +${landed}`,
        `RSS before the import ${Math.round(rssBefore / 1048576)} MB (server code and database open), peak during it ${Math.round(peak.rss / 1048576)} MB; peak JS heap ${Math.round(peak.heap / 1048576)} MB, peak external ${Math.round(peak.external / 1048576)} MB${db === 'pglite' ? ' (mostly the embedded database)' : ''}`,
        'persons_copy_floor: COPY of the finished persons rows (encrypted ID and phone, hashes, masks, name grams, provenance) into a table with the persons indexes — what any import must at least pay to write them',
        `persons_min_floor: the same rows without provenance (${(fs.statSync(minDump).size / minRows).toFixed(0)} bytes a row as CSV) into a table with only the key and the unique ID blind index — the least a registry with encrypted, blind-indexed IDs must write`,
        `pii_crypto: the encryption (AES-256-GCM) and blind index (HMAC-SHA256) of one ID and one phone, ${crypto.microsPerRow.toFixed(1)} µs of one core a row — ${(((0.4 * copyRate) / crypto.rowsPerCoreSecond)).toFixed(1)} cores for this alone at 0.4 of raw COPY (this machine has ${os.availableParallelism()})`,
        `persons_bare_floor: the same rows into a table with no index at all (${(fs.statSync(dump).size / floorRows).toFixed(0)} bytes a row as CSV, against ${(size / N).toFixed(0)} in the file) — what writing rows this wide costs before any index`,
      ],
    };
  } finally {
    await drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
