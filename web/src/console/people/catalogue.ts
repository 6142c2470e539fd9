/**
 * The tag and card-colour catalogue (GET /api/catalogue), fetched once per session and shared by
 * every page; the settings page pushes its saves here so lists update without a reload.
 */
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { catalogueApi, type Catalogue, type CatalogueColour, type CatalogueTag } from '../../shared/registry';

let current: Catalogue | null = null;
let pending: Promise<Catalogue> | null = null;
let failed: unknown = null;
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

export function setCatalogue(c: Catalogue): void {
  current = c;
  failed = null;
  emit();
}

export function loadCatalogue(force = false): Promise<Catalogue> {
  if (current && !force) return Promise.resolve(current);
  if (!pending || force) {
    pending = catalogueApi
      .get()
      .then((c) => {
        setCatalogue(c);
        return c;
      })
      .catch((err: unknown) => {
        failed = err;
        emit();
        throw err;
      })
      .finally(() => {
        pending = null;
      });
  }
  return pending;
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useCatalogue() {
  const catalogue = useSyncExternalStore(subscribe, () => current);
  const error = useSyncExternalStore(subscribe, () => failed);
  useEffect(() => {
    if (!current) void loadCatalogue().catch(() => undefined);
  }, []);
  const colours = useMemo(() => [...(catalogue?.colours ?? [])].sort((a, b) => a.sort - b.sort), [catalogue]);
  const tags = useMemo(() => [...(catalogue?.tags ?? [])].sort((a, b) => a.sort - b.sort || a.code.localeCompare(b.code)), [catalogue]);
  const colourMap = useMemo(() => new Map(colours.map((c) => [c.code, c])), [colours]);
  const tagMap = useMemo(() => new Map(tags.map((t) => [t.code, t])), [tags]);
  const colourOf = useCallback((code: string | null | undefined): CatalogueColour | undefined => (code ? colourMap.get(code) : undefined), [colourMap]);
  const tagOf = useCallback((code: string): CatalogueTag | undefined => tagMap.get(code), [tagMap]);
  const reload = useCallback(() => loadCatalogue(true), []);
  return { catalogue, error, colours, tags, colourOf, tagOf, reload };
}

/** Black or white text, whichever reads better on `hex`. */
export function textOn(hex: string | null | undefined): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  if (!m) return 'rgba(0,0,0,0.88)';
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => {
    const c = parseInt(x!, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast against white vs against near-black.
  return (1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 ? '#fff' : 'rgba(0,0,0,0.88)');
}
