/**
 * Blob storage for uploaded files. Callers (the upload service) see only `BlobStorage`;
 * `LocalDiskStorage` keeps the blobs under `$GRIDWORK_DATA_DIR/uploads/`. An S3-compatible
 * object store (MinIO, OSS, COS, …) can implement the same four methods later — keys are flat,
 * opaque names, so they map one to one onto object keys; sharding is a concern of the disk
 * store only. Not built yet.
 *
 * Blobs are immutable in practice: a key is written once (the upload's random id) and read
 * many times. Metadata (type, size, hash, who uploaded) lives in the `uploads` table, not here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface BlobStat {
  size: number;
  modifiedAt: Date;
}

export interface BlobStorage {
  /** Store the bytes under `key`, replacing any blob with that key; nothing is visible under the key until the write completed. */
  put(key: string, data: Readable | Buffer): Promise<{ size: number }>;
  /** The bytes under `key`; rejects with `BlobNotFoundError` when there is none. */
  get(key: string): Promise<Readable>;
  /** Size and time of the blob, or null when there is none. */
  stat(key: string): Promise<BlobStat | null>;
  /** Remove the blob; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

export class BlobNotFoundError extends Error {
  readonly code = 'BLOB_NOT_FOUND';
  constructor(readonly key: string) {
    super(`no blob with key ${key}`);
  }
}

/** Keys are flat names: letters, digits, `.`, `_`, `-`; no path separators, not starting with a dot. */
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

export function assertBlobKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`invalid blob key ${JSON.stringify(key)}`);
}

/**
 * Blobs as files: `<root>/<aa>/<bb>/<key>`, where `aabb` are the first hex digits of the key's
 * SHA-256, so no directory grows past a few thousand entries whatever the keys look like.
 * Writes go to `<root>/.tmp/` first, are flushed to disk, then renamed into place (atomic on
 * one file system), so a reader never sees half a file and a crash leaves only a temp file.
 */
export class LocalDiskStorage implements BlobStorage {
  readonly root: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.tmpDir = path.join(this.root, '.tmp');
  }

  /** The file that holds (or would hold) `key`. */
  pathOf(key: string): string {
    assertBlobKey(key);
    const h = createHash('sha256').update(key).digest('hex');
    return path.join(this.root, h.slice(0, 2), h.slice(2, 4), key);
  }

  async put(key: string, data: Readable | Buffer): Promise<{ size: number }> {
    const target = this.pathOf(key);
    await fs.promises.mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const tmp = path.join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`);
    const fh = await fs.promises.open(tmp, 'wx', 0o600);
    let size = 0;
    try {
      if (Buffer.isBuffer(data)) {
        await fh.writeFile(data);
        size = data.length;
      } else {
        for await (const chunk of data) {
          const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
          await fh.write(buf);
          size += buf.length;
        }
      }
      await fh.sync();
      await fh.close();
      await fs.promises.rename(tmp, target);
    } catch (e) {
      await fh.close().catch(() => {});
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
    return { size };
  }

  async get(key: string): Promise<Readable> {
    try {
      // Open first, so a missing blob is an error here rather than on the stream after the headers went out.
      const fh = await fs.promises.open(this.pathOf(key), 'r');
      return fh.createReadStream();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(key);
      throw e;
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    try {
      const s = await fs.promises.stat(this.pathOf(key));
      return { size: s.size, modifiedAt: s.mtime };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }
}
