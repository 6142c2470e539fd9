import { useEffect } from 'react';

/**
 * Call `refresh` every `ms` while the page is visible and the phone is online, and as soon as the
 * page becomes visible again (back from another app): a phone page shows what changed without a
 * pull, and spends nothing in the background or on a dead signal.
 */
export function usePolling(refresh: () => void, ms: number, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible' && navigator.onLine) refresh();
    }, ms);
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh, ms, enabled]);
}
