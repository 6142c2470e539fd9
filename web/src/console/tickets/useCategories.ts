/**
 * The ticket category catalogue, read once per page load and shared by every screen that needs it
 * (filters, the new-ticket form, the catalogue page). `setCategories` replaces one after an edit.
 */
import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../shared/api';
import { categoryTree, ticketCatalogueApi, type CategoryDto, type CategoryNode } from '../../shared/tickets';

let cache: CategoryDto[] | null = null;
let inflight: Promise<CategoryDto[]> | null = null;
const listeners = new Set<(list: CategoryDto[]) => void>();

function fetchCategories(): Promise<CategoryDto[]> {
  if (!inflight) {
    inflight = ticketCatalogueApi.categories().then(
      (list) => {
        cache = list;
        listeners.forEach((l) => l(list));
        return list;
      },
      (err: unknown) => {
        inflight = null;
        throw err;
      },
    );
  }
  return inflight;
}

/** Put an edited category into the shared list. */
export function replaceCategory(c: CategoryDto): void {
  if (!cache) return;
  cache = cache.map((x) => (x.code === c.code ? c : x));
  listeners.forEach((l) => l(cache!));
}

export function useCategories(includeInactive = false) {
  const [list, setList] = useState<CategoryDto[]>(cache ?? []);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listeners.add(setList);
    if (cache) setList(cache);
    else fetchCategories().catch((err: unknown) => setError(errorMessage(err)));
    return () => {
      listeners.delete(setList);
    };
  }, []);
  const tree = useMemo<CategoryNode[]>(() => categoryTree(list, includeInactive), [list, includeInactive]);
  const byCode = useMemo(() => new Map(list.map((c) => [c.code, c])), [list]);
  return { list, tree, byCode, error, loaded: list.length > 0 };
}
