import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError, type FieldErrorSpec } from '../errors/index.js';

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

// N=2^15 costs ~60 ms on one core: slow for guessers, fine for a login.
const PARAMS = { N: 32768, r: 8, p: 1, keylen: 64 };
const MAXMEM = 128 * PARAMS.N * PARAMS.r * 2;

/** Hash as `scrypt$N$r$p$salt$hash` (base64), so parameters can rise later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, PARAMS.keylen, { N: PARAMS.N, r: PARAMS.r, p: PARAMS.p, maxmem: MAXMEM });
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyB64, 'base64');
  const N = Number(n);
  const key = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 128 * N * Number(r) * 2,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of a random password, verified against when the username is unknown so timing reveals nothing. */
let dummyHash: Promise<string> | null = null;
export function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(12).toString('hex'));
  return dummyHash;
}

/** Password policy: at least 8 characters with letters and digits, not the username. */
export function checkPasswordStrength(password: string, username: string, field = 'newPassword'): void {
  const problems: FieldErrorSpec[] = [];
  if (password.length < 8 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    problems.push({
      field,
      rule: 'weak_password',
      message: { zh: '至少 8 位，且同时包含字母和数字', en: 'at least 8 characters with both letters and digits' },
    });
  } else if (password.toLowerCase().includes(username.toLowerCase())) {
    problems.push({ field, rule: 'weak_password', message: { zh: '不能包含用户名', en: 'must not contain the username' } });
  }
  if (problems.length) throw new AppError('auth.weak_password', { fields: problems });
}
