/**
 * Open311 GeoReport v2: every JSON answer is checked against the JSON Schemas written from the
 * specification (contracts.ts), every XML answer is read by a strict reader and its root element
 * checked, and a request filed through Open311 is followed around the closed loop to "closed".
 * Bad input writes nothing: tickets, Open311 records, timeline events and audit rows are counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Value } from 'typebox/value';
import type { TSchema } from '@fastify/type-provider-typebox';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../../test/app.js';
import { rows } from '../../platform/db/client.js';
import { SYSTEM_CONTEXT } from '../../platform/audit/index.js';
import type { Actor } from '../../platform/scope/index.js';
import { parseRegionCode } from '../regions/codes.js';
import type { BuildingDto } from '../regions/service.js';
import { child, children, parseXml, type XNode } from './xmlCheck.js';
import { CreatedRequestSpec, DiscoverySpec, ErrorsSpec, GEOREPORT_V2, ServiceDefinitionSpec, ServiceRequestsSpec, ServicesSpec, TokenSpec } from './contracts.js';

let t: TestApp;
/** The platform's clock; one test files a request 100 days ago. */
let clock: Date | null = null;
const now = () => clock ?? new Date();
let admin: string;
let community: string;
let c1: string;
let g1: string;
let bIn: BuildingDto;
let bOut: BuildingDto;
let cityKey: string;
let communityKey: string;

const SYSTEM: Actor = { id: 0, username: 'system', displayName: 'system', role: 'city_admin', scopeCode: null, scopePath: '15', department: null };
const pathOf = (code: string) => parseRegionCode(code)!.path;

beforeAll(async () => {
  t = await createTestApp('demo', {}, { now });
  const { regions, open311 } = t.services;
  const first = async (code: string) => (await regions.childrenUnchecked(code))[0]!.code;
  c1 = await first(await first('150302000000'));
  g1 = await first(c1);
  const gOut = await first(await first(await first('150303000000')));
  // A building whose point lies in its own grid (the point → grid index agrees with the registry).
  const pick = async (grid: string) => {
    for (const b of (await regions.buildings(SYSTEM, grid, 0, 50)).items) {
      const hit = await regions.locatePoint(b.lng, b.lat);
      if (b.address && hit && pathOf(hit.grid.code) === pathOf(grid)) return b;
    }
    throw new Error(`no usable building in ${grid}`);
  };
  bIn = await pick(g1);
  bOut = await pick(gOut);
  cityKey = (await open311.createKey(SYSTEM, { name: '市级测试系统', regionCode: '150300000000' }, SYSTEM_CONTEXT)).key;
  communityKey = (await open311.createKey(SYSTEM, { name: '社区测试系统', regionCode: c1 }, SYSTEM_CONTEXT)).key;
  admin = await t.login('admin');
  community = await t.login('community01');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

// ---- helpers ------------------------------------------------------------------------------------

type Fields = Record<string, string | string[] | undefined>;
const form = (f: Fields) =>
  Object.entries(f)
    .flatMap(([k, v]) => (v === undefined ? [] : [v].flat().map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`)))
    .join('&');

function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url: `/open311/v2/${url}`, headers });
}

function post(format: 'json' | 'xml', body: Fields | string | Buffer, contentType = 'application/x-www-form-urlencoded') {
  return t.app.inject({ method: 'POST', url: `/open311/v2/requests.${format}`, payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : form(body), headers: { 'content-type': contentType } });
}

/** A JSON answer: the right content type, and valid against the specification's schema. */
function json<T = any>(res: LightMyRequestResponse, schema: TSchema, status = 200): T {
  expect(res.headers['content-type'], res.body.slice(0, 200)).toBe('application/json; charset=utf-8');
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  const body = res.json();
  const errors = [...Value.Errors(schema, body)].slice(0, 5);
  expect(errors, JSON.stringify(body).slice(0, 300)).toEqual([]);
  return body as T;
}

/** An XML answer: the right content type, well-formed, with the expected root element. */
function xml(res: LightMyRequestResponse, root: string, status = 200): XNode {
  expect(res.headers['content-type'], res.body.slice(0, 200)).toBe('text/xml; charset=utf-8');
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  const node = parseXml(res.body);
  expect(node.name).toBe(root);
  return node;
}

/** An error answer in both formats: the specification's list, never an RFC 9457 problem. */
function errorJson(res: LightMyRequestResponse, status: number): { code: number; description: string }[] {
  const list = json<{ code: number; description: string }[]>(res, ErrorsSpec, status);
  for (const e of list) expect(e.code).toBe(status);
  return list;
}

/** The XML element holds the same values as the JSON object (null → empty element). */
function sameAsJson(node: XNode, obj: Record<string, unknown>) {
  expect(node.children.map((c) => c.name)).toEqual(Object.keys(obj));
  for (const [k, v] of Object.entries(obj)) {
    if (v === null) expect(child(node, k).text, k).toBe('');
    else if (typeof v !== 'object') expect(child(node, k).text, k).toBe(String(v));
  }
}

async function counts() {
  const [r] = await rows<{ tickets: number; requests: number; events: number; audit: number }>(
    t.database.db,
    sql`SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM open311_requests)::int AS requests,
               (SELECT count(*) FROM ticket_events)::int AS events, (SELECT count(*) FROM audit_log)::int AS audit`,
  );
  return r!;
}

async function ticketByNo(no: string): Promise<any> {
  const list = await t.app.inject({ method: 'GET', url: `/api/tickets?q=${encodeURIComponent(no)}&limit=5`, headers: { cookie: admin } });
  const item = list.json().items.find((x: { no: string }) => x.no === no);
  expect(item, no).toBeTruthy();
  return (await t.app.inject({ method: 'GET', url: `/api/tickets/${item.id}`, headers: { cookie: admin } })).json();
}

async function act(id: number, action: string, body: Record<string, unknown> = {}) {
  const r = await t.app.inject({ method: 'POST', url: `/api/tickets/${id}/actions/${action}`, payload: body, headers: { cookie: admin } });
  expect(r.statusCode, `${action}: ${r.body.slice(0, 300)}`).toBe(200);
  return r.json();
}

/** ISO times to whole seconds (Open311 times carry no milliseconds). */
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const at = (b: BuildingDto) => ({ lat: String(b.lat), long: String(b.lng) });
const valid = (extra: Fields = {}): Fields => ({ api_key: cityKey, service_code: '0301', description: '楼下垃圾桶满溢，三天没人清运', ...at(bIn), ...extra });

async function file(extra: Fields = {}) {
  return json<{ service_request_id: string; token: string; service_notice: string; account_id: string | null }[]>(await post('json', valid(extra)), CreatedRequestSpec, 201)[0]!;
}

// ---- discovery and services ---------------------------------------------------------------------

describe('discovery and services', () => {
  it('discovery in JSON and XML', async () => {
    const d = json(await get('discovery.json'), DiscoverySpec);
    expect(d.endpoints[0].specification).toBe(GEOREPORT_V2);
    expect(d.endpoints[0].url).toBe('http://localhost:80/open311/v2');
    expect(d.endpoints[0].type).toBe('production');
    expect(d.endpoints[0].formats.sort()).toEqual(['application/json', 'text/xml']);
    const x = xml(await get('discovery.xml'), 'discovery');
    const ep = child(child(x, 'endpoints'), 'endpoint');
    expect(child(ep, 'specification').text).toBe(GEOREPORT_V2);
    expect(children(child(ep, 'formats'), 'format').map((f) => f.text).sort()).toEqual(['application/json', 'text/xml']);
    expect(child(x, 'changeset').text).toBe(d.changeset);
    // Also one level up, where Service Discovery documents usually sit.
    expect(json(await t.app.inject({ method: 'GET', url: '/open311/discovery.json' }), DiscoverySpec)).toEqual(d);
  });

  it('services are the active leaf categories, grouped by their parent', async () => {
    const list = json<any[]>(await get('services.json'), ServicesSpec);
    const codes = list.map((s) => s.service_code);
    expect(codes).toContain('0301');
    expect(codes).not.toContain('03'); // a group, not a service
    const s0702 = list.find((s) => s.service_code === '0702');
    expect(s0702).toMatchObject({ service_name: '电动车违规充电', metadata: true, type: 'realtime', group: '安全隐患' });
    expect(list.find((s) => s.service_code === '0301').metadata).toBe(false);
    const x = xml(await get('services.xml'), 'services');
    const items = children(x, 'service');
    expect(items).toHaveLength(list.length);
    for (const [k, s] of list.entries()) sameAsJson(items[k]!, s);
    const en = json<any[]>(await get('services.json', { 'accept-language': 'en' }), ServicesSpec);
    expect(en.find((s) => s.service_code === '0702')).toMatchObject({ service_name: 'E-bike charged indoors', group: 'Safety hazards' });
  });

  it('a service definition lists its attributes; unknown codes and groups are 404', async () => {
    const d = json(await get('services/0702.json'), ServiceDefinitionSpec);
    expect(d.service_code).toBe('0702');
    expect(d.attributes[0]).toMatchObject({ variable: true, code: 'place', datatype: 'singlevaluelist', required: true, order: 1 });
    expect(d.attributes[0].values.map((v: { key: string }) => v.key)).toEqual(['corridor', 'elevator', 'home', 'other']);
    const x = xml(await get('services/0702.xml'), 'service_definition');
    const attr = child(child(x, 'attributes'), 'attribute');
    expect(child(attr, 'datatype').text).toBe('singlevaluelist');
    expect(children(child(attr, 'values'), 'value').map((v) => child(v, 'key').text)).toEqual(['corridor', 'elevator', 'home', 'other']);
    expect(json(await get('services/0301.json'), ServiceDefinitionSpec).attributes).toEqual([]);
    xml(await get('services/0301.xml'), 'service_definition');
    for (const code of ['9999', '07']) {
      expect(errorJson(await get(`services/${code}.json`), 404)[0]!.description).toContain(code);
      xml(await get(`services/${code}.xml`), 'errors', 404);
    }
  });

  it('unknown formats and paths answer the specification’s errors (XML unless .json), never a problem document', async () => {
    xml(await get('services.yaml'), 'errors', 404);
    xml(await get('nothing-here'), 'errors', 404);
    errorJson(await get('nothing/here.json'), 404);
    xml(await t.app.inject({ method: 'GET', url: '/open311/v1/services.xml' }), 'errors', 404);
    errorJson(await t.app.inject({ method: 'GET', url: '/open311/nothing.json' }), 404);
    const put = await t.app.inject({ method: 'PUT', url: '/open311/v2/requests.json', payload: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    errorJson(put, 404);
  });
});

// ---- filing requests ----------------------------------------------------------------------------

describe('POST requests', () => {
  it('files a ticket on the open311 channel, with the reporter on the ticket only', async () => {
    const before = await counts();
    const r = await file({ first_name: '三', last_name: '张', phone: '138 0013 8000', email: 'zhang@example.cn', account_id: 'u-42', device_id: 'dev-1', media_url: 'https://img.example.cn/a.jpg', jurisdiction_id: 'wuhai' });
    expect(r.service_request_id).toMatch(/^GW\d{8}-\d{6}$/);
    expect(r.token).toMatch(/^[0-9a-f]{32}$/);
    expect(r.account_id).toBe('u-42');
    expect(r.service_notice).toContain('24 小时');
    const after = await counts();
    expect(after.tickets - before.tickets).toBe(1);
    expect(after.requests - before.requests).toBe(1);

    const tk = await ticketByNo(r.service_request_id);
    expect(tk).toMatchObject({ channel: 'open311', categoryCode: '0301', status: 'reported', reporterName: '张三', reporterPhone: '138****8000', externalId: r.token });
    expect(pathOf(tk.regionCode).startsWith(pathOf(g1))).toBe(true);
    expect(tk.events[0].data.open311).toMatchObject({ apiKey: { name: '市级测试系统' }, accountId: 'u-42', mediaUrl: 'https://img.example.cn/a.jpg' });
    const audit = await rows<{ action: string; after: any }>(t.database.db, sql`SELECT action, after FROM audit_log WHERE entity_type = 'ticket' AND entity_id = ${String(tk.id)} ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(['ticket.report', 'open311.request']);
    expect(audit[1]!.after).toMatchObject({ serviceRequestId: r.service_request_id, apiKeyName: '市级测试系统' });

    // The public view: no name, no phone, no email anywhere.
    const one = await get(`requests/${r.service_request_id}.json`);
    const [sr] = json<any[]>(one, ServiceRequestsSpec);
    expect(sr).toMatchObject({ service_request_id: r.service_request_id, status: 'open', status_notes: '待受理', service_code: '0301', service_name: '暴露垃圾', agency_responsible: null, media_url: 'https://img.example.cn/a.jpg', zipcode: null, lat: bIn.lat, long: bIn.lng });
    expect(sr.requested_datetime).toMatch(/\+08:00$/);
    for (const secret of ['张三', '13800138000', '138****8000', 'zhang@example.cn', 'u-42', 'dev-1']) expect(one.body).not.toContain(secret);

    const tok = json(await get(`tokens/${r.token}.json`), TokenSpec);
    expect(tok).toEqual([{ service_request_id: r.service_request_id, token: r.token }]);
    sameAsJson(child(xml(await get(`tokens/${r.token}.xml`), 'service_requests'), 'request'), tok[0]);
    errorJson(await get('tokens/0123456789abcdef0123456789abcdef.json'), 404);
  });

  it('answers in XML too', async () => {
    const x = xml(await post('xml', valid({ description: 'XML 提交 & <测试>' })), 'service_requests', 201);
    const req = child(x, 'request');
    expect(child(req, 'service_request_id').text).toMatch(/^GW/);
    expect(child(req, 'account_id').children).toEqual([]);
    const one = xml(await get(`requests/${child(req, 'service_request_id').text}.xml`), 'service_requests');
    expect(child(child(one, 'request'), 'description').text).toBe('XML 提交 & <测试>');
  });

  it('takes a building as address_id, or an address the registry knows as address_string', async () => {
    const byId = await file({ lat: undefined, long: undefined, address_id: String(bIn.id) });
    const [a] = json<any[]>(await get(`requests/${byId.service_request_id}.json`), ServiceRequestsSpec);
    expect(a).toMatchObject({ address_id: String(bIn.id), address: bIn.address, lat: bIn.lat, long: bIn.lng });

    const exact = await file({ lat: undefined, long: undefined, address_string: bIn.address! });
    const [b] = json<any[]>(await get(`requests/${exact.service_request_id}.json`), ServiceRequestsSpec);
    expect(b).toMatchObject({ address_id: String(bIn.id), address: bIn.address });

    // A unit and room after the building's address (and full-width digits) still find it.
    const room = `${bIn.address!.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))} 2单元301室`;
    const withRoom = await file({ lat: undefined, long: undefined, address_string: room });
    const [c] = json<any[]>(await get(`requests/${withRoom.service_request_id}.json`), ServiceRequestsSpec);
    expect(c).toMatchObject({ address_id: String(bIn.id), address: room });

    // With a point too, the point places it and the address is kept as text.
    const both = await file({ address_string: '小区东门' });
    const [d] = json<any[]>(await get(`requests/${both.service_request_id}.json`), ServiceRequestsSpec);
    expect(d).toMatchObject({ address: '小区东门', address_id: null, lat: bIn.lat });
  });

  it('checks attributes of every datatype against the definition', async () => {
    const attributes = [
      { code: 'floor', datatype: 'number', required: true, order: 1, description: '所在楼层' },
      { code: 'seen_at', datatype: 'datetime', required: false, order: 2, description: '发现时间' },
      { code: 'signs', datatype: 'multivaluelist', required: false, order: 3, description: '现象', values: [{ key: 'smell', name: '有气味' }, { key: 'hiss', name: '有漏气声' }, { key: 'flame', name: '有明火' }] },
      { code: 'more', datatype: 'text', required: false, order: 4, description: '补充说明', datatypeDescription: '不超过 4000 字' },
    ];
    await rows(t.database.db, sql`UPDATE ticket_categories SET attributes = ${JSON.stringify(attributes)}::jsonb WHERE code = '0704'`);
    t.services.ticketCatalogue.invalidate();
    const def = json(await get('services/0704.json'), ServiceDefinitionSpec);
    expect(def.attributes.map((a: { code: string }) => a.code)).toEqual(['floor', 'seen_at', 'signs', 'more']);
    expect(def.attributes[3].datatype_description).toBe('不超过 4000 字');
    expect(def.attributes[0].values).toBeUndefined();
    sameAsJson(child(child(xml(await get('services/0704.xml'), 'service_definition'), 'attributes'), 'attribute'), def.attributes[0]);

    const base = valid({ service_code: '0704' });
    const before = await counts();
    const bad = errorJson(await post('json', { ...base, 'attribute[floor]': 'abc', 'attribute[seen_at]': 'yesterday', 'attribute[signs][]': ['smell', 'boom'], 'attribute[colour]': 'red' }), 400);
    expect(bad.map((e) => e.description.split(':')[0]).sort()).toEqual(['attribute[colour]', 'attribute[floor]', 'attribute[seen_at]', 'attribute[signs]']);
    errorJson(await post('json', base), 400); // floor is required
    expect(await counts()).toEqual(before);

    const ok = await file({ service_code: '0704', 'attribute[floor]': '6', 'attribute[seen_at]': '2026-11-20T08:30:00Z', 'attribute[signs][]': ['smell', 'hiss', 'smell'], 'attribute[more]': '楼道里有很重的煤气味' });
    const tk = await ticketByNo(ok.service_request_id);
    expect(tk.events[0].data.open311.attributes).toEqual([
      { code: 'floor', description: '所在楼层', value: 6 },
      { code: 'seen_at', description: '发现时间', value: '2026-11-20T16:30:00+08:00' },
      { code: 'signs', description: '现象', value: ['smell', 'hiss'], names: ['有气味', '有漏气声'] },
      { code: 'more', description: '补充说明', value: '楼道里有很重的煤气味' },
    ]);
  });
});

describe('bad input writes nothing', () => {
  const cases: [string, () => Promise<LightMyRequestResponse>, number][] = [
    ['missing api_key', () => post('json', valid({ api_key: undefined })), 403],
    ['unknown api_key', () => post('json', valid({ api_key: 'o311_not-a-key' })), 403],
    ['unknown service_code', () => post('json', valid({ service_code: '9999' })), 404],
    ['a group is not a service', () => post('json', valid({ service_code: '03' })), 404],
    ['no location', () => post('json', valid({ lat: undefined, long: undefined })), 400],
    ['lat without long', () => post('json', valid({ long: undefined })), 400],
    ['attribute value not in the list', () => post('json', valid({ service_code: '0702', 'attribute[place]': 'roof' })), 400],
    ['required attribute missing', () => post('json', valid({ service_code: '0702' })), 400],
    ['malformed form body (bad escape)', () => post('json', `${form(valid())}&description=%E4%B8`), 400],
    ['malformed form body (not UTF-8)', () => post('json', Buffer.concat([Buffer.from(`${form(valid())}&description=`), Buffer.from([0xc3, 0x28])])), 400],
    ['a JSON body', () => post('json', JSON.stringify(valid()), 'application/json'), 400],
    ['an unknown field', () => post('json', valid({ colour: 'red' })), 400],
    ['a repeated field', () => post('json', `${form(valid())}&service_code=0302`), 400],
    ['description over 4,000 characters', () => post('json', valid({ description: '啊'.repeat(4001) })), 400],
    ['media_url not http(s)', () => post('json', valid({ media_url: 'javascript:alert(1)' })), 400],
    ['malformed phone', () => post('json', valid({ phone: 'call me' })), 400],
    ['a point outside every grid', () => post('json', valid({ lat: '31.23', long: '121.47' })), 400],
    ['an unknown building', () => post('json', valid({ lat: undefined, long: undefined, address_id: '99999999' })), 400],
    ['an unknown address', () => post('json', valid({ lat: undefined, long: undefined, address_string: '火星路1号' })), 400],
    ['a point outside the key’s region', () => post('json', valid({ api_key: communityKey, ...at(bOut) })), 403],
    ['a building outside the key’s region', () => post('json', valid({ api_key: communityKey, lat: undefined, long: undefined, address_id: String(bOut.id) })), 403],
    ['XML: missing api_key', () => post('xml', valid({ api_key: undefined })), 403],
    ['XML: malformed body', () => post('xml', 'api_key=%zz'), 400],
  ];
  for (const [name, send, status] of cases) {
    it(`${name} → ${status}`, async () => {
      const before = await counts();
      const res = await send();
      if (String(res.headers['content-type']).startsWith('text/xml')) {
        const x = xml(res, 'errors', status);
        expect(child(child(x, 'error'), 'code').text).toBe(String(status));
      } else {
        errorJson(res, status);
      }
      expect(await counts()).toEqual(before);
    });
  }

  it('a revoked key stops working at once', async () => {
    const k = await t.services.open311.createKey(SYSTEM, { name: '将被吊销', regionCode: c1 }, SYSTEM_CONTEXT);
    await file({ api_key: k.key });
    await t.services.open311.revokeKey(SYSTEM, k.id, SYSTEM_CONTEXT);
    const before = await counts();
    expect(errorJson(await post('json', valid({ api_key: k.key })), 403)[0]!.description).toContain('吊销');
    expect(await counts()).toEqual(before);
  });
});

// ---- the closed loop -----------------------------------------------------------------------------

describe('an Open311 request around the closed loop', () => {
  it('is accepted and dispatched, handled, verified and closed by staff; GET requests/{id} follows', async () => {
    const r = await file({ service_code: '0702', 'attribute[place]': 'corridor', description: '楼道里有电动车在充电' });
    const view = async () => json<any[]>(await get(`requests/${r.service_request_id}.json`), ServiceRequestsSpec)[0];
    const tk = await ticketByNo(r.service_request_id);
    expect(tk.events[0].data.open311.attributes).toEqual([{ code: 'place', description: '充电位置', value: 'corridor', names: ['楼道'] }]);

    const dispatched = await act(tk.id, 'accept', { dispatch: true });
    expect(dispatched.status).toBe('dispatched');
    let v = await view();
    expect(v).toMatchObject({ status: 'open', status_notes: '已派单待响应', agency_responsible: dispatched.assignee.name });
    expect(v.expected_datetime).toMatch(/\+08:00$/);
    expect(seconds(v.expected_datetime)).toBe(seconds(dispatched.resolveDueAt));

    await act(tk.id, 'supervise', { note: '内部督办意见' });
    expect((await view()).status_notes).toBe('已派单待响应'); // internal notes stay internal

    await act(tk.id, 'handle', { note: '已劝离电动车，楼道恢复畅通' });
    expect(await view()).toMatchObject({ status: 'open', status_notes: '已劝离电动车，楼道恢复畅通' });

    // Nobody rates an Open311 request in Gridwork: verification leaves it for the dispatcher to close.
    const verified = await act(tk.id, 'verify');
    expect(verified.status).toBe('verified');
    expect((await view()).status).toBe('open');

    const closed = await act(tk.id, 'close');
    expect(closed.status).toBe('closed');
    v = await view();
    expect(v).toMatchObject({ status: 'closed', status_notes: '已结案', agency_responsible: closed.assignee.name, service_code: '0702' });
    expect(seconds(v.updated_datetime)).toBe(seconds(closed.updatedAt));
    expect(Date.parse(v.updated_datetime)).toBeGreaterThanOrEqual(Date.parse(v.requested_datetime));

    const x = child(xml(await get(`requests/${r.service_request_id}.xml`), 'service_requests'), 'request');
    sameAsJson(x, v);
    const closedList = json<any[]>(await get('requests.json?status=closed&service_code=0702'), ServiceRequestsSpec);
    expect(closedList.map((s) => s.service_request_id)).toContain(r.service_request_id);
    expect(json<any[]>(await get('requests.json?status=open'), ServiceRequestsSpec).map((s) => s.service_request_id)).not.toContain(r.service_request_id);
  });

  it('a refused request is closed with the reason as its notes', async () => {
    const r = await file();
    const tk = await ticketByNo(r.service_request_id);
    await act(tk.id, 'refuse', { note: '不属于受理范围' });
    const [v] = json<any[]>(await get(`requests/${r.service_request_id}.json`), ServiceRequestsSpec);
    expect(v).toMatchObject({ status: 'closed', status_notes: '不属于受理范围' });
  });
});

// ---- reading -------------------------------------------------------------------------------------

describe('GET requests', () => {
  it('lists Open311 requests of the last 90 days by default, newest first, with filters', async () => {
    clock = new Date(Date.now() - 100 * 86_400_000);
    let old: Awaited<ReturnType<typeof file>>;
    try {
      old = await file({ description: '一百天前的请求' });
    } finally {
      clock = null;
    }
    const fresh = await file({ service_code: '0303', description: '小广告' });
    const all = json<any[]>(await get('requests.json'), ServiceRequestsSpec);
    const ids = all.map((s) => s.service_request_id);
    expect(ids).toContain(fresh.service_request_id);
    expect(ids).not.toContain(old.service_request_id);
    const times = all.map((s) => Date.parse(s.requested_datetime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const since = new Date(Date.now() - 120 * 86_400_000).toISOString();
    const until = new Date(Date.now() - 90 * 86_400_000).toISOString();
    const window = json<any[]>(await get(`requests.json?start_date=${since}&end_date=${until}`), ServiceRequestsSpec);
    expect(window.map((s) => s.service_request_id)).toEqual([old.service_request_id]);

    const byCode = json<any[]>(await get('requests.json?service_code=0303,0304'), ServiceRequestsSpec);
    expect(byCode.length).toBeGreaterThan(0);
    expect(byCode.every((s) => s.service_code === '0303' || s.service_code === '0304')).toBe(true);

    // service_request_id overrides the other filters, as the specification says.
    const byIds = json<any[]>(await get(`requests.json?service_request_id=${old.service_request_id},${fresh.service_request_id}&service_code=0702`), ServiceRequestsSpec);
    expect(byIds.map((s) => s.service_request_id).sort()).toEqual([old.service_request_id, fresh.service_request_id].sort());

    const x = xml(await get('requests.xml'), 'service_requests');
    const items = children(x, 'request');
    expect(items).toHaveLength(all.length);
    for (const [k, s] of all.entries()) sameAsJson(items[k]!, s);

    errorJson(await get('requests.json?status=pending'), 400);
    errorJson(await get('requests.json?start_date=yesterday'), 400);
    errorJson(await get(`requests.json?start_date=${until}&end_date=${since}`), 400);
    xml(await get('requests.xml?end_date=2026-13-01'), 'errors', 400);
    errorJson(await get('requests/GW00000000-000000.json'), 404);
    xml(await get('requests/GW00000000-000000.xml'), 'errors', 404);
  });

  it('with an api_key, only requests in the key’s region; a bad key is refused', async () => {
    const inside = await file();
    const outside = await file({ ...at(bOut) });
    const mine = json<any[]>(await get(`requests.json?api_key=${communityKey}`), ServiceRequestsSpec).map((s) => s.service_request_id);
    expect(mine).toContain(inside.service_request_id);
    expect(mine).not.toContain(outside.service_request_id);
    errorJson(await get(`requests/${outside.service_request_id}.json?api_key=${communityKey}`), 404);
    json(await get(`requests/${outside.service_request_id}.json`), ServiceRequestsSpec);
    errorJson(await get('requests.json?api_key=o311_nope'), 403);
  });

  it('shows only requests that came in through Open311', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/tickets', payload: { categoryCode: '0301', description: '工作人员代录', regionCode: g1, channel: 'open311' }, headers: { cookie: admin } });
    expect(r.statusCode).toBe(201);
    const ids = json<any[]>(await get('requests.json'), ServiceRequestsSpec).map((s) => s.service_request_id);
    expect(ids).not.toContain(r.json().no);
    errorJson(await get(`requests/${r.json().no}.json`), 404);
  });
});

// ---- the administrators' key API -----------------------------------------------------------------

describe('/api/open311/keys', () => {
  it('issues a key once, lists it without the secret, revokes it; all audited', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/open311/keys', payload: { name: '海勃湾区便民 App', regionCode: c1 }, headers: { cookie: admin } });
    expect(created.statusCode, created.body).toBe(201);
    const k = created.json();
    expect(k.key).toMatch(/^o311_[A-Za-z0-9_-]{32}$/);
    expect(k).toMatchObject({ name: '海勃湾区便民 App', keyPrefix: k.key.slice(0, 9), regionCode: c1, active: true, lastUsedAt: null });

    const list = (await t.app.inject({ method: 'GET', url: '/api/open311/keys', headers: { cookie: admin } })).json();
    const listed = list.find((x: { id: number }) => x.id === k.id);
    expect(listed).toBeTruthy();
    expect(listed.key).toBeUndefined();
    expect(JSON.stringify(list)).not.toContain(k.key);
    const stored = await rows<{ key_hash: string }>(t.database.db, sql`SELECT key_hash FROM open311_api_keys WHERE id = ${k.id}`);
    expect(stored[0]!.key_hash).not.toContain(k.key);
    expect(stored[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);

    await file({ api_key: k.key });
    const used = (await t.app.inject({ method: 'GET', url: '/api/open311/keys', headers: { cookie: admin } })).json().find((x: { id: number }) => x.id === k.id);
    expect(used.lastUsedAt).not.toBeNull();

    const revoked = await t.app.inject({ method: 'POST', url: `/api/open311/keys/${k.id}/revoke`, headers: { cookie: admin } });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id: k.id, active: false });
    expect(revoked.json().revokedAt).not.toBeNull();
    expect((await t.app.inject({ method: 'POST', url: `/api/open311/keys/${k.id}/revoke`, headers: { cookie: admin } })).statusCode).toBe(200);
    errorJson(await post('json', valid({ api_key: k.key })), 403);

    const audit = await rows<{ action: string }>(t.database.db, sql`SELECT action FROM audit_log WHERE entity_type = 'open311_api_key' AND entity_id = ${String(k.id)} ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(['open311_key.create', 'open311_key.revoke']);
  });

  it('refuses other roles, other areas, unknown regions and unknown keys', async () => {
    const forbidden = await t.app.inject({ method: 'GET', url: '/api/open311/keys', headers: { cookie: community } });
    expect([forbidden.statusCode, forbidden.json().code]).toEqual([403, 'auth.forbidden']);
    const otherCity = await t.app.inject({ method: 'POST', url: '/api/open311/keys', payload: { name: '外市', regionCode: '150200000000' }, headers: { cookie: admin } });
    expect([otherCity.statusCode, otherCity.json().code]).toEqual([403, 'scope.forbidden']);
    const noRegion = await t.app.inject({ method: 'POST', url: '/api/open311/keys', payload: { name: '不存在', regionCode: '150302999999' }, headers: { cookie: admin } });
    expect([noRegion.statusCode, noRegion.json().code]).toEqual([404, 'region.not_found']);
    const noKey = await t.app.inject({ method: 'POST', url: '/api/open311/keys/999999/revoke', headers: { cookie: admin } });
    expect([noKey.statusCode, noKey.json().code]).toEqual([404, 'open311.key_not_found']);
    // The /api error format is untouched by the Open311 plugin: still RFC 9457 there.
    expect(noKey.headers['content-type']).toContain('application/problem+json');
  });
});
