import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';

/**
 * Reads a department's spreadsheet row by row: CSV (UTF-8 with or without BOM, or the
 * GB18030/GBK that Excel in China writes) or XLSX (first sheet). Rows come out through async
 * iteration with backpressure, so a million-row file never sits in memory.
 */
export type FileFormat = 'csv' | 'xlsx';

export interface SheetRow {
  /** Row number as a spreadsheet shows it: the header is row 1. */
  rowNo: number;
  cells: string[];
}

export interface Sheet {
  format: FileFormat;
  encoding: 'utf-8' | 'gb18030' | null;
  headers: string[];
  rows: AsyncIterable<SheetRow>;
  /**
   * The same rows grouped `size` at a time (the last group short). Reads the same stream as
   * `rows`: use one or the other. For CSV it takes whatever rows the parser has ready at once
   * instead of awaiting each row, which a million-row import notices.
   */
  batches(size: number): AsyncIterable<SheetRow[]>;
  /** How far into the file the reader is, for a progress bar. */
  bytesRead(): number;
  size: number;
  close(): void;
}

/** The file could not be read at all (not a spreadsheet, corrupt, no header row). */
export class FileReadError extends Error {}

export function formatOf(fileName: string): FileFormat | null {
  const ext = fileName.toLowerCase().split('.').pop();
  return ext === 'csv' || ext === 'txt' ? 'csv' : ext === 'xlsx' ? 'xlsx' : null;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const PROBE_BYTES = 64 * 1024;

async function probe(file: string): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(PROBE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, PROBE_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** UTF-8 unless the first chunk is not valid UTF-8; then GB18030 (a superset of GBK and GB2312). */
export function detectEncoding(head: Buffer): 'utf-8' | 'gb18030' {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  try {
    // `stream: true` tolerates a character cut at the end of the chunk.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

function decoder(encoding: string): Transform {
  const d = new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cb(null, d.decode(chunk, { stream: true }));
    },
    flush(cb) {
      cb(null, d.decode());
    },
  });
}

/** Pull the first item off an async iterator as the header, hand the rest on. */
async function splitHeader<T>(source: AsyncIterable<T>): Promise<{ first: T | undefined; rest: AsyncIterator<T> }> {
  const it = source[Symbol.asyncIterator]();
  const r = await it.next();
  return { first: r.done ? undefined : r.value, rest: it };
}

function iterate<T>(it: AsyncIterator<T>): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => it };
}

/**
 * A parser's records as they become ready: everything buffered at once, one array per wake-up,
 * so there is no promise per record. Ends with the stream; throws its error.
 */
async function* recordChunks(parser: Readable): AsyncGenerator<string[][]> {
  let ended = false;
  let failed: Error | null = null;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const onEnd = () => {
    ended = true;
    poke();
  };
  const onError = (e: Error) => {
    failed = e;
    poke();
  };
  parser.on('readable', poke).on('end', onEnd).on('error', onError);
  try {
    for (;;) {
      if (failed) throw failed;
      const out: string[][] = [];
      for (let r = parser.read() as string[] | null; r !== null; r = parser.read() as string[] | null) out.push(r);
      if (out.length) yield out;
      else if (ended) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    parser.off('readable', poke).off('end', onEnd).off('error', onError);
  }
}

async function openCsv(file: string, size: number): Promise<Sheet> {
  const head = await probe(file);
  const encoding = detectEncoding(head);
  const firstLine = (encoding === 'utf-8' ? head.toString('utf8') : new TextDecoder(encoding).decode(head)).split(/\r?\n/, 1)[0] ?? '';
  // Some departments export tab-separated text with a .csv name.
  const delimiter = !firstLine.includes(',') && firstLine.includes('\t') ? '\t' : ',';
  const input = fs.createReadStream(file, { highWaterMark: PROBE_BYTES });
  const parser = parse({ bom: true, delimiter, relax_column_count: true, relax_quotes: true, trim: true, skip_empty_lines: false });
  const decoded: Readable = encoding === 'utf-8' ? input : input.pipe(decoder(encoding));
  decoded.on('error', (e) => parser.destroy(e));
  decoded.pipe(parser);
  const close = () => {
    input.destroy();
    parser.destroy();
  };
  try {
    const chunks = recordChunks(parser);
    let first: string[] | undefined;
    let pending: string[][] = [];
    const head = await chunks.next();
    if (!head.done) [first, ...pending] = head.value;
    if (!first || first.every((c) => !c)) throw new FileReadError('文件为空或第一行没有表头');
    let rowNo = 1;
    const fail = (e: unknown) => new FileReadError(`第 ${rowNo + 1} 行附近无法解析：${(e as Error).message}`);
    async function* rest(): AsyncGenerator<string[][]> {
      if (pending.length) yield pending;
      pending = [];
      yield* iterate(chunks);
    }
    async function* rows(): AsyncGenerator<SheetRow> {
      try {
        for await (const chunk of rest()) for (const cells of chunk) yield { rowNo: ++rowNo, cells };
      } catch (e) {
        throw fail(e);
      }
    }
    async function* batches(size: number): AsyncGenerator<SheetRow[]> {
      let batch: SheetRow[] = [];
      try {
        for await (const chunk of rest()) {
          for (const cells of chunk) {
            batch.push({ rowNo: ++rowNo, cells });
            if (batch.length >= size) {
              yield batch;
              batch = [];
            }
          }
        }
      } catch (e) {
        throw fail(e);
      }
      if (batch.length) yield batch;
    }
    return { format: 'csv', encoding, headers: first, rows: rows(), batches, bytesRead: () => input.bytesRead, size, close };
  } catch (e) {
    close();
    if (e instanceof FileReadError) throw e;
    throw new FileReadError(`无法读取 CSV 文件：${(e as Error).message}`);
  }
}

/** An Excel cell as text. Numbers too long to be exact (an ID number typed as a number) keep their exponent, so validation can say so. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return Number.isSafeInteger(v) || !Number.isInteger(v) ? String(v) : v.toPrecision(15);
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('').trim();
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if (o.error) return '';
  }
  return String(v).trim();
}

interface XlsxRow {
  number: number;
  values: unknown[] | Record<string, unknown>;
}

/**
 * exceljs's streaming reader sometimes meets a worksheet before it has parsed workbook.xml and
 * fails with "reading 'sheets'" (seen under CPU load); reading the same file again succeeds, so
 * that one failure is retried a few times before the file is called unreadable.
 */
async function openXlsx(file: string, size: number): Promise<Sheet> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openXlsxOnce(file, size);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof FileReadError) || !/reading 'sheets'/.test(e.message)) throw e;
    }
  }
}

async function openXlsxOnce(file: string, size: number): Promise<Sheet> {
  const input = fs.createReadStream(file);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', entries: 'ignore' });
  const close = () => input.destroy();
  const cellsOf = (row: XlsxRow) => {
    const vals = Array.isArray(row.values) ? row.values : [];
    // exceljs rows are 1-based and sparse.
    const out: string[] = [];
    for (let i = 1; i < vals.length; i++) out.push(cellText(vals[i]));
    return out;
  };
  try {
    const { first: sheet } = await splitHeader(reader as unknown as AsyncIterable<AsyncIterable<XlsxRow>>);
    if (!sheet) throw new FileReadError('工作簿中没有工作表');
    const { first, rest } = await splitHeader(sheet);
    if (!first) throw new FileReadError('第一个工作表为空');
    const headers = cellsOf(first);
    if (headers.every((c) => !c)) throw new FileReadError('第一个工作表的第一行没有表头');
    async function* rows(): AsyncGenerator<SheetRow> {
      try {
        for await (const row of iterate(rest)) yield { rowNo: row.number, cells: cellsOf(row) };
      } catch (e) {
        throw new FileReadError(`无法继续读取工作表：${(e as Error).message}`);
      }
    }
    const all = rows();
    return { format: 'xlsx', encoding: null, headers, rows: all, batches: (n) => inBatches(all, n), bytesRead: () => input.bytesRead, size, close };
  } catch (e) {
    close();
    if (e instanceof FileReadError) throw e;
    throw new FileReadError(`无法读取 Excel 文件（仅支持 .xlsx）：${(e as Error).message}`);
  }
}

export async function openSheet(file: string, format: FileFormat): Promise<Sheet> {
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch {
    throw new FileReadError(`找不到文件 ${file}`);
  }
  return format === 'csv' ? openCsv(file, size) : openXlsx(file, size);
}

/** Group rows into batches; the source is pulled only as fast as batches are consumed. */
export async function* inBatches<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
