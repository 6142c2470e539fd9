import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Personal information at rest (PIPL): values are encrypted with AES-256-GCM, and a keyed hash
 * (HMAC-SHA256, a "blind index") allows exact lookup without decrypting. Both keys derive from
 * one master key with HKDF, so rotating means re-encrypting with a new master key.
 */
export interface PiiCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** Deterministic keyed hash of a normalised value, for equality lookups. */
  blindIndex(kind: 'id' | 'phone', value: string): string;
}

const VERSION = 'v1';

// Nonces come from a pooled buffer of CSPRNG bytes: one randomBytes call per 4,096 values
// instead of one per value (imports encrypt two values a row). Still random 96-bit nonces.
const IV_POOL = 12 * 4096;
let pool = Buffer.alloc(0);
let poolAt = IV_POOL;
function nextIv(): Buffer {
  if (poolAt >= pool.length) {
    pool = randomBytes(IV_POOL);
    poolAt = 0;
  }
  const iv = Buffer.from(pool.subarray(poolAt, poolAt + 12));
  poolAt += 12;
  return iv;
}

export function createPiiCipher(masterKey: Buffer): PiiCipher {
  if (masterKey.length !== 32) throw new Error('GRIDWORK_PII_KEY must be 32 bytes (base64 or 64 hex characters)');
  const encKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'gridwork pii encryption', 32));
  const idxKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'gridwork pii blind index', 32));
  return {
    encrypt(plain) {
      const iv = nextIv();
      const c = createCipheriv('aes-256-gcm', encKey, iv);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `${VERSION}:${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64')}`;
    },
    decrypt(stored) {
      const [v, b64] = stored.split(':');
      if (v !== VERSION || !b64) throw new Error('unknown PII ciphertext format');
      const buf = Buffer.from(b64, 'base64');
      const d = createDecipheriv('aes-256-gcm', encKey, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
    blindIndex(kind, value) {
      return createHmac('sha256', idxKey).update(`${kind}:${normalisePii(kind, value)}`).digest('base64url');
    },
  };
}

export function normalisePii(kind: 'id' | 'phone', value: string): string {
  const v = value.trim().toUpperCase();
  return kind === 'phone' ? v.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '') : v;
}

/** 150302********123X: region and last four stay visible for recognition. */
export function maskCitizenId(id: string): string {
  return id.length >= 10 ? `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}` : '*'.repeat(id.length);
}

/** 138****5678 */
export function maskPhone(phone: string): string {
  const p = normalisePii('phone', phone);
  return p.length >= 7 ? `${p.slice(0, 3)}${'*'.repeat(p.length - 7)}${p.slice(-4)}` : '*'.repeat(p.length);
}

function parseKey(raw: string): Buffer {
  const t = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  const b = Buffer.from(t, 'base64');
  if (b.length !== 32) throw new Error('GRIDWORK_PII_KEY must be 32 bytes, given as base64 or 64 hex characters');
  return b;
}

/**
 * The master key: from GRIDWORK_PII_KEY; on the embedded database a key is generated once
 * into the data directory (mode 0600) so the demo works out of the box. A real PostgreSQL
 * deployment must configure the key: losing it makes the encrypted values unreadable.
 */
export function loadPiiKey(opts: { envKey: string | undefined; dataDir: string; embedded: boolean }): Buffer {
  if (opts.envKey) return parseKey(opts.envKey);
  if (!opts.embedded) {
    throw new Error('使用 PostgreSQL 时必须设置 GRIDWORK_PII_KEY（32 字节，base64 或 64 位十六进制），用于加密身份证号和手机号。');
  }
  const file = path.join(opts.dataDir, 'pii.key');
  if (fs.existsSync(file)) return parseKey(fs.readFileSync(file, 'utf8'));
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  return key;
}
