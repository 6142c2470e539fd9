import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../shared/api';
import { ticketsApi, type TicketDto, type TicketListQuery } from '../../shared/tickets';

/** A cursor-paged ticket list for InfiniteScroll + PullToRefresh; a new query starts over. */
export function usePagedTickets(query: TicketListQuery) {
  const key = JSON.stringify(query);
  const [items, setItems] = useState<TicketDto[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const gen = useRef(0);

  const reload = useCallback(async () => {
    const my = ++gen.current;
    try {
      const page = await ticketsApi.list({ ...(JSON.parse(key) as TicketListQuery), limit: 20 });
      if (my !== gen.current) return;
      setItems(page.items);
      setCursor(page.nextCursor);
      setHasMore(!!page.nextCursor);
      setError(null);
    } catch (err) {
      if (my !== gen.current) return;
      setError(errorMessage(err));
      setHasMore(false);
    }
  }, [key]);

  const loadMore = useCallback(async () => {
    if (!cursor) {
      setHasMore(false);
      return;
    }
    const my = gen.current;
    try {
      const page = await ticketsApi.list({ ...(JSON.parse(key) as TicketListQuery), cursor, limit: 20 });
      if (my !== gen.current) return;
      setItems((prev) => {
        const seen = new Set((prev ?? []).map((x) => x.id));
        return [...(prev ?? []), ...page.items.filter((x) => !seen.has(x.id))];
      });
      setCursor(page.nextCursor);
      setHasMore(!!page.nextCursor);
    } catch (err) {
      setError(errorMessage(err));
      setHasMore(false);
      throw err;
    }
  }, [key, cursor]);

  useEffect(() => {
    setItems(null);
    setHasMore(true);
    void reload();
  }, [reload]);

  return { items, hasMore, error, reload, loadMore };
}
