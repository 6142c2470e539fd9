import { useCallback, useEffect, useState } from 'react';
import { ticketsApi, type InboxDto } from '../../shared/tickets';
import { usePolling } from './usePolling';

const POLL_MS = 60_000;

/** GET /api/tickets/inbox, refreshed every minute while the page is visible and online. */
export function useInbox() {
  const [inbox, setInbox] = useState<InboxDto | null>(null);

  const load = useCallback(async () => {
    try {
      setInbox(await ticketsApi.inbox());
    } catch {
      /* keep the last counts on a weak signal */
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);
  usePolling(load, POLL_MS);

  const markRead = useCallback(async (ids: number[]) => {
    if (!ids.length) return;
    setInbox(
      (x) =>
        x && {
          counts: { ...x.counts, unread: Math.max(0, x.counts.unread - ids.filter((id) => x.notices.some((n) => n.id === id && !n.read)).length) },
          notices: x.notices.map((n) => (ids.includes(n.id) ? { ...n, read: true } : n)),
        },
    );
    try {
      await ticketsApi.markRead(ids);
    } catch {
      /* shown as read here; the server keeps it unread until the next try */
    }
  }, []);

  return { inbox, reload: load, markRead };
}
