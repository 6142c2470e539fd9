import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { errorMessage } from '../../shared/api';

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export type FetchPage<T> = (cursor: string | null, signal: AbortSignal) => Promise<CursorPage<T>>;

export interface CursorListOptions {
  /** Empty the list (and, with 'all', forget the cursor) before reloading when `deps` change. */
  clearOnChange?: 'items' | 'all';
}

/**
 * A list read a page at a time with a cursor. The first page is loaded whenever `deps` change;
 * `load(cursor)` appends the next page, `load(null)` starts over. The latest request wins: an
 * earlier one still under way is aborted and its answer ignored. `fetchPage` is read when a
 * load starts, so it sees the values of the render that started it.
 */
export function useCursorList<T>(fetchPage: FetchPage<T>, deps: DependencyList, options: CursorListOptions = {}) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  /** Load from `from` (null: the first page, replacing the list); `fetch` overrides `fetchPage` once. */
  const load = useCallback(async (from: string | null, fetch: FetchPage<T> = fetchRef.current) => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setLoading(true);
    try {
      const page = await fetch(from, ctl.signal);
      if (abort.current !== ctl) return;
      setItems((prev) => (from ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      if (abort.current === ctl) setError(errorMessage(err));
    } finally {
      if (abort.current === ctl) setLoading(false);
    }
  }, []);

  const clear = options.clearOnChange;
  useEffect(() => {
    if (clear) setItems([]);
    if (clear === 'all') setCursor(null);
    void load(null);
    return () => abort.current?.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return { items, setItems, cursor, loading, error, load };
}
