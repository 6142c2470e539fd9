import { useEffect, useState } from 'react';
import { regionsApi } from '../../shared/geo';

/** Region names by code, shared by the integration pages (the webhook list carries codes only). */
const cache = new Map<string, Promise<string>>();

function nameOf(code: string): Promise<string> {
  let p = cache.get(code);
  if (!p) {
    p = regionsApi.get(code).then(
      (r) => r.name,
      () => {
        cache.delete(code);
        return code;
      },
    );
    cache.set(code, p);
  }
  return p;
}

/** code → name for the given codes; a code shows as itself until (or unless) its name arrives. */
export function useRegionNames(codes: readonly string[]): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({});
  const key = [...new Set(codes)].sort().join(',');
  useEffect(() => {
    let alive = true;
    const list = key ? key.split(',') : [];
    void Promise.all(list.map(async (c) => [c, await nameOf(c)] as const)).then((pairs) => {
      if (alive) setNames(Object.fromEntries(pairs));
    });
    return () => {
      alive = false;
    };
  }, [key]);
  return names;
}
