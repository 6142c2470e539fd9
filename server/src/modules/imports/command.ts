import fs from 'node:fs';
import path from 'node:path';
import type { AuditContext } from '../../platform/audit/index.js';
import type { Actor } from '../../platform/scope/index.js';
import { KIND_LABEL, type ImportKind } from './fields.js';
import { sha256File } from './fileReader.js';
import type { ImportProgress } from './importRunner.js';
import type { ImportService } from './service.js';

export interface ImportCommandOptions {
  source: string;
  kind: ImportKind;
  mapping?: string;
  dryRun?: boolean;
}

const num = (n: number) => Math.round(n).toLocaleString('en-US');

/** One line redrawn in place: bar, share of the file, rows, rows/s, errors. */
function progressLine(p: ImportProgress): string {
  const width = 24;
  const filled = Math.round(p.fraction * width);
  const rate = p.elapsedMs ? (p.counts.totalRows / p.elapsedMs) * 1000 : 0;
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.round(p.fraction * 100)).padStart(3)}%  ${num(p.counts.totalRows)} 行  ${num(rate)} 行/秒  错误 ${num(p.counts.errorRows)}`;
}

/**
 * `gridwork import <file>`: the same pipeline as the web upload, in the foreground, with a
 * progress bar on stderr and a summary on stdout. Resolves to the exit code.
 */
export async function importCommand(imports: ImportService, actor: Actor, file: string, opts: ImportCommandOptions, reportDir: string): Promise<number> {
  const ctx: AuditContext = { actor, ip: null, requestId: 'cli' };
  const tty = process.stderr.isTTY;
  const filePath = path.resolve(file);
  if (!fs.existsSync(filePath)) throw new Error(`找不到文件 ${filePath}`);
  const batch = await imports.runNow(
    actor,
    { filePath, fileName: path.basename(filePath), sha256: await sha256File(filePath), source: opts.source, kind: opts.kind, mappingName: opts.mapping, dryRun: opts.dryRun },
    ctx,
    (p) => process.stderr.write(tty ? `\r${progressLine(p)}` : `${progressLine(p)}\n`),
  );
  if (tty) process.stderr.write('\n');
  const secs = batch.startedAt && batch.finishedAt ? (Date.parse(batch.finishedAt) - Date.parse(batch.startedAt)) / 1000 : 0;
  const title = `${batch.dryRun ? '试导入' : '导入'}${batch.status === 'done' ? '完成' : '失败'}（批次 #${batch.id}，${batch.source} → ${KIND_LABEL[opts.kind]}，范围 ${batch.regionCode}）`;
  console.log(title);
  if (batch.message) console.log(`  ${batch.message}`);
  console.log(`  读取 ${num(batch.totalRows)} 行：可导入 ${num(batch.okRows)}，有错误 ${num(batch.errorRows)}`);
  console.log(`  ${batch.dryRun ? '预计' : ''}新增 ${num(batch.created)}，更新 ${num(batch.updated)}，未变 ${num(batch.unchanged)}，新冲突 ${num(batch.conflicts)}`);
  if (secs) console.log(`  用时 ${secs.toFixed(1)} 秒（${num(batch.totalRows / secs)} 行/秒）`);
  const report = path.join(reportDir, `import-${batch.id}-errors.csv`);
  const n = await imports.writeReport(batch.id, report);
  if (n) console.log(`错误报告（${num(n)} 条错误或警告）：${report}`);
  else await fs.promises.rm(report, { force: true });
  return batch.status === 'done' ? 0 : 1;
}
