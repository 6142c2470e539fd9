import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPiiCipher, loadPiiKey, maskCitizenId, maskPhone } from './index.js';

describe('personal information at rest', () => {
  const c = createPiiCipher(randomBytes(32));

  it('encrypts with a fresh nonce and decrypts back', () => {
    const a = c.encrypt('11010519491231002X');
    const b = c.encrypt('11010519491231002X');
    expect(a).not.toBe(b);
    expect(a).not.toContain('1949');
    expect(c.decrypt(a)).toBe('11010519491231002X');
  });

  it('detects tampering', () => {
    const a = c.encrypt('13800138000');
    const buf = Buffer.from(a.slice(3), 'base64');
    buf[buf.length - 1]! ^= 1;
    expect(() => c.decrypt(`v1:${buf.toString('base64')}`)).toThrow();
  });

  it('blind index is deterministic, normalised, keyed and kind-separated', () => {
    expect(c.blindIndex('id', '11010519491231002x')).toBe(c.blindIndex('id', ' 11010519491231002X'));
    expect(c.blindIndex('phone', '+86 138-0013-8000')).toBe(c.blindIndex('phone', '13800138000'));
    expect(c.blindIndex('phone', '13800138000')).not.toBe(c.blindIndex('id', '13800138000'));
    expect(createPiiCipher(randomBytes(32)).blindIndex('id', 'x')).not.toBe(c.blindIndex('id', 'x'));
  });

  it('masks for display', () => {
    expect(maskCitizenId('15030219800101123X')).toBe('150302********123X');
    expect(maskPhone('13800138000')).toBe('138****8000');
  });

  it('generates and keeps a key for the embedded database, and demands one for PostgreSQL', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-pii-'));
    const k1 = loadPiiKey({ envKey: undefined, dataDir: dir, embedded: true });
    expect(loadPiiKey({ envKey: undefined, dataDir: dir, embedded: true }).equals(k1)).toBe(true);
    expect((fs.statSync(path.join(dir, 'pii.key')).mode & 0o777).toString(8)).toBe('600');
    expect(() => loadPiiKey({ envKey: undefined, dataDir: dir, embedded: false })).toThrow(/GRIDWORK_PII_KEY/);
    expect(loadPiiKey({ envKey: 'ab'.repeat(32), dataDir: dir, embedded: false })).toHaveLength(32);
    expect(() => loadPiiKey({ envKey: 'short', dataDir: dir, embedded: false })).toThrow();
  });
});
