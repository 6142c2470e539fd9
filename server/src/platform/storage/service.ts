import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Db, DbOrTx } from '../db/client.js';
import { AppError, invalidField } from '../errors/index.js';
import type { Actor } from '../scope/index.js';
import { recordAudit, recordAudits, SYSTEM_CONTEXT, type AuditContext } from '../audit/index.js';
import { BlobNotFoundError, type BlobStorage } from './index.js';
import { IMAGE_TYPES, sanitiseImage, type ImageMime } from './images.js';
import { uploadsRepo, type UploadRow } from './repo.js';

/** What an upload is for. The owning module decides who may attach and read it. */
export const UPLOAD_PURPOSES = ['ticket'] as const;
export type UploadPurpose = (typeof UPLOAD_PURPOSES)[number];

export const DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
/** Uploads one user may make in any hour; enough for a busy grid worker, not enough to fill a disk. */
export const UPLOADS_PER_USER_PER_HOUR = 120;

/**
 * `GRIDWORK_UPLOAD_MAX_BYTES` (default 10 MiB), checked like the other numeric settings.
 * Read here rather than in platform/config.ts so the upload piece stays self-contained; it can
 * move into `Config` unchanged.
 */
export function uploadMaxBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GRIDWORK_UPLOAD_MAX_BYTES;
  if (raw === undefined || raw === '') return DEFAULT_UPLOAD_MAX_BYTES;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`环境变量 GRIDWORK_UPLOAD_MAX_BYTES 必须是正整数 (got "${raw}")`);
  return n;
}

/** Metadata of a stored upload, for modules that attach uploads (tickets). */
export interface UploadMeta {
  id: string;
  /** Where a signed-in client reads the bytes. */
  url: string;
  purpose: string;
  mime: ImageMime;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  uploaderUserId: number;
  createdAt: string;
}

/** The answer to `POST /api/uploads`. */
export interface UploadCreated {
  id: string;
  url: string;
  mime: ImageMime;
  size: number;
  width: number | null;
  height: number | null;
}

/**
 * An upload nothing refers to this long after it was made is removed (a photo picked for a
 * report that was never sent). Long enough for a draft kept offline on a phone for weeks.
 */
export const ORPHAN_AFTER_DAYS = 30;

/**
 * Which of these uploads the owning module still refers to. Each purpose has one owner (tickets
 * for `ticket`); the storage module never reads another module's tables itself.
 */
export type UploadReferrer = (ids: string[], db: DbOrTx) => Promise<Set<string>>;

/** Upload ids are 32 lower-case hex digits; anything else cannot exist. */
export const UPLOAD_ID_PATTERN = '^[0-9a-f]{32}$';
const UPLOAD_ID = new RegExp(UPLOAD_ID_PATTERN);

export const uploadUrl = (id: string) => `/api/uploads/${id}`;

function meta(r: UploadRow): UploadMeta {
  return {
    id: r.id,
    url: uploadUrl(r.id),
    purpose: r.purpose,
    mime: r.mime as ImageMime,
    size: r.size,
    sha256: r.sha256,
    width: r.width,
    height: r.height,
    uploaderUserId: r.uploaderUserId,
    createdAt: r.createdAt.toISOString(),
  };
}

const uniq = (ids: string[]) => [...new Set(ids)];

/**
 * Photos sent by signed-in users. The bytes are checked (JPEG, PNG, WebP only, by content),
 * stripped of location metadata (images.ts), stored in blob storage under a random key, and
 * described by a row in `uploads`; the upload is audited as `upload.create`.
 *
 * Who may read an upload: for now any signed-in user who knows its id. The id is 128 random
 * bits from the operating system's CSPRNG and is never listed anywhere, so it cannot be
 * guessed or enumerated; knowing it is the permission. The tickets module, which attaches
 * photos to tickets, will narrow this to the people who may see the ticket.
 */
export class UploadService {
  readonly maxBytes: number;
  private readonly perUserPerHour: number;
  private readonly referrers = new Map<string, UploadReferrer>();

  constructor(
    private readonly db: Db,
    readonly storage: BlobStorage,
    opts: { maxBytes?: number; perUserPerHour?: number } = {},
  ) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_UPLOAD_MAX_BYTES;
    this.perUserPerHour = opts.perUserPerHour ?? UPLOADS_PER_USER_PER_HOUR;
  }

  tooLarge(): AppError {
    const mib = Math.round((this.maxBytes / 1024 / 1024) * 10) / 10;
    return new AppError('upload.too_large', { detail: { zh: `文件不能超过 ${mib} MB`, en: `the file may be at most ${mib} MiB` }, extra: { maxBytes: this.maxBytes } });
  }

  /** Check, strip and store one photo. Nothing is stored when any check fails. */
  async create(actor: Actor | undefined, input: { bytes: Buffer; purpose?: string }, ctx: AuditContext): Promise<UploadCreated> {
    if (!actor) throw new AppError('auth.required');
    const purpose = input.purpose ?? 'ticket';
    if (!(UPLOAD_PURPOSES as readonly string[]).includes(purpose)) {
      throw invalidField('purpose', 'enum', { zh: `应为 ${UPLOAD_PURPOSES.join('、')} 之一`, en: `must be one of ${UPLOAD_PURPOSES.join(', ')}` });
    }
    if (input.bytes.length > this.maxBytes) throw this.tooLarge();
    await this.checkRate(actor);
    const img = sanitiseImage(input.bytes);
    const id = randomBytes(16).toString('hex');
    const key = `${id}.${IMAGE_TYPES[img.mime]}`;
    const sha256 = createHash('sha256').update(img.bytes).digest('hex');
    const { size } = await this.storage.put(key, img.bytes);
    try {
      await this.db.transaction(async (tx) => {
        await uploadsRepo.insert(tx, { id, key, purpose, mime: img.mime, size, sha256, width: img.width, height: img.height, uploaderUserId: actor.id });
        await recordAudit(tx, ctx, {
          action: 'upload.create',
          entityType: 'upload',
          entityId: id,
          scopePath: actor.scopePath,
          after: { purpose, mime: img.mime, size, sha256, width: img.width, height: img.height, receivedBytes: input.bytes.length, removed: img.removed },
        });
      });
    } catch (e) {
      // The row did not land: the blob must not linger either.
      await this.storage.delete(key).catch(() => {});
      throw e;
    }
    return { id, url: uploadUrl(id), mime: img.mime, size, width: img.width, height: img.height };
  }

  /** Metadata and bytes of one upload, for `GET /api/uploads/:id` (any signed-in user; see the class comment). */
  async open(actor: Actor | undefined, id: string): Promise<{ meta: UploadMeta; stream: Readable }> {
    if (!actor) throw new AppError('auth.required');
    const row = UPLOAD_ID.test(id) ? (await uploadsRepo.byIds(this.db, [id]))[0] : undefined;
    if (!row) throw new AppError('upload.not_found');
    try {
      return { meta: meta(row), stream: await this.storage.get(row.key) };
    } catch (e) {
      if (e instanceof BlobNotFoundError) throw new AppError('upload.not_found', { detail: { zh: '文件已不在存储中', en: 'the file is missing from storage' } });
      throw e;
    }
  }

  /**
   * Metadata of the uploads with these ids, in the order asked (each once); unknown or malformed
   * ids are left out. Pass `tx` when calling inside a transaction (one connection on PGlite).
   */
  async get(ids: string[], db: DbOrTx = this.db): Promise<UploadMeta[]> {
    const wanted = uniq(ids).filter((id) => UPLOAD_ID.test(id));
    const byId = new Map((await uploadsRepo.byIds(db, wanted)).map((r) => [r.id, meta(r)]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * Throw `upload.not_found` (extra member `missing`: the ids) unless every id names an upload
   * — and, with `uploaderUserId`, one that user uploaded (so nobody attaches someone else's
   * photo by its id). Returns their metadata in the order asked. Tickets call this before
   * attaching photos.
   */
  async assertExists(ids: string[], uploaderUserId?: number, db: DbOrTx = this.db): Promise<UploadMeta[]> {
    const found = await this.get(ids, db);
    const ok = new Set(found.filter((m) => uploaderUserId === undefined || m.uploaderUserId === uploaderUserId).map((m) => m.id));
    const missing = uniq(ids).filter((id) => !ok.has(id));
    if (missing.length) throw new AppError('upload.not_found', { extra: { missing } });
    return found;
  }

  /** The owning module of a purpose says which uploads it uses; without one, the sweep keeps them all. */
  setReferrer(purpose: UploadPurpose, referrer: UploadReferrer): void {
    this.referrers.set(purpose, referrer);
  }

  /**
   * Remove uploads older than `ORPHAN_AFTER_DAYS` that their owning module does not use, row and
   * bytes, each audited as `upload.purge`; the ones in use are marked kept and never checked
   * again. Works oldest first, `batch` uploads a transaction, at most `maxBatches` a call (the
   * rest waits for the next hourly call); returns how many it removed and kept. Bytes are deleted after the rows are gone, so a crash between the two
   * leaves an unreferenced file on disk, never a row whose file is missing.
   */
  async purgeOrphans(now: Date = new Date(), batch = 500, maxBatches = 20): Promise<{ removed: number; kept: number }> {
    const total = { removed: 0, kept: 0 };
    for (let i = 0; i < maxBatches; i++) {
      const r = await this.purgeBatch(now, batch);
      total.removed += r.removed;
      total.kept += r.kept;
      if (r.removed + r.kept < batch) break;
    }
    return total;
  }

  private async purgeBatch(now: Date, limit: number): Promise<{ removed: number; kept: number }> {
    const before = new Date(now.getTime() - ORPHAN_AFTER_DAYS * 86_400_000);
    const { gone, kept } = await this.db.transaction(async (tx) => {
      const rows = await uploadsRepo.lockUnswept(tx, before, limit);
      const inUse = new Set<string>();
      for (const purpose of new Set(rows.map((r) => r.purpose))) {
        const ids = rows.filter((r) => r.purpose === purpose).map((r) => r.id);
        const referrer = this.referrers.get(purpose);
        for (const id of referrer ? await referrer(ids, tx) : ids) inUse.add(id);
      }
      const gone = rows.filter((r) => !inUse.has(r.id));
      await uploadsRepo.markKept(tx, [...inUse], now);
      await uploadsRepo.delete(
        tx,
        gone.map((r) => r.id),
      );
      await recordAudits(
        tx,
        SYSTEM_CONTEXT,
        gone.map((r) => ({
          action: 'upload.purge',
          entityType: 'upload',
          entityId: r.id,
          before: { purpose: r.purpose, mime: r.mime, size: r.size, sha256: r.sha256, uploaderUserId: r.uploaderUserId, createdAt: r.createdAt.toISOString() },
          note: `${ORPHAN_AFTER_DAYS} 天未被引用`,
        })),
      );
      return { gone, kept: inUse.size };
    });
    for (const r of gone) await this.storage.delete(r.key).catch(() => {});
    return { removed: gone.length, kept };
  }

  private async checkRate(actor: Actor): Promise<void> {
    const hour = 3600_000;
    const { n, oldest } = await uploadsRepo.windowSince(this.db, actor.id, new Date(Date.now() - hour));
    if (n < this.perUserPerHour) return;
    const wait = oldest ? Math.max(1, Math.ceil((oldest.getTime() + hour - Date.now()) / 1000)) : 60;
    throw new AppError('upload.rate_limited', { headers: { 'retry-after': String(wait) }, extra: { limit: this.perUserPerHour } });
  }
}
