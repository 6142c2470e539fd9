import { PassThrough, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';

export interface Column<T> {
  title: string;
  value: (row: T) => string | number | null | undefined;
}

export type TabularFormat = 'csv' | 'xlsx';

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // Quote when needed; prefix formula-like text so spreadsheets do not execute it.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Stream rows as CSV (UTF-8 with BOM, so Excel opens Chinese text) or XLSX, page by page:
 * a city-sized list never sits in memory. Returns the stream to send and a promise of the count.
 */
export function streamTable<T>(format: TabularFormat, columns: Column<T>[], pages: AsyncIterable<T[]>, sheetName = 'Sheet1'): { stream: PassThrough; done: Promise<number> } {
  const out = new PassThrough();
  const done = (async () => {
    let n = 0;
    if (format === 'csv') {
      out.write('\uFEFF' + columns.map((c) => csvCell(c.title)).join(',') + '\r\n');
      for await (const page of pages) {
        const chunk = page.map((r) => columns.map((c) => csvCell(c.value(r))).join(',')).join('\r\n');
        if (page.length && !out.write(chunk + '\r\n')) await new Promise((r) => out.once('drain', r));
        n += page.length;
      }
      out.end();
      return n;
    }
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out as unknown as Writable, useStyles: true });
    const ws = wb.addWorksheet(sheetName);
    ws.columns = columns.map((c) => ({ header: c.title, width: Math.max(10, c.title.length * 2 + 4) }));
    ws.getRow(1).font = { bold: true };
    for await (const page of pages) {
      for (const r of page) ws.addRow(columns.map((c) => c.value(r) ?? null)).commit();
      n += page.length;
    }
    await wb.commit();
    return n;
  })();
  done.catch((e) => out.destroy(e as Error));
  return { stream: out, done };
}

export function contentTypeOf(format: TabularFormat): string {
  return format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
}

/** RFC 6266 filename with a UTF-8 variant for Chinese names. */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Walk a cursor-paged list to the end, page by page, for streamTable. */
export async function* cursorPages<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): AsyncIterable<T[]> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
