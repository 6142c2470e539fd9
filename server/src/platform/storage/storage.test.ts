import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobNotFoundError, LocalDiskStorage } from './index.js';
import { DEFAULT_UPLOAD_MAX_BYTES, uploadMaxBytesFromEnv } from './service.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-blobs-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const read = async (s: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

describe('LocalDiskStorage', () => {
  const store = new LocalDiskStorage(root);

  it('stores buffers and streams under sharded directories and reads them back', async () => {
    expect(await store.put('a1b2.jpg', Buffer.from('hello'))).toEqual({ size: 5 });
    expect(await store.put('c3d4.png', Readable.from([Buffer.from('str'), Buffer.from('eamed')]))).toEqual({ size: 8 });
    expect((await read(await store.get('a1b2.jpg'))).toString()).toBe('hello');
    expect((await read(await store.get('c3d4.png'))).toString()).toBe('streamed');
    const file = store.pathOf('a1b2.jpg');
    expect(path.relative(root, file)).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/a1b2\.jpg$/);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect((await store.stat('a1b2.jpg'))?.size).toBe(5);
    // Only finished blobs are in place; the temp directory is empty again.
    expect(fs.readdirSync(path.join(root, '.tmp'))).toEqual([]);
  });

  it('replaces a blob atomically and deletes idempotently', async () => {
    await store.put('k.bin', Buffer.from('one'));
    await store.put('k.bin', Buffer.from('two!'));
    expect((await read(await store.get('k.bin'))).toString()).toBe('two!');
    await store.delete('k.bin');
    await store.delete('k.bin');
    expect(await store.stat('k.bin')).toBeNull();
    await expect(store.get('k.bin')).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('leaves nothing behind when the source stream fails', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('broken.jpg', failing)).rejects.toThrow('client went away');
    expect(await store.stat('broken.jpg')).toBeNull();
    expect(fs.readdirSync(path.join(root, '.tmp'))).toEqual([]);
  });

  it('refuses keys that could leave the root', async () => {
    for (const key of ['../x', 'a/b', '.hidden', '', 'a\\b', 'x'.repeat(201)]) {
      await expect(store.put(key, Buffer.from('x')), key).rejects.toThrow(/invalid blob key/);
    }
  });
});

describe('GRIDWORK_UPLOAD_MAX_BYTES', () => {
  it('defaults to 10 MiB and must be a positive integer', () => {
    expect(uploadMaxBytesFromEnv({})).toBe(DEFAULT_UPLOAD_MAX_BYTES);
    expect(DEFAULT_UPLOAD_MAX_BYTES).toBe(10 * 1024 * 1024);
    expect(uploadMaxBytesFromEnv({ GRIDWORK_UPLOAD_MAX_BYTES: '2048' })).toBe(2048);
    expect(() => uploadMaxBytesFromEnv({ GRIDWORK_UPLOAD_MAX_BYTES: '10MB' })).toThrow(/GRIDWORK_UPLOAD_MAX_BYTES/);
    expect(() => uploadMaxBytesFromEnv({ GRIDWORK_UPLOAD_MAX_BYTES: '0' })).toThrow(/GRIDWORK_UPLOAD_MAX_BYTES/);
  });
});
