import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp } from '../../test/app.js';
import { rows } from '../../platform/db/client.js';
import { SYSTEM_CONTEXT } from '../../platform/audit/index.js';
import { citizenIdCheckChar } from '../../platform/identity/citizenId.js';
import { creditCheckChar } from '../../platform/identity/creditCode.js';
import { actorFromUser } from '../../platform/auth/service.js';
import { authRepo } from '../../platform/auth/repo.js';
import { parseRegionCode } from '../regions/codes.js';
import { IMPORT_TUNING } from './importRunner.js';
import { ImportService } from './service.js';

let t: TestApp;
let admin: string;
let community: string;
let tmp: string;
/** g1 in the demo accounts' community c1; g2 in another district. */
let g1: string;
let c1: string;
let g2: string;

const id = (first17: string) => first17 + citizenIdCheckChar(first17);
const ID = {
  a: id('15030219800101001'),
  b: id('15030219850505002'),
  c: id('15030219900909003'),
  d: id('15030319751212004'),
};

function multipart(fields: Record<string, string>, file: { name: string; content: Buffer | string }) {
  const boundary = `----gw${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(file.name)}\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const csv = (lines: string[][]) => '\uFEFF' + lines.map((l) => l.join(',')).join('\r\n') + '\r\n';

async function upload(url: string, fields: Record<string, string>, file: { name: string; content: Buffer | string }, cookie = admin) {
  const m = multipart(fields, file);
  return t.app.inject({ method: 'POST', url, payload: m.payload, headers: { ...m.headers, cookie } });
}

/** Start an import over HTTP, wait for it, return the batch. */
async function runImport(fields: Record<string, string>, file: { name: string; content: Buffer | string }, cookie = admin) {
  const res = await upload('/api/imports', fields, file, cookie);
  expect(res.statusCode, res.body).toBe(202);
  await t.services.imports.drain();
  const b = await t.app.inject({ url: `/api/imports/${res.json().id}`, headers: { cookie } });
  expect(b.statusCode).toBe(200);
  return b.json();
}

async function count(table: string): Promise<number> {
  return (await rows<{ n: number }>(t.database.db, sql.raw(`SELECT count(*)::int AS n FROM ${table}`)))[0]!.n;
}

async function personByIdNumber(idNumber: string) {
  const res = await t.app.inject({ url: `/api/people?idNumber=${idNumber}`, headers: { cookie: admin } });
  expect(res.statusCode).toBe(200);
  return res.json().items[0];
}

beforeAll(async () => {
  t = await createTestApp('demo');
  admin = await t.login('admin');
  community = await t.login('community01');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-imports-'));
  const first = async (code: string) => (await t.services.regions.childrenUnchecked(code))[0]!.code;
  c1 = await first(await first(await first('150300000000')));
  g1 = await first(c1);
  g2 = await first(await first(await first('150303000000')));
  // Houses the people files point at.
  const houses = await runImport(
    { source: '住建局', kind: 'houses' },
    {
      name: '房屋.csv',
      content: csv([
        ['房屋地址', '所属网格', '建筑面积(㎡)', '用途', '居住状态'],
        ['海勃湾区测试小区1号楼1单元101室', g1, '88.5', '住宅', '自住'],
        ['海勃湾区测试小区1号楼1单元102室', g1, '90', '住宅', '出租'],
      ]),
    },
  );
  expect(houses).toMatchObject({ status: 'done', created: 2, errorRows: 0 });
}, 120_000);

afterAll(async () => {
  await t?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('two departments, one registry', () => {
  const civil = () =>
    csv([
      ['姓名', '公民身份号码', '联系电话', '民族', '政治面貌', '现住址', '所属网格', '人员类别'],
      ['张伟', ID.a, '13800000001', '汉族', '中共党员', '海勃湾区测试小区1号楼1单元101室', '', '低保对象'],
      ['李娜', ID.b, '13800000002', '蒙古族', '群众', '', g1, ''],
      ['王芳', ID.c, '', '汉族', '共青团员', '', g1, '独居老人、困难群众'],
    ]);
  const police = () =>
    csv([
      ['名字', '身份证号', '手机号', '户籍地址', '网格编码'],
      ['张伟', ID.a, '13800000001', '内蒙古乌海市海勃湾区新华街1号', g1],
      ['李娜', ID.b, '13900000009', '内蒙古乌海市海勃湾区新华街2号', g1],
      ['赵强', ID.d, '13800000004', '', g1],
    ]);

  it('merges overlapping people, keeps both departments as sources and queues the one disagreement', async () => {
    const before = await count('persons');
    const first = await runImport({ source: '民政局', kind: 'people' }, { name: '民政局-低保.csv', content: civil() });
    expect(first).toMatchObject({ status: 'done', totalRows: 3, okRows: 3, errorRows: 0, created: 3, conflicts: 0 });
    const second = await runImport({ source: '公安局', kind: 'people' }, { name: '公安局-户籍.csv', content: police() });
    expect(second).toMatchObject({ status: 'done', totalRows: 3, okRows: 3, created: 1, updated: 2, conflicts: 1 });
    expect(await count('persons')).toBe(before + 4);

    const a = await personByIdNumber(ID.a);
    const detail = (await t.app.inject({ url: `/api/people/${a.id}`, headers: { cookie: admin } })).json();
    expect(detail.provenance.name.s).toBe('民政局');
    expect(detail.provenance.registeredAddress.s).toBe('公安局');
    expect(detail.registeredAddress).toBe('内蒙古乌海市海勃湾区新华街1号');
    expect(detail.houseId).not.toBeNull();
    expect(detail.politicalStatus).toBe('cpc_member');
    expect(detail.tags).toEqual(['low_income']);
    expect((await personByIdNumber(ID.c)).tags.sort()).toEqual(['elderly_alone', 'needy']);

    const conflicts = (await t.app.inject({ url: '/api/conflicts?status=open', headers: { cookie: admin } })).json();
    expect(conflicts.items).toHaveLength(1);
    expect(conflicts.items[0]).toMatchObject({
      entityType: 'person',
      field: 'phone',
      fieldLabel: '联系电话',
      currentShown: '138****0002',
      incomingShown: '139****0009',
      currentSource: { dept: '民政局' },
      incomingSource: { dept: '公安局', batchId: second.id },
      status: 'open',
    });
    // The audit keeps one entry per import, not one per row.
    const audit = await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'import.run' AND entity_id = ${String(second.id)}`);
    expect(audit[0]!.n).toBe(1);
  });

  it('re-importing the same file changes nothing', async () => {
    const versions = await count('person_versions');
    const conflicts = await count('conflicts');
    const persons = await count('persons');
    const again = await runImport({ source: '公安局', kind: 'people' }, { name: '公安局-户籍.csv', content: police() });
    expect(again).toMatchObject({ status: 'done', totalRows: 3, created: 0, updated: 0, unchanged: 3, conflicts: 0 });
    expect(await count('person_versions')).toBe(versions);
    expect(await count('conflicts')).toBe(conflicts);
    expect(await count('persons')).toBe(persons);
  });

  it('resolves a conflict by taking the incoming value, once', async () => {
    const open = (await t.app.inject({ url: '/api/conflicts?status=open&entityType=person', headers: { cookie: admin } })).json().items[0];
    const res = await t.app.inject({ method: 'POST', url: `/api/conflicts/${open.id}/resolve`, payload: { resolution: 'take_incoming' }, headers: { cookie: admin } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'resolved', resolution: 'take_incoming' });
    const b = await personByIdNumber(ID.b);
    expect(b.phone).toBe('139****0009');
    const detail = (await t.app.inject({ url: `/api/people/${b.id}`, headers: { cookie: admin } })).json();
    expect(detail.provenance.phone.s).toBe('公安局');
    const twice = await t.app.inject({ method: 'POST', url: `/api/conflicts/${open.id}/resolve`, payload: { resolution: 'keep_current' }, headers: { cookie: admin } });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('conflict.already_resolved');
    const audit = await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'conflict.resolve' AND entity_id = ${String(b.id)}`);
    expect(audit[0]!.n).toBe(1);
  });

  it('keeps the current value when asked, and does not raise the same disagreement again', async () => {
    const file = () =>
      csv([
        ['姓名', '身份证号', '民族', '所属网格'],
        ['李娜', ID.b, '回族', g1],
      ]);
    const r = await runImport({ source: '卫健委', kind: 'people' }, { name: '卫健委.csv', content: file() });
    expect(r).toMatchObject({ conflicts: 1, unchanged: 1 });
    const open = (await t.app.inject({ url: `/api/conflicts?status=open&batchId=${r.id}`, headers: { cookie: admin } })).json().items;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ field: 'ethnicity', currentShown: '蒙古族', incomingShown: '回族' });
    const res = await t.app.inject({ method: 'POST', url: `/api/conflicts/${open[0].id}/resolve`, payload: { resolution: 'keep_current' }, headers: { cookie: admin } });
    expect(res.statusCode).toBe(200);
    expect((await personByIdNumber(ID.b)).ethnicity).toBe('蒙古族');
    const again = await runImport({ source: '卫健委', kind: 'people' }, { name: '卫健委.csv', content: file() });
    expect(again).toMatchObject({ conflicts: 0, unchanged: 1 });
  });

  it('shows both addresses when departments place a person in different houses', async () => {
    const r = await runImport(
      { source: '卫健委', kind: 'people' },
      { name: '卫健委-住址.csv', content: csv([['姓名', '身份证号', '现住址'], ['张伟', ID.a, '海勃湾区测试小区1号楼1单元102室']]) },
    );
    expect(r).toMatchObject({ status: 'done', conflicts: 1 });
    const c = (await t.app.inject({ url: `/api/conflicts?batchId=${r.id}`, headers: { cookie: admin } })).json().items[0];
    expect(c).toMatchObject({ field: 'house', fieldLabel: '现住房屋', currentShown: '海勃湾区测试小区1号楼1单元101室', incomingShown: '海勃湾区测试小区1号楼1单元102室' });
  });

  it('resolves a house conflict both ways through the housing module', async () => {
    const r = await runImport(
      { source: '房管局', kind: 'houses' },
      { name: '房管.csv', content: csv([['地址', '面积', '居住状态'], ['海勃湾区测试小区1号楼1单元101室', '95', '空置']]) },
    );
    expect(r).toMatchObject({ status: 'done', conflicts: 2, unchanged: 1 });
    const items = (await t.app.inject({ url: `/api/conflicts?entityType=house&batchId=${r.id}`, headers: { cookie: admin } })).json().items;
    const area = items.find((c: { field: string }) => c.field === 'areaM2');
    const occ = items.find((c: { field: string }) => c.field === 'occupancy');
    expect(occ).toMatchObject({ currentShown: '自住', incomingShown: '空置' });
    expect((await t.app.inject({ method: 'POST', url: `/api/conflicts/${area.id}/resolve`, payload: { resolution: 'take_incoming' }, headers: { cookie: admin } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/api/conflicts/${occ.id}/resolve`, payload: { resolution: 'keep_current' }, headers: { cookie: admin } })).statusCode).toBe(200);
    const house = (await t.app.inject({ url: `/api/houses?q=${encodeURIComponent('测试小区1号楼1单元101')}`, headers: { cookie: admin } })).json().items[0];
    expect(house).toMatchObject({ areaM2: 95, occupancy: 'self_occupied' });
  });
});

describe('organisations', () => {
  const code = (n: number) => `91150302MA000000${n}` + creditCheckChar(`91150302MA000000${n}`);
  it('merges organisations by credit code and resolves a disagreement through the organisation module', async () => {
    const first = await runImport(
      { source: '市场监管局', kind: 'orgs' },
      {
        name: '企业.csv',
        content: csv([
          ['统一社会信用代码', '企业名称', '所属行业', '从业人员', '有无固定场所', '所属网格'],
          [code(1), '乌海测试煤业有限公司', '采矿业', '120', '是', g1],
          [code(2), '乌海测试商贸有限公司', 'F', '8', '否', g1],
          ['91150302MA0000003X', '校验码错公司', '', '', '', g1],
        ]),
      },
    );
    expect(first).toMatchObject({ status: 'done', totalRows: 3, okRows: 2, errorRows: 1, created: 2 });
    const second = await runImport({ source: '人社局', kind: 'orgs' }, { name: '社保.csv', content: csv([['信用代码', '单位名称', '职工人数', '所属网格'], [code(1), '乌海测试煤业有限公司', '135', g1]]) });
    expect(second).toMatchObject({ status: 'done', unchanged: 1, conflicts: 1 });
    const c = (await t.app.inject({ url: `/api/conflicts?entityType=org&batchId=${second.id}`, headers: { cookie: admin } })).json().items[0];
    expect(c).toMatchObject({ field: 'employees', fieldLabel: '从业人数', currentShown: '120', incomingShown: '135', currentSource: { dept: '市场监管局' } });
    const res = await t.app.inject({ method: 'POST', url: `/api/conflicts/${c.id}/resolve`, payload: { resolution: 'take_incoming' }, headers: { cookie: admin } });
    expect(res.statusCode, res.body).toBe(200);
    const org = (await t.app.inject({ url: `/api/orgs/${c.entityId}`, headers: { cookie: admin } })).json();
    expect(org.employees).toBe(135);
    // The value now belongs to the department it came from, not to a hand edit.
    expect(org.provenance.employees).toMatchObject({ s: '人社局' });
  });
});

describe('bad rows', () => {
  it('reports each bad row with row, column and rule, and lands the good ones', async () => {
    const good1 = id('15030219700303011');
    const good2 = id('15030219710404012');
    const badCheck = ID.a.slice(0, 17) + (ID.a[17] === '0' ? '1' : '0');
    const feb30 = id('15030219900230013');
    const retired = id('11010319800101014');
    const r = await runImport(
      { source: '民政局', kind: 'people', regionCode: c1 },
      {
        name: '有错误.csv',
        content: csv([
          ['姓名', '身份证号', '联系电话', '所属网格'],
          ['好人一', good1, '13700000001', g1],
          ['校验错', badCheck, '', g1],
          ['二月三十', feb30, '', g1],
          ['电话错', id('15030219720505015'), '12345', g1],
          ['跨辖区', id('15030219730606016'), '', g2],
          ['好人二', good2, '', g1],
          ['旧区划', retired, '', g1],
          ['', '', '', ''],
          ['无住处', id('15030219740707017'), '', ''],
        ]),
      },
    );
    expect(r).toMatchObject({ status: 'done', totalRows: 8, okRows: 3, errorRows: 5, created: 3 });
    expect(await personByIdNumber(good1)).toBeTruthy();
    const errors = (await t.app.inject({ url: `/api/imports/${r.id}/errors?limit=100`, headers: { cookie: admin } })).json().items;
    const pick = (rowNo: number) => errors.filter((e: { rowNo: number }) => e.rowNo === rowNo).map((e: { field: string; rule: string; severity: string }) => `${e.field}:${e.rule}:${e.severity}`);
    expect(pick(3)).toEqual(['身份证号:id_check_char:error']);
    expect(pick(4)).toEqual(['身份证号:id_birth_date:error']);
    expect(pick(5)).toEqual(['联系电话:phone_format:error']);
    expect(pick(6)).toEqual(['所属网格:outside_scope:error']);
    expect(pick(8)).toEqual(['身份证号:id_address_code_unknown:warning']);
    expect(pick(10)).toEqual(['所属网格:no_place:error']);
    const checkRow = errors.find((e: { rowNo: number }) => e.rowNo === 3);
    expect(checkRow.value).toBe(`${badCheck.slice(0, 6)}********${badCheck.slice(-4)}`);
    expect(checkRow.message).toMatch(/校验码应为/);

    const report = await t.app.inject({ url: `/api/imports/${r.id}/errors.csv`, headers: { cookie: admin } });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toMatch(/text\/csv/);
    const lines = report.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('行号,列,规则,说明,值,级别');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^3,身份证号,id_check_char,/);
    expect(report.body).not.toContain(badCheck);
  });

  it('refuses a mapping that misses a required column, before starting', async () => {
    const res = await upload('/api/imports', { source: '民政局', kind: 'people', columns: JSON.stringify({ name: '姓名' }) }, { name: 'x.csv', content: csv([['姓名', '身份证'], ['张三', ID.a]]) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'import.bad_mapping', errors: [{ field: 'columns.idNumber', rule: 'required' }] });
  });

  it('a community worker cannot import into another community', async () => {
    const res = await upload('/api/imports', { source: '民政局', kind: 'people', regionCode: g2 }, { name: 'x.csv', content: csv([['姓名', '身份证号'], ['张三', ID.a]]) }, community);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('scope.forbidden');
    const own = await runImport(
      { source: '民政局', kind: 'people' },
      { name: 'x.csv', content: csv([['姓名', '身份证号', '所属网格'], ['跨辖区', id('15030219600101021'), g2]]) },
      community,
    );
    expect(own).toMatchObject({ status: 'done', errorRows: 1, created: 0, regionCode: c1 });
    const listed = (await t.app.inject({ url: '/api/imports?limit=100', headers: { cookie: community } })).json().items;
    expect(listed.every((b: { regionCode: string }) => parseRegionCode(b.regionCode)!.path.startsWith(parseRegionCode(c1)!.path))).toBe(true);
  });

  it('marks an unreadable file as failed', async () => {
    const res = await upload('/api/imports', { source: '民政局', kind: 'people' }, { name: 'broken.xlsx', content: 'not a zip file' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('import.unreadable_file');
  });
});

describe('file formats, templates and dry runs', () => {
  it('reads an xlsx file and saves the mapping as a template for the department', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('人员');
    ws.addRow(['序号', '居民姓名', '证件号码', '手机', '网格代码']);
    ws.addRow([1, '孙悦', id('15030219950101031'), '13600000031', g1]);
    ws.addRow([2, '周杰', id('15030219960202032'), 13600000032, g1]);
    const content = Buffer.from(await wb.xlsx.writeBuffer());
    const inspect = await upload('/api/imports/inspect', { kind: 'people', source: '卫健委' }, { name: '卫健委.xlsx', content });
    expect(inspect.statusCode, inspect.body).toBe(200);
    const info = inspect.json();
    expect(info).toMatchObject({ format: 'xlsx', headers: ['序号', '居民姓名', '证件号码', '手机', '网格代码'] });
    expect(info.suggested.columns).toMatchObject({ name: '居民姓名', idNumber: '证件号码', phone: '手机', regionCode: '网格代码' });
    expect(info.sample[0][2]).toMatch(/^150302\*+\d{3}[\dX]$/);
    expect(info.sample[1][3]).toBe('136****0032');

    const r = await runImport({ source: '卫健委', kind: 'people', columns: JSON.stringify(info.suggested.columns), saveMappingAs: '卫健委月报' }, { name: '卫健委.xlsx', content });
    expect(r).toMatchObject({ status: 'done', created: 2, errorRows: 0 });
    const mappings = (await t.app.inject({ url: '/api/import-mappings?source=%E5%8D%AB%E5%81%A5%E5%A7%94', headers: { cookie: admin } })).json();
    expect(mappings.map((m: { name: string }) => m.name)).toContain('卫健委月报');
    // Next time the template is suggested by itself.
    const again = (await upload('/api/imports/inspect', { kind: 'people', source: '卫健委' }, { name: '卫健委.xlsx', content })).json();
    expect(again.suggested.mappingName).toBe('卫健委月报');
  });

  it('reads a GBK-encoded CSV as Excel in China writes it', async () => {
    const text = ['姓名,身份证号,所属网格', `钱多多,${id('15030219800808041')},${g1}`].join('\r\n');
    const r = await runImport({ source: '公安局', kind: 'people' }, { name: 'gbk.csv', content: gb18030(text) });
    expect(r).toMatchObject({ status: 'done', created: 1, errorRows: 0 });
    expect((await personByIdNumber(id('15030219800808041'))).name).toBe('钱多多');
  });

  it('a dry run counts exactly and writes no person', async () => {
    const persons = await count('persons');
    const conflicts = await count('conflicts');
    const r = await runImport(
      { source: '公安局', kind: 'people', dryRun: 'true' },
      { name: 'dry.csv', content: csv([['姓名', '身份证号', '手机号', '所属网格'], ['新人', id('15030219810101051'), '', g1], ['张伟', ID.a, '13811111111', g1], ['坏号', '123', '', g1]]) },
    );
    expect(r).toMatchObject({ status: 'done', dryRun: true, totalRows: 3, okRows: 2, errorRows: 1, created: 1, conflicts: 1 });
    expect(await count('persons')).toBe(persons);
    expect(await count('conflicts')).toBe(conflicts);
    expect((await t.app.inject({ url: `/api/imports/${r.id}/errors`, headers: { cookie: admin } })).json().items).toHaveLength(1);
  });

  it('keeps a 20k-row file streaming in batches, never whole in memory', async () => {
    const file = path.join(tmp, 'big.csv');
    const out = fs.createWriteStream(file);
    out.write('姓名,身份证号,联系电话,所属网格\n');
    // The last ten rows repeat the first ten people with new phones: a later batch updates an earlier one's records.
    for (let i = 0; i < 20_000; i++) {
      const k = i >= 19_990 ? i - 19_990 : i;
      const d = new Date(Date.UTC(1950, 0, 1) + k * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
      out.write(`居民${k},${id(`150304${d}${String(k % 1000).padStart(3, '0')}`)},138${String(i).padStart(8, '0')},${g1}\n`);
    }
    await new Promise((r) => out.end(r));
    const adminActor = actorFromUser((await authRepo.findByUsername(t.database.db, 'admin'))!);
    const seen: { fraction: number; heap: number }[] = [];
    const heap0 = process.memoryUsage().heapUsed;
    // Small batches, so that the batches in flight (read ahead + merging) are a small share of the
    // file on either database; with the production 5,000 rows the file would be only four batches.
    const tuning = { ...IMPORT_TUNING[t.database.kind], batchRows: 1000 };
    const inFlight = (tuning.readAhead + tuning.mergeStreams + 1) * tuning.batchRows;
    const s = t.services;
    const imports = new ImportService(t.database.db, s.regions, s.housing, s.people, s.orgs, { uploadDir: tmp, tuning });
    const r = await imports.runNow(adminActor, { filePath: file, fileName: 'big.csv', sha256: 'x'.repeat(64), source: '统计局', kind: 'people' }, SYSTEM_CONTEXT, (p) =>
      seen.push({ fraction: p.fraction, heap: process.memoryUsage().heapUsed - heap0 }),
    );
    expect(r).toMatchObject({ status: 'done', totalRows: 20_000, created: 19_990, updated: 10, conflicts: 0 });
    expect((await personByIdNumber(id(`15030419500101000`))).phone).toBe('138****9990');
    const batches = seen.slice(0, -1);
    expect(batches).toHaveLength(20);
    // When the first batch had committed, no more than the batches in flight (plus the reader's
    // 64 KiB buffer, ~1,300 rows here) had been read: the rest of the file was still unread.
    expect(batches[0]!.fraction * 20_000).toBeLessThan(inFlight + 1_500);
    expect(Math.max(...seen.map((s) => s.heap))).toBeLessThan(200 * 1024 * 1024);
  }, 120_000);
});

describe('the PostgreSQL bulk path (new people by COPY)', () => {
  /** The same people twice: ID sequences differ in the middle digit only, so sex and birth date match. */
  const ids = (mid: string) => [`150302198001010${mid}1`, `150302198102020${mid}2`, `150302198203030${mid}3`, `150302198304040${mid}4`].map(id);
  const tricky = (mid: string) => {
    const [a, b, c, d] = ids(mid);
    return csv([
      ['姓名', '身份证号', '联系电话', '民族', '政治面貌', '户籍地址', '现住址', '所属网格', '人员类别'],
      ['"反\\斜\\杠"', a!, '13800001001', '汉族', '', '"新华街\t1号\\N"', '海勃湾区测试小区1号楼1单元101室', '', '低保对象、独居老人'],
      ['"引""号{,}"', b!, '', '', '中共党员', '', '', g1, ''],
      ['NULL', c!, '0473-1234567', '蒙古族', '群众', '"第一行\n第二行"', '', g1, '困难群众'],
      ['欧阳 娜娜', d!, '', '', '', '', '', g1, ''],
    ]);
  };

  it('stores exactly what the one-statement insert stores', async () => {
    const s = t.services;
    const service = (copy: boolean) => new ImportService(t.database.db, s.regions, s.housing, s.people, s.orgs, { uploadDir: tmp, tuning: { ...IMPORT_TUNING[t.database.kind], copy } });
    const adminActor = actorFromUser((await authRepo.findByUsername(t.database.db, 'admin'))!);
    const run = async (copy: boolean, mid: string) => {
      const file = path.join(tmp, `tricky-${mid}.csv`);
      fs.writeFileSync(file, tricky(mid));
      const b = await service(copy).runNow(adminActor, { filePath: file, fileName: 'tricky.csv', sha256: 'x'.repeat(64), source: '民政局', kind: 'people' }, SYSTEM_CONTEXT);
      expect(b).toMatchObject({ status: 'done', totalRows: 4, created: 4, errorRows: 0 });
      return rows<Record<string, unknown>>(
        t.database.db,
        sql`SELECT name, name_grams, sex, birth_date::text, phone_hash IS NULL AS no_phone, phone_masked, ethnicity, registered_address, house_id, region_path,
                   political_status, status, tags, version, (SELECT array_agg(k || '=' || (provenance -> k ->> 's') ORDER BY k) FROM jsonb_object_keys(provenance) k) AS sources,
                   (SELECT bool_and((provenance -> k ->> 'b')::int = ${b.id}) FROM jsonb_object_keys(provenance) k) AS this_batch
            FROM persons WHERE id_hash = ANY(${sql.param(ids(mid).map((n) => s.pii.blindIndex('id', n)))}::text[])
            ORDER BY birth_date`,
      );
    };
    const byInsert = await run(false, '1');
    const byCopy = await run(true, '2');
    expect(byCopy).toHaveLength(4);
    expect(byCopy).toEqual(byInsert);
    expect(byCopy.map((r) => r.name)).toEqual(['反\\斜\\杠', '引"号{,}', 'NULL', '欧阳 娜娜']);
    expect(byCopy[0]).toMatchObject({ registered_address: '新华街\t1号\\N', tags: ['low_income', 'elderly_alone'], political_status: 'masses', this_batch: true });
    expect(byCopy[0]!.sources).toEqual(['house=民政局', 'name=民政局', 'phone=民政局', 'ethnicity=民政局', 'registeredAddress=民政局'].sort());
    expect(byCopy[2]).toMatchObject({ registered_address: '第一行\n第二行', phone_masked: '047****4567', political_status: 'masses' });
  });

  it('falls back to the merge when someone registers a person while the COPY runs', async (ctx) => {
    if (t.database.kind !== 'postgres') ctx.skip();
    const racer = id('15030219900101088');
    const other = id('15030219900202099');
    const pii = t.services.pii;
    // Someone else's open transaction has just registered the first person.
    const client = await t.database.pool!.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO persons (name, id_enc, id_hash, id_masked, sex, birth_date, region_path) VALUES ($1, $2, $3, $4, 'female', '1990-01-01', $5)`, [
        '抢先登记',
        pii.encrypt(racer),
        pii.blindIndex('id', racer),
        `${racer.slice(0, 6)}********${racer.slice(-4)}`,
        parseRegionCode(g1)!.path,
      ]);
      const res = await upload('/api/imports', { source: '公安局', kind: 'people' }, { name: 'race.csv', content: csv([['姓名', '身份证号', '联系电话', '所属网格'], ['赛跑者', racer, '13800002001', g1], ['旁观者', other, '', g1]]) });
      expect(res.statusCode, res.body).toBe(202);
      // The import's COPY waits on the uncommitted duplicate ID; then the transaction commits.
      // (Watched from another connection: inside a transaction pg_stat_activity is a snapshot.)
      for (let i = 0; ; i++) {
        const waiting = await rows<{ n: number }>(
          t.database.db,
          sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'COPY persons%'`,
        );
        if (waiting[0]!.n > 0) break;
        if (i > 200) throw new Error('the import never reached its COPY');
        await new Promise((r) => setTimeout(r, 50));
      }
      await client.query('COMMIT');
      await t.services.imports.drain();
      const b = (await t.app.inject({ url: `/api/imports/${res.json().id}`, headers: { cookie: admin } })).json();
      expect(b).toMatchObject({ status: 'done', totalRows: 2, created: 1, updated: 1, errorRows: 0 });
      // Merged into the hand-made record (which had no sources yet), not a second one.
      const p = await personByIdNumber(racer);
      expect(p).toMatchObject({ name: '赛跑者', phone: '138****2001' });
      expect(await rows(t.database.db, sql`SELECT 1 FROM persons WHERE id_hash = ${pii.blindIndex('id', racer)}`)).toHaveLength(1);
      expect((await personByIdNumber(other)).name).toBe('旁观者');
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  });
});

/** Encode text as GB18030 by inverting the decoder over the two-byte range (Node has no GBK encoder). */
function gb18030(text: string): Buffer {
  const dec = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++) for (let lo = 0x40; lo <= 0xfe; lo++) if (lo !== 0x7f) table.set(dec.decode(new Uint8Array([hi, lo])), [hi, lo]);
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else bytes.push(...table.get(ch)!);
  }
  return Buffer.from(bytes);
}
