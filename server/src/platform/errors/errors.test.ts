import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from './codes.js';

describe('error codes', () => {
  it('are all documented in docs/errors.md with their status', () => {
    const doc = fs.readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    const missing = Object.entries(ERRORS)
      .filter(([code, def]) => !new RegExp(`\\| \`${code.replace(/\./g, '\\.')}\` \\| ${def.status} \\|`).test(doc))
      .map(([code]) => code);
    expect(missing).toEqual([]);
  });
});
