import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../test/app.js';
import { GPS_RATIONALS, GPS_TEXT, PDF, GIF, jpegWithGps, pngWithGps, webpWithGps } from '../../test/imageFixtures.js';
import { rows } from '../db/client.js';
import { SYSTEM_CONTEXT } from '../audit/index.js';
import { authRepo } from '../auth/repo.js';
import { actorFromUser } from '../auth/service.js';
import { LocalDiskStorage } from './index.js';
import { sanitiseImage } from './images.js';
import { UploadService } from './service.js';

let t: TestApp;
let dataDir: string;
let grid: string;
let resident: string;
let gridUserId: number;

function multipart(file: { name: string; type: string; content: Buffer } | null, fields: Record<string, string> = {}) {
  const boundary = `----gw${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const post = (cookie: string | null, file: { name: string; type: string; content: Buffer } | null, fields?: Record<string, string>) => {
  const m = multipart(file, fields);
  return t.app.inject({ method: 'POST', url: '/api/uploads', payload: m.payload, headers: { ...m.headers, ...(cookie ? { cookie } : {}) } });
};

const uploadsDir = () => path.join(dataDir, 'uploads');
/** Every stored blob (temp files excluded). */
function storedFiles(): string[] {
  const dir = uploadsDir();
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => !f.startsWith('.tmp') && fs.statSync(path.join(dir, f)).isFile());
}
const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(t.database.db, q))[0]!.n;
const uploadRows = () => count(sql`SELECT count(*)::int AS n FROM uploads`);
const auditRows = () => count(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'upload.create'`);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-uploads-'));
  t = await createTestApp('demo', { GRIDWORK_DATA_DIR: dataDir });
  grid = await t.login('grid01');
  await t.services.users.ensureSystemUser({ username: 'resident-up', displayName: '居民', password: 'Passw0rd-fixture', role: 'resident', scopeCode: null }, SYSTEM_CONTEXT);
  resident = await t.login('resident-up', 'Passw0rd-fixture');
  gridUserId = (await authRepo.findByUsername(t.database.db, 'grid01'))!.id;
}, 120_000);

afterAll(async () => {
  await t?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('POST /api/uploads', () => {
  let id: string;
  const input = jpegWithGps(6);

  it('stores a JPEG without its GPS metadata and audits the upload', async () => {
    expect(input.includes(GPS_RATIONALS) && input.includes(GPS_TEXT)).toBe(true);
    const res = await post(grid, { name: 'IMG_0001.jpg', type: 'image/jpeg', content: input });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    id = body.id;
    const expected = sanitiseImage(input).bytes;
    expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), url: `/api/uploads/${body.id}`, mime: 'image/jpeg', size: expected.length, width: 16, height: 8 });

    const [row] = await t.services.uploads.get([id]);
    expect(row).toMatchObject({ id, mime: 'image/jpeg', size: expected.length, purpose: 'ticket', uploaderUserId: gridUserId, width: 16, height: 8 });
    const stored = fs.readFileSync((t.services.uploads.storage as LocalDiskStorage).pathOf(`${id}.jpg`));
    expect(stored.equals(expected)).toBe(true);
    expect(stored.includes(GPS_RATIONALS)).toBe(false);
    expect(stored.includes(GPS_TEXT)).toBe(false);
    expect(stored.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(stored.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));

    const [audit] = await rows<{ actor_username: string; entity_id: string; after: { sha256: string; removed: string[] } }>(
      t.database.db,
      sql`SELECT actor_username, entity_id, after FROM audit_log WHERE action = 'upload.create' AND entity_id = ${id}`,
    );
    expect(audit).toMatchObject({ actor_username: 'grid01', entity_id: id });
    expect(audit!.after.sha256).toBe(row!.sha256);
    expect(audit!.after.removed).toEqual(expect.arrayContaining(['JPEG APP1 Exif', 'JPEG APP1 XMP']));
  });

  it('reads back the same sanitised bytes with the sniffed content type', async () => {
    const res = await t.app.inject({ url: `/api/uploads/${id}`, headers: { cookie: resident } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toBe('private, max-age=86400');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.rawPayload.equals(sanitiseImage(input).bytes)).toBe(true);
    expect(res.rawPayload.includes(GPS_TEXT)).toBe(false);
    // Revalidation by ETag.
    const again = await t.app.inject({ url: `/api/uploads/${id}`, headers: { cookie: grid, 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('accepts PNG and WebP from a resident, whatever the file is called', async () => {
    for (const [content, mime, size] of [
      [pngWithGps(), 'image/png', [3, 2]],
      [webpWithGps(), 'image/webp', [40, 30]],
    ] as const) {
      const res = await post(resident, { name: 'photo.jpg', type: 'application/octet-stream', content });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ mime, width: size[0], height: size[1] });
      const back = await t.app.inject({ url: res.json().url, headers: { cookie: grid } });
      expect(back.headers['content-type']).toBe(mime);
      expect(back.rawPayload.includes(GPS_TEXT)).toBe(false);
    }
  });

  it('refuses a PDF or GIF named .jpg with 415 and stores nothing', async () => {
    const [files, uploads, audits] = [storedFiles().length, await uploadRows(), await auditRows()];
    for (const content of [PDF, GIF, Buffer.from('not a photo at all')]) {
      const res = await post(grid, { name: 'photo.jpg', type: 'image/jpeg', content });
      expect(res.statusCode, res.body).toBe(415);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('upload.unsupported_type');
    }
    expect(storedFiles().length).toBe(files);
    expect(await uploadRows()).toBe(uploads);
    expect(await auditRows()).toBe(audits);
  });

  it('refuses a file over the size limit with 413 and stores nothing', async () => {
    const [files, uploads] = [storedFiles().length, await uploadRows()];
    const max = t.services.uploads.maxBytes;
    expect(max).toBe(10 * 1024 * 1024);
    // A real JPEG start, padded past the limit.
    const big = Buffer.concat([jpegWithGps(), Buffer.alloc(max + 1 - jpegWithGps().length)]);
    const res = await post(grid, { name: 'big.jpg', type: 'image/jpeg', content: big });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json()).toMatchObject({ code: 'upload.too_large', maxBytes: max });
    // Exactly at the limit is allowed: a valid JPEG followed by padding, which is cut off after EOI.
    const atLimit = await post(grid, { name: 'edge.jpg', type: 'image/jpeg', content: big.subarray(0, max) });
    expect(atLimit.statusCode, atLimit.body).toBe(201);
    expect(atLimit.json().size).toBeLessThan(1000);
    expect(storedFiles().length).toBe(files + 1);
    expect(await uploadRows()).toBe(uploads + 1);
  });

  it('needs a session (401), multipart (415) and a file part (400)', async () => {
    const anon = await post(null, { name: 'a.jpg', type: 'image/jpeg', content: jpegWithGps() });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().code).toBe('auth.required');
    expect((await t.app.inject({ url: `/api/uploads/${id}` })).statusCode).toBe(401);
    const json = await t.app.inject({ method: 'POST', url: '/api/uploads', payload: { file: 'x' }, headers: { cookie: grid } });
    expect(json.statusCode).toBe(415);
    const noFile = await post(grid, null, { purpose: 'ticket' });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().code).toBe('upload.file_required');
    const badPurpose = await post(grid, { name: 'a.jpg', type: 'image/jpeg', content: jpegWithGps() }, { purpose: 'avatar' });
    expect(badPurpose.statusCode).toBe(400);
    expect(badPurpose.json().errors[0]).toMatchObject({ field: 'purpose', rule: 'enum' });
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const unknown = await t.app.inject({ url: `/api/uploads/${'0'.repeat(32)}`, headers: { cookie: grid } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('upload.not_found');
    const malformed = await t.app.inject({ url: '/api/uploads/..%2F..%2Fpglite', headers: { cookie: grid } });
    expect(malformed.statusCode).toBe(400);
  });
});

describe('UploadService for other modules', () => {
  it('get() returns metadata in the order asked and skips unknown ids; assertExists() checks existence and uploader', async () => {
    const a = (await post(grid, { name: 'a.jpg', type: 'image/jpeg', content: jpegWithGps(1) })).json().id as string;
    const b = (await post(resident, { name: 'b.png', type: 'image/png', content: pngWithGps() })).json().id as string;
    const up = t.services.uploads;
    expect((await up.get([b, 'nope', a, b])).map((m) => m.id)).toEqual([b, a]);
    expect((await up.assertExists([a, b])).map((m) => m.mime)).toEqual(['image/jpeg', 'image/png']);
    expect((await up.assertExists([a], gridUserId)).length).toBe(1);
    await expect(up.assertExists([a, b], gridUserId)).rejects.toMatchObject({ code: 'upload.not_found', extra: { missing: [b] } });
    await expect(up.assertExists([a, 'f'.repeat(32)])).rejects.toMatchObject({ code: 'upload.not_found', extra: { missing: ['f'.repeat(32)] } });
    expect(await up.assertExists([])).toEqual([]);
  });

  it('limits uploads per user and hour (429 with Retry-After)', async () => {
    const user = (await authRepo.findByUsername(t.database.db, 'grid01'))!;
    const actor = actorFromUser(user);
    const already = (await rows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM uploads WHERE uploader_user_id = ${user.id}`))[0]!.n;
    const limited = new UploadService(t.database.db, new LocalDiskStorage(uploadsDir()), { perUserPerHour: already });
    const err = await limited.create(actor, { bytes: jpegWithGps() }, SYSTEM_CONTEXT).catch((e) => e);
    expect(err).toMatchObject({ code: 'upload.rate_limited', status: 429 });
    expect(Number(err.headers['retry-after'])).toBeGreaterThan(3000);
  });
});

describe('orphan uploads', () => {
  it('removes, after 30 days, uploads no ticket shows (row, bytes, audited) and keeps report and handling photos for good', async () => {
    const admin = await t.login('admin');
    const up = async () => (await post(grid, { name: 'p.jpg', type: 'image/jpeg', content: jpegWithGps(2) })).json().id as string;
    const [reportPhoto, firstHandle, secondHandle, orphan] = [await up(), await up(), await up(), await up()];
    const regionCode = (await rows<{ code: string }>(t.database.db, sql`SELECT code FROM regions WHERE level = 'grid' ORDER BY code LIMIT 1`))[0]!.code;
    const api = async (url: string, payload: unknown) => {
      const r = await t.app.inject({ method: 'POST', url, payload: payload as object, headers: { cookie: admin } });
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r.json();
    };
    const tk = await api('/api/tickets', { categoryCode: '0301', description: '楼道堆物', regionCode, photos: [reportPhoto] });
    for (const [action, body] of [
      ['accept', {}],
      ['dispatch', {}],
      ['start', {}],
      ['handle', { note: '已清理', photos: [firstHandle] }],
      ['reject_verification', { note: '仍有堆物' }],
      ['handle', { note: '已再次清理', photos: [secondHandle] }],
    ] as const) {
      await api(`/api/tickets/${tk.id}/actions/${action}`, body);
    }
    const keyOf = async (id: string) => (await rows<{ key: string }>(t.database.db, sql`SELECT key FROM uploads WHERE id = ${id}`))[0]?.key;
    const orphanKey = (await keyOf(orphan))!;
    expect(storedFiles().map((f) => path.basename(f))).toContain(orphanKey);

    // Nothing is young enough to go yet.
    expect(await t.services.uploads.purgeOrphans(new Date())).toEqual({ removed: 0, kept: 0 });

    const later = new Date(Date.now() + 31 * 86_400_000);
    const first = await t.services.uploads.purgeOrphans(later, 3);
    expect(first.kept).toBe(3);
    for (const id of [reportPhoto, firstHandle, secondHandle]) expect(await keyOf(id)).toBeDefined();
    expect(await keyOf(orphan)).toBeUndefined();
    expect(storedFiles().map((f) => path.basename(f))).not.toContain(orphanKey);
    const audit = await rows<{ actor_id: number | null; before: { uploaderUserId: number; sha256: string } }>(
      t.database.db,
      sql`SELECT actor_id, before FROM audit_log WHERE action = 'upload.purge' AND entity_id = ${orphan}`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBeNull();
    expect(audit[0]!.before.uploaderUserId).toBe(gridUserId);
    // Kept ones are not looked at again; the photos still open.
    expect(await t.services.uploads.purgeOrphans(later)).toEqual({ removed: 0, kept: 0 });
    const got = await t.app.inject({ method: 'GET', url: `/api/uploads/${firstHandle}`, headers: { cookie: grid } });
    expect(got.statusCode).toBe(200);
  });
});
