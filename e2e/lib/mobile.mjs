/** Helpers for tests of the mobile H5 app (/m/) and for talking to the API directly. */
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { request } from 'playwright-core';
import { assert, waitFor } from './expect.mjs';
import { DEMO_PASSWORD } from './console.mjs';

/** A mid-range phone: iPhone SE–sized, touch, retina, Chinese UI, China time. */
export const PHONE = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

export const tid = (id) => `[data-testid="${id}"]`;

/** Collect uncaught errors and console errors of a page (network failures are left out). */
export function watchErrors(page, who, into) {
  page.on('pageerror', (err) => into.push(`${who} pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) into.push(`${who} console: ${msg.text()}`);
  });
}

/** Full-page screenshots of every page given, for a failure (errors here are swallowed). */
export async function screenshotAll(artifacts, prefix, pages) {
  const saved = [];
  for (const [name, page] of Object.entries(pages)) {
    if (!page || page.isClosed()) continue;
    const file = path.join(artifacts, `${prefix}-${name}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
      saved.push(file);
    } catch {
      /* page may be gone */
    }
  }
  return saved;
}

/**
 * Sign in on the phone app: open /m/, land on the login page, fill the form and submit. Resolves
 * with the /api/auth/login answer once the app has left the login page.
 */
export async function mobileLogin(page, baseURL, username, password = DEMO_PASSWORD) {
  await page.goto(`${baseURL}/m/`);
  await page.waitForURL((u) => u.pathname === '/m/login', { timeout: 20_000 });
  await page.locator(tid('login-username')).fill(username);
  await page.locator(tid('login-password')).fill(password);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/auth/login') && r.request().method() === 'POST', { timeout: 20_000 }),
    page.locator(tid('login-submit')).tap(),
  ]);
  assert(res.status() === 200, `mobile login as ${username} answered HTTP ${res.status()}: ${await res.text()}`);
  await page.waitForURL((u) => u.pathname !== '/m/login', { timeout: 20_000 });
  return (await res.json()).user;
}

/** An API client signed in as `username` (its own cookie jar). Call dispose() when done. */
export async function apiSession(baseURL, username, password = DEMO_PASSWORD) {
  const ctx = await request.newContext({ baseURL });
  const res = await ctx.post('/api/auth/login', { data: { username, password } });
  assert(res.status() === 200, `API login as ${username} answered HTTP ${res.status()}: ${await res.text()}`);
  const get = async (url) => {
    const r = await ctx.get(url);
    assert(r.status() === 200, `GET ${url} as ${username} answered HTTP ${r.status()}: ${(await r.text()).slice(0, 300)}`);
    return r.json();
  };
  return { user: (await res.json()).user, get, request: ctx, dispose: () => ctx.dispose() };
}

// ---- a real, small PNG ----------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/**
 * A valid truecolour PNG of `width`×`height` (a diagonal gradient tinted by `seed`, so two photos
 * differ in their bytes), a few kilobytes at most.
 */
export function makePng(width = 64, height = 48, seed = 0) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const i = row + 1 + x * 3;
      raw[i] = (x * 4 + seed * 70) & 0xff;
      raw[i + 1] = (y * 5 + seed * 30) & 0xff;
      raw[i + 2] = ((x + y) * 2 + 90) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Pick a photo into a PhotoUploader (test id `inputId`, e.g. photo-input) and wait until it is on
 * the server and shown as uploaded: the POST /api/uploads answer, no progress bar, and the
 * thumbnail pointing at the stored upload. Resolves with the upload's id.
 */
export async function uploadPhoto(page, inputId, file) {
  const input = page.locator(tid(inputId));
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/uploads') && r.request().method() === 'POST', { timeout: 30_000 }),
    input.setInputFiles(file),
  ]);
  assert(res.status() === 201, `photo upload answered HTTP ${res.status()}: ${await res.text()}`);
  const up = await res.json();
  assert(['image/png', 'image/jpeg'].includes(up.mime), `the upload should be stored as an image, got ${up.mime}`);
  await page.locator(tid(`${inputId}-progress`)).waitFor({ state: 'detached', timeout: 15_000 });
  // The uploader that holds this input; its thumbnail switches from the local blob: to the server URL.
  const uploader = page.locator('.adm-image-uploader', { has: input });
  const thumb = uploader.locator(`img[src="${up.url}"]`);
  await thumb.waitFor({ state: 'attached', timeout: 15_000 });
  await waitFor(() => thumb.evaluate((img) => img.complete && img.naturalWidth > 0), { message: `the thumbnail ${up.url} to load` });
  assert((await uploader.locator('.adm-image-uploader-cell-fail, .adm-image-uploader-cell-mask').count()) === 0, 'the photo should not be shown as failed or pending');
  return up.id;
}
