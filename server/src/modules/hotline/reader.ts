import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../platform/errors/index.js';
import { detectEncoding, FileReadError, formatOf, openSheet, type Sheet } from '../imports/fileReader.js';
import { FEED_FIELDS, REQUIRED_FIELDS, fieldOfHeader, recordFromObject, type FeedField, type RawRecord, type RowError } from './feed.js';

/** One record of a feed, numbered as the sender sees it (CSV: the spreadsheet row, header = 1; JSON: 1-based position). */
export interface FeedRow {
  row: number;
  record: RawRecord;
  /** Set when the row is not a record at all (a JSON array element that is not an object). */
  problem?: RowError;
}

export interface Feed {
  format: 'json' | 'csv' | 'xlsx';
  rows: AsyncIterable<FeedRow>;
  close(): void;
}

const invalid = (zh: string, en: string) => new AppError('hotline.invalid_feed', { detail: { zh, en } });

/** A parsed JSON feed: an array of records, or an object with a `tickets` array. */
export function feedFromJson(value: unknown): Feed {
  const list = Array.isArray(value) ? value : value && typeof value === 'object' && Array.isArray((value as { tickets?: unknown }).tickets) ? (value as { tickets: unknown[] }).tickets : null;
  if (!list) throw invalid('应为工单数组，或 {"tickets": [...]}', 'expected an array of tickets or {"tickets": [...]}');
  async function* rows(): AsyncGenerator<FeedRow> {
    for (const [i, v] of list!.entries()) {
      if (v && typeof v === 'object' && !Array.isArray(v)) yield { row: i + 1, record: recordFromObject(v as Record<string, unknown>) };
      else yield { row: i + 1, record: {}, problem: { field: 'row', rule: 'type', reason: { zh: '每条工单应为一个 JSON 对象', en: 'each ticket must be a JSON object' } } };
    }
  }
  return { format: 'json', rows: rows(), close: () => undefined };
}

/** Decode a JSON feed's bytes (UTF-8, or GBK from older systems) and parse it. */
export function feedFromJsonBytes(buf: Buffer): Feed {
  const text = detectEncoding(buf) === 'utf-8' ? buf.toString('utf8').replace(/^\uFEFF/, '') : new TextDecoder('gb18030').decode(buf);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw invalid(`不是合法的 JSON：${(e as Error).message}`, `not valid JSON: ${(e as Error).message}`);
  }
  return feedFromJson(value);
}

function label(f: FeedField): string {
  return `${FEED_FIELDS[f].zh}（${f}）`;
}

/** A CSV (UTF-8 or GBK) or XLSX feed file, read row by row with the imports module's reader. */
export async function feedFromSheetFile(filePath: string, fileName: string): Promise<Feed> {
  const format = formatOf(fileName);
  if (!format) throw invalid('仅支持 .json、.csv 和 .xlsx 文件', 'only .json, .csv and .xlsx files');
  let sheet: Sheet;
  try {
    sheet = await openSheet(filePath, format);
  } catch (e) {
    if (e instanceof FileReadError) throw invalid(e.message, e.message);
    throw e;
  }
  const columns = sheet.headers.map((h) => fieldOfHeader(h));
  const has = (f: FeedField) => columns.includes(f);
  const missing = REQUIRED_FIELDS.filter((f) => !has(f));
  if (!has('address') && !(has('lng') && has('lat'))) missing.push('address');
  if (missing.length) {
    sheet.close();
    throw invalid(`缺少列：${missing.map(label).join('、')}`, `missing column(s): ${missing.join(', ')}`);
  }
  async function* rows(): AsyncGenerator<FeedRow> {
    try {
      for await (const r of sheet.rows) {
        if (r.cells.every((c) => !c)) continue; // blank line
        const record: RawRecord = {};
        columns.forEach((f, i) => {
          if (f && !(f in record)) record[f] = r.cells[i] ?? '';
        });
        yield { row: r.rowNo, record };
      }
    } catch (e) {
      if (e instanceof FileReadError) throw invalid(e.message, e.message);
      throw e;
    } finally {
      sheet.close();
    }
  }
  return { format, rows: rows(), close: () => sheet.close() };
}

/** A feed file on disk: .json, .csv/.txt or .xlsx. */
export async function feedFromFile(filePath: string, fileName = path.basename(filePath)): Promise<Feed> {
  if (fileName.toLowerCase().endsWith('.json')) {
    let buf: Buffer;
    try {
      buf = await fs.promises.readFile(filePath);
    } catch {
      throw invalid(`找不到文件 ${filePath}`, `cannot read ${filePath}`);
    }
    return feedFromJsonBytes(buf);
  }
  return feedFromSheetFile(filePath, fileName);
}

/**
 * Run `fn` over a feed held in memory as CSV: the bytes go to a private temporary file so the
 * same reader (encoding detection, quoting rules) serves files and request bodies alike.
 */
export async function withCsvBytes<T>(bytes: Buffer, fn: (feed: Feed) => Promise<T>): Promise<T> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'gw-hotline-'));
  const file = path.join(dir, `${randomUUID()}.csv`);
  try {
    await fs.promises.writeFile(file, bytes, { mode: 0o600 });
    const feed = await feedFromSheetFile(file, 'feed.csv');
    try {
      return await fn(feed);
    } finally {
      feed.close();
    }
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
