import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test/app.js';
import { openSecondConnection } from '../../test/db.js';
import { rows } from '../../platform/db/client.js';
import type { Actor } from '../../platform/scope/index.js';
import { createServices } from '../../app.js';
import { feedFromJson } from './reader.js';
import { hotlineImportCommand } from './command.js';

let t: TestApp;
let clock = new Date('2026-11-22T04:00:00Z');
const now = () => clock;
let admin: string;
let g1: string;
/** A demo building in g1 with an address, and a point inside g1 (the building's). */
let building: { id: number; address: string; lng: number; lat: number; regionCode: string };
const system: Actor = { id: 0, username: 'system', displayName: 'system', role: 'city_admin', scopeCode: '150300000000', scopePath: '1503', department: null };

beforeAll(async () => {
  t = await createTestApp('demo', {}, { now });
  const first = async (code: string) => (await t.services.regions.childrenUnchecked(code))[0]!.code;
  g1 = await first(await first(await first('150302000000')));
  const b = (await t.services.regions.buildings(system, g1, 0, 50)).items.find((x) => x.address)!;
  building = { id: b.id, address: b.address!, lng: b.lng, lat: b.lat, regionCode: b.regionCode };
  admin = await t.login('admin');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

type Json = Record<string, any>;
let seq = 0;
/** A fresh hotline ticket number per call, so tests do not see each other's tickets. */
const no = (tag = 'T') => `${tag}-${process.pid}-${++seq}`;
const row = (ticketNo: string, extra: Json = {}): Json => ({
  ticketNo,
  receivedAt: '2026-11-22 09:15:00',
  callerPhone: '13912345678',
  callerName: '王女士',
  content: '小区门口垃圾无人清运',
  categoryCode: '0301',
  lng: building.lng,
  lat: building.lat,
  ...extra,
});

async function importJson(body: unknown, query = '', cookie = admin) {
  const res = await t.app.inject({ method: 'POST', url: `/api/hotline/tickets${query}`, payload: body as never, headers: { cookie } });
  return { status: res.statusCode, json: res.json() as Json };
}

async function importCsv(bytes: Buffer, query = '') {
  const res = await t.app.inject({ method: 'POST', url: `/api/hotline/tickets${query}`, payload: bytes, headers: { cookie: admin, 'content-type': 'text/csv' } });
  return { status: res.statusCode, json: res.json() as Json };
}

async function hotlineCount(prefix: string): Promise<number> {
  const r = await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM tickets WHERE channel = 'hotline' AND external_id LIKE ${`${prefix}%`}`);
  return r[0]!.n;
}

/** GBK bytes for a string (Node has no GBK encoder; invert the decoder over the two-byte range). */
let gbkTable: Map<string, number[]> | undefined;
function gbk(s: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder('gb18030');
    for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) if (b !== 0x7f) gbkTable.set(dec.decode(Buffer.from([a, b])), [a, b]);
  }
  return Buffer.from([...s].flatMap((c) => (c.charCodeAt(0) < 0x80 ? [c.charCodeAt(0)] : gbkTable!.get(c) ?? [0x3f])));
}

describe('hotline intake: JSON', () => {
  it('creates one ticket per hotline number, even when the feed repeats it', async () => {
    const [a, b] = [no('J'), no('J')];
    const r = await importJson({ tickets: [row(a, { timeLimit: 48 }), row(b, { lng: undefined, lat: undefined, address: `${building.address}2单元301室` }), row(a, { content: '又打来一次' })] });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ dryRun: false, total: 3, created: 2, duplicates: 1, errors: 0 });
    const [first, second, third] = r.json.rows as Json[];
    expect(first).toMatchObject({ row: 1, ticketNo: a, result: 'created' });
    expect(third).toMatchObject({ row: 3, ticketNo: a, result: 'duplicate', ticketId: first!.ticketId, no: first!.no });
    expect(await hotlineCount(a)).toBe(1);

    // Placed: by the point, and by the building the address names.
    const ta = (await t.app.inject({ url: `/api/tickets/${first!.ticketId}`, headers: { cookie: admin } })).json();
    expect(ta).toMatchObject({ channel: 'hotline', externalId: a, reporterName: '王女士', reporterPhone: '139****5678' });
    expect(ta.regionCode.startsWith(g1)).toBe(true);
    const tb = (await t.app.inject({ url: `/api/tickets/${second!.ticketId}`, headers: { cookie: admin } })).json();
    expect([tb.regionCode, tb.buildingId]).toEqual([building.regionCode, building.id]);
    expect(tb.events[0].data.hotline).toMatchObject({ receivedAt: '2026-11-22T01:15:00.000Z', categoryCode: '0301' });

    // The hotline's own limit (48 h from receipt) survives dispatch instead of the catalogue's 24 h.
    const d = (await t.app.inject({ method: 'POST', url: `/api/tickets/${first!.ticketId}/actions/accept`, payload: { dispatch: true }, headers: { cookie: admin } })).json();
    expect(d.status).toBe('dispatched');
    expect(d.resolveDueAt).toBe('2026-11-24T01:15:00.000Z');
  });

  it('imports the same feed twice without creating anything the second time', async () => {
    const feed = [row(no('R')), row(no('R'), { categoryCode: 'CX0102' })];
    const once = await importJson(feed);
    expect(once.json).toMatchObject({ created: 2, duplicates: 0 });
    const twice = await importJson(feed);
    expect(twice.json).toMatchObject({ created: 0, duplicates: 2, errors: 0 });
    expect(twice.json.rows.map((x: Json) => x.ticketId)).toEqual(once.json.rows.map((x: Json) => x.ticketId));
    // CX0102 is a hotline code mapped to 0302 (乱堆物料).
    const mapped = (await t.app.inject({ url: `/api/tickets/${once.json.rows[1].ticketId}`, headers: { cookie: admin } })).json();
    expect(mapped.categoryCode).toBe('0302');
  });

  it('reports malformed rows with row, field and reason, and writes nothing for them', async () => {
    const ok = no('M');
    const bad = Array.from({ length: 7 }, () => no('M'));
    const r = await importJson([
      row(ok),
      { ...row(bad[0]!), ticketNo: undefined },
      row(bad[1]!, { receivedAt: '2026-02-30 10:00:00' }),
      row(bad[2]!, { categoryCode: '9999' }),
      row(bad[3]!, { lng: 90, lat: 30 }),
      row(bad[4]!, { lng: undefined, lat: undefined, address: '火星路 1 号' }),
      'not an object',
      row(bad[5]!, { callerPhone: 'abc', content: '', timeLimit: 'soon' }),
    ]);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ total: 8, created: 1, duplicates: 0, errors: 7 });
    const errs = (r.json.rows as Json[]).filter((x) => x.result === 'error').map((x) => [x.row, x.errors.map((e: Json) => `${e.field}:${e.rule}`).join(' ')]);
    expect(errs).toEqual([
      [2, 'ticketNo:required'],
      [3, 'receivedAt:format'],
      [4, 'categoryCode:unknown'],
      [5, 'lng:outside'],
      [6, 'address:unmatched'],
      [7, 'row:type'],
      [8, 'callerPhone:format content:required timeLimit:format'],
    ]);
    expect(r.json.rows[1].errors[0].reason).toBe('缺少工单编号');
    for (const b of bad) expect(await hotlineCount(b)).toBe(0);
    expect(await hotlineCount(ok)).toBe(1);
    // English reasons for an English caller.
    const en = await t.app.inject({ method: 'POST', url: '/api/hotline/tickets', payload: [row(no('M'), { categoryCode: '9999' })], headers: { cookie: admin, 'accept-language': 'en' } });
    expect(en.json().rows[0].errors[0].reason).toMatch(/neither a Gridwork category/);
  });

  it('refuses a feed that is not a feed, and a body that is not JSON', async () => {
    const shape = await importJson({ rows: [] });
    expect([shape.status, shape.json.code]).toEqual([400, 'hotline.invalid_feed']);
    const broken = await t.app.inject({ method: 'POST', url: '/api/hotline/tickets', payload: '[{"ticketNo": ', headers: { cookie: admin, 'content-type': 'application/json' } });
    expect([broken.statusCode, broken.json().code]).toEqual([400, 'request.malformed_body']);
  });

  it('dry run checks and places rows but writes nothing', async () => {
    const a = no('D');
    const r = await importJson([row(a), row(a), row(no('D'), { lng: 90, lat: 30 })], '?dryRun=true');
    expect(r.json).toMatchObject({ dryRun: true, total: 3, created: 1, duplicates: 1, errors: 1 });
    expect(r.json.rows[0].ticketId).toBeNull();
    expect(await hotlineCount('D-')).toBe(0);
  });

  it('is refused to roles without hotline.import', async () => {
    const r = await importJson([row(no('X'))], '', await t.login('street01'));
    expect([r.status, r.json.code]).toEqual([403, 'auth.forbidden']);
  });
});

describe('hotline intake: CSV', () => {
  const header = '工单编号,受理时间,来电号码,来电人,诉求内容,地址,分类代码,经度,纬度,办理时限';
  const line = (n: string, extra: Partial<Record<'time' | 'content' | 'category', string>> = {}) =>
    [n, extra.time ?? '2026-11-22 08:30:00', '13800001111', '李先生', extra.content ?? '楼道堆放杂物', '', extra.category ?? '0302', building.lng, building.lat, '24'].join(',');

  it('reads GBK with Chinese headers; a repeated number creates one ticket; a second import creates nothing', async () => {
    const [a, b] = [no('C'), no('C')];
    const csv = gbk([header, line(a), line(b), line(a, { content: '重复来电' }), ''].join('\r\n'));
    const first = await importCsv(csv);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json).toMatchObject({ total: 3, created: 2, duplicates: 1, errors: 0 });
    // Row numbers as the spreadsheet shows them: the header is row 1.
    expect(first.json.rows.map((x: Json) => [x.row, x.result])).toEqual([
      [2, 'created'],
      [3, 'created'],
      [4, 'duplicate'],
    ]);
    expect(await hotlineCount(a)).toBe(1);
    const again = await importCsv(csv);
    expect(again.json).toMatchObject({ created: 0, duplicates: 3, errors: 0 });
    const tk = (await t.app.inject({ url: `/api/tickets/${first.json.rows[0].ticketId}`, headers: { cookie: admin } })).json();
    expect([tk.reporterName, tk.description]).toEqual(['李先生', '楼道堆放杂物']);
  });

  it('accepts English headers in UTF-8, reports bad rows by spreadsheet row, and refuses a file without a required column', async () => {
    const good = no('E');
    const csv = [
      'ticket_no,received_at,caller_phone,content,address,category_code,time_limit',
      `${good},2026-11-22T09:00:00+08:00,13800001111,Noise at night,${building.address},0305,2026-11-29 18:00:00`,
      `${no('E')},2026-11-22 09:00,13800001111,,${building.address},0305,`,
      `${no('E')},not a time,13800001111,x,${building.address},0305,`,
    ].join('\n');
    const r = await importCsv(Buffer.from(csv));
    expect(r.json).toMatchObject({ total: 3, created: 1, errors: 2 });
    expect(r.json.rows.filter((x: Json) => x.result === 'error').map((x: Json) => [x.row, x.errors[0].field])).toEqual([
      [3, 'content'],
      [4, 'receivedAt'],
    ]);
    const tk = (await t.app.inject({ url: `/api/tickets/${r.json.rows[0].ticketId}`, headers: { cookie: admin } })).json();
    expect(tk.buildingId).toBe(building.id);

    const missing = await importCsv(Buffer.from('工单编号,受理时间,诉求内容,地址\nA,2026-11-22 09:00,x,y\n'));
    expect([missing.status, missing.json.code]).toEqual([400, 'hotline.invalid_feed']);
    expect(missing.json.detail).toContain('来电号码（callerPhone）');
    expect(missing.json.detail).toContain('分类代码（categoryCode）');
  });

  it('takes a multipart file upload', async () => {
    const n = no('U');
    const boundary = 'hotlineTestBoundary';
    const file = Buffer.from([header, line(n)].join('\n'));
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="12345.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await t.app.inject({ method: 'POST', url: '/api/hotline/tickets', payload: body, headers: { cookie: admin, 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 1 });
  });
});

describe('hotline intake: concurrency and the CLI', () => {
  it('two imports of the same feed at once create each ticket once', async () => {
    const feed = Array.from({ length: 12 }, () => row(no('P')));
    // On PostgreSQL the second import runs on its own pool, as another server process would.
    const second = await openSecondConnection(t.database);
    const other = second ? createServices(second, t.config, { now }).hotline : t.services.hotline;
    try {
      const ctx = { actor: system, ip: null, requestId: 'test' };
      const [r1, r2] = await Promise.all([t.services.hotline.importFeed(system, feedFromJson(feed), ctx), other.importFeed(system, feedFromJson(feed), ctx)]);
      expect(r1.errors + r2.errors).toBe(0);
      expect(r1.created + r2.created).toBe(12);
      expect(r1.duplicates + r2.duplicates).toBe(12);
      for (const [i, x] of r1.rows.entries()) expect(x.ticketId).toBe(r2.rows[i]!.ticketId);
      for (const f of feed) expect(await hotlineCount(f.ticketNo)).toBe(1);
    } finally {
      await second?.close();
    }
  });

  it('losing the race on the unique index is a duplicate, not an error (the other import won)', async () => {
    const n = no('Q');
    const ctx = { actor: system, ip: null, requestId: 'test' };
    const first = await t.services.hotline.importFeed(system, feedFromJson([row(n)]), ctx);
    // The pre-check misses (as when the other import commits between check and insert).
    const spy = vi.spyOn(t.services.tickets, 'byExternal').mockResolvedValueOnce(undefined);
    try {
      const second = await t.services.hotline.importFeed(system, feedFromJson([row(n)]), ctx);
      expect(second.rows[0]).toMatchObject({ result: 'duplicate', ticketId: first.rows[0]!.ticketId });
    } finally {
      spy.mockRestore();
    }
    expect(await hotlineCount(n)).toBe(1);
  });

  it('`gridwork hotline import` prints created, duplicates and error rows, and exits 1 on errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-hotline-cli-'));
    const file = path.join(dir, 'feed.json');
    const a = no('L');
    fs.writeFileSync(file, JSON.stringify([row(a), row(a), row(no('L'), { receivedAt: 'gestern' })]));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await hotlineImportCommand(t.services.hotline, system, file, { dryRun: true })).toBe(1);
      expect(await hotlineCount(a)).toBe(0);
      expect(await hotlineImportCommand(t.services.hotline, system, file, {})).toBe(1);
      const out = log.mock.calls.map((c) => String(c[0]));
      expect(out).toContain('  新建工单 1，重复跳过 1，错误 1');
      expect(out.some((l) => /第 3 行（L-[\d-]+） receivedAt：受理时间应为/.test(l))).toBe(true);
      expect(await hotlineCount(a)).toBe(1);
    } finally {
      log.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hotline results', () => {
  it('returns hotline tickets changed since a time, then only newer changes after the cursor', async () => {
    clock = new Date('2026-11-23T02:00:00Z');
    const since = clock.toISOString();
    const n = no('S');
    const r = await importJson([row(n)]);
    const id = r.json.rows[0].ticketId as number;
    const act = async (action: string, body: Json = {}) => {
      const res = await t.app.inject({ method: 'POST', url: `/api/tickets/${id}/actions/${action}`, payload: body, headers: { cookie: admin } });
      expect(res.statusCode, res.body).toBe(200);
    };
    clock = new Date(clock.getTime() + 60_000);
    await act('accept', { dispatch: true });
    clock = new Date(clock.getTime() + 60_000);
    await act('handle', { note: '已联系环卫清运，现场已清理' });
    // Changes are held back for a moment (a transaction stamped earlier may still be committing).
    const pull = async (q: string) => (await t.app.inject({ url: `/api/hotline/results?${q}`, headers: { cookie: admin } })).json() as Json;
    expect((await pull(`since=${encodeURIComponent(since)}`)).items.map((x: Json) => x.hotlineNo)).not.toContain(n);
    clock = new Date(clock.getTime() + 5_000);
    const page = await pull(`since=${encodeURIComponent(since)}`);
    const item = page.items.find((x: Json) => x.hotlineNo === n);
    expect(item).toMatchObject({ ticketId: id, status: 'handled', statusName: '已办结待核查', reply: '已联系环卫清运，现场已清理', rating: null, closedAt: null });
    expect(item.unit).toBeTruthy();
    expect(page.hasMore).toBe(false);

    // Nothing new after the cursor; the cursor comes back so the next pull starts there.
    const idle = await pull(`cursor=${page.nextCursor}`);
    expect([idle.items.length, idle.nextCursor]).toEqual([0, page.nextCursor]);
    clock = new Date(clock.getTime() + 60_000);
    await act('verify');
    await act('close');
    clock = new Date(clock.getTime() + 5_000);
    const next = await pull(`cursor=${page.nextCursor}`);
    expect(next.items.map((x: Json) => [x.hotlineNo, x.status])).toEqual([[n, 'closed']]);
    expect(next.items[0].closedAt).not.toBeNull();
    expect(next.items[0].version).toBeGreaterThan(item.version);

    const bad = await t.app.inject({ url: '/api/hotline/results?since=yesterday', headers: { cookie: admin } });
    expect([bad.statusCode, bad.json().errors[0].field]).toEqual([400, 'since']);
  });
});
