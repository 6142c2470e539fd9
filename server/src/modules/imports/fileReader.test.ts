import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { cellText, detectEncoding, FileReadError, formatOf, inBatches, openSheet, sha256File, type SheetRow } from './fileReader.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-reader-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
}

async function readAll(file: string, format: 'csv' | 'xlsx') {
  const sheet = await openSheet(file, format);
  const rows: SheetRow[] = [];
  for await (const r of sheet.rows) rows.push(r);
  sheet.close();
  return { sheet, rows };
}

/** 张三 and 李四 in GBK, written byte by byte as Excel in China saves them. */
const GBK: Record<string, number[]> = { 姓: [0xd0, 0xd5], 名: [0xc3, 0xfb], 张: [0xd5, 0xc5], 三: [0xc8, 0xfd], 李: [0xc0, 0xee], 四: [0xcb, 0xc4] };
const gbk = (s: string) => Buffer.from([...s].flatMap((c) => GBK[c] ?? [c.charCodeAt(0)]));

describe('CSV reader', () => {
  it('reads UTF-8 with a BOM, numbering rows as a spreadsheet does', async () => {
    const { sheet, rows } = await readAll(write('a.csv', '\uFEFF姓名,身份证号\r\n张三,150302198001010011\r\n\r\n"李,四",x\r\n'), 'csv');
    expect(sheet.encoding).toBe('utf-8');
    expect(sheet.headers).toEqual(['姓名', '身份证号']);
    expect(rows).toEqual([
      { rowNo: 2, cells: ['张三', '150302198001010011'] },
      { rowNo: 3, cells: [''] },
      { rowNo: 4, cells: ['李,四', 'x'] },
    ]);
  });

  it('reads UTF-8 without a BOM and tab-separated text', async () => {
    const { sheet, rows } = await readAll(write('b.csv', '姓名\t电话\n张三\t138\n'), 'csv');
    expect(sheet.headers).toEqual(['姓名', '电话']);
    expect(rows[0]!.cells).toEqual(['张三', '138']);
  });

  it('detects GB18030/GBK by the first chunk not being UTF-8', async () => {
    expect(detectEncoding(Buffer.from('姓名'))).toBe('utf-8');
    expect(detectEncoding(gbk('姓名'))).toBe('gb18030');
    const { sheet, rows } = await readAll(write('c.csv', gbk('姓名,x\r\n张三,1\r\n李四,2\r\n')), 'csv');
    expect(sheet.encoding).toBe('gb18030');
    expect(sheet.headers).toEqual(['姓名', 'x']);
    expect(rows.map((r) => r.cells[0])).toEqual(['张三', '李四']);
  });

  it('refuses an empty file', async () => {
    await expect(openSheet(write('d.csv', ''), 'csv')).rejects.toBeInstanceOf(FileReadError);
    await expect(openSheet(path.join(dir, 'missing.csv'), 'csv')).rejects.toBeInstanceOf(FileReadError);
  });

  it('hands out the same rows in batches, the last one short', async () => {
    const file = write('batches.csv', ['a,b', ...Array.from({ length: 7 }, (_, i) => `${i},x`)].join('\n'));
    const sheet = await openSheet(file, 'csv');
    const out: SheetRow[][] = [];
    for await (const b of sheet.batches(3)) out.push(b);
    sheet.close();
    expect(out.map((b) => b.map((r) => r.rowNo))).toEqual([[2, 3, 4], [5, 6, 7], [8]]);
    expect(out.flat()).toEqual((await readAll(file, 'csv')).rows);
  });

  it('names the row near a parse error, reading row by row or in batches', async () => {
    const file = write('broken.csv', 'a,b\n1,x\n2,"never closed\n3,y\n');
    const byRow = await readAll(file, 'csv').catch((e: Error) => e);
    const sheet = await openSheet(file, 'csv');
    const byBatch = await (async () => {
      for await (const _ of sheet.batches(10)) void _;
    })().catch((e: Error) => e);
    sheet.close();
    expect(byRow).toBeInstanceOf(FileReadError);
    expect(byBatch).toBeInstanceOf(FileReadError);
    expect((byBatch as Error).message).toBe((byRow as Error).message);
    expect((byBatch as Error).message).toMatch(/^第 3 行附近/);
  });

  it('reports progress by bytes read', async () => {
    const body = '姓名\n' + Array.from({ length: 50_000 }, (_, i) => `居民${i}`).join('\n');
    const sheet = await openSheet(write('e.csv', body), 'csv');
    let n = 0;
    for await (const _ of sheet.rows) if (++n === 10) break;
    expect(sheet.bytesRead()).toBeLessThan(sheet.size);
    sheet.close();
  });
});

describe('XLSX reader', () => {
  it('reads the first sheet, first row as headers, cells as text', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.addRow(['姓名', '身份证号', '电话', '面积', '出生']);
    ws.addRow(['张三', '150302198001010011', 13800000000, 88.5, new Date(Date.UTC(1980, 0, 1))]);
    ws.addRow([]);
    ws.addRow([{ richText: [{ text: '李' }, { text: '四' }] }, 150302198001010011, null, { formula: '1+1', result: 2 }]);
    wb.addWorksheet('第二页').addRow(['忽略']);
    const file = path.join(dir, 'a.xlsx');
    await wb.xlsx.writeFile(file);
    const { sheet, rows } = await readAll(file, 'xlsx');
    expect(sheet.headers).toEqual(['姓名', '身份证号', '电话', '面积', '出生']);
    expect(rows[0]).toEqual({ rowNo: 2, cells: ['张三', '150302198001010011', '13800000000', '88.5', expect.any(String)] });
    // An 18-digit number cannot be exact in Excel: it keeps its exponent so validation can say so.
    expect(rows[rows.length - 1]).toEqual({ rowNo: 4, cells: ['李四', '1.50302198001010e+17', '', '2'] });
  });

  it('refuses a file that is not a workbook', async () => {
    await expect(openSheet(write('bad.xlsx', 'not a zip'), 'xlsx')).rejects.toBeInstanceOf(FileReadError);
  });

  it('turns cell values into text', () => {
    expect(cellText(true)).toBe('是');
    expect(cellText(new Date(Date.UTC(2024, 1, 29)))).toBe('2024-02-29');
    expect(cellText({ text: '链接', hyperlink: 'http://x' })).toBe('链接');
    expect(cellText({ error: '#N/A' })).toBe('');
  });
});

describe('helpers', () => {
  it('groups rows into batches, the last one short', async () => {
    async function* gen() {
      for (let i = 0; i < 7; i++) yield i;
    }
    const out: number[][] = [];
    for await (const b of inBatches(gen(), 3)) out.push(b);
    expect(out).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('knows formats by extension and hashes files', async () => {
    expect(formatOf('民政局.CSV')).toBe('csv');
    expect(formatOf('a.xlsx')).toBe('xlsx');
    expect(formatOf('a.xls')).toBeNull();
    expect(await sha256File(write('h.txt', 'abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
