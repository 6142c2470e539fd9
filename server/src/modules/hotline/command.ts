import fs from 'node:fs';
import path from 'node:path';
import type { AuditContext } from '../../platform/audit/index.js';
import type { Actor } from '../../platform/scope/index.js';
import type { HotlineService, ImportReport } from './service.js';
import { feedFromFile } from './reader.js';

/** The report as the CLI prints it: counts, then one line per error (row, field, reason). */
export function formatReport(r: ImportReport, file: string): string[] {
  const lines = [
    `${r.dryRun ? '试导入' : '导入'} ${file}：共 ${r.total} 行`,
    `  ${r.dryRun ? '将新建' : '新建'}工单 ${r.created}，重复跳过 ${r.duplicates}，错误 ${r.errors}`,
  ];
  for (const row of r.rows) {
    if (row.result !== 'error') continue;
    for (const e of row.errors) lines.push(`  第 ${row.row} 行${row.ticketNo ? `（${row.ticketNo}）` : ''} ${e.field}：${e.reason}`);
  }
  return lines;
}

/**
 * `gridwork hotline import <file>`: the same import as POST /api/hotline/tickets, from a file
 * (.json, .csv or .xlsx). Resolves to the exit code: 0 when every row landed or was a duplicate,
 * 1 when some rows had errors (the valid ones still landed).
 */
export async function hotlineImportCommand(hotline: HotlineService, actor: Actor, file: string, opts: { dryRun?: boolean }): Promise<number> {
  const filePath = path.resolve(file);
  if (!fs.existsSync(filePath)) throw new Error(`找不到文件 ${filePath}`);
  const ctx: AuditContext = { actor, ip: null, requestId: 'cli' };
  const report = await hotline.importFeed(actor, await feedFromFile(filePath), ctx, { dryRun: opts.dryRun, locale: 'zh-CN' });
  for (const l of formatReport(report, path.basename(filePath))) console.log(l);
  return report.errors ? 1 : 0;
}
