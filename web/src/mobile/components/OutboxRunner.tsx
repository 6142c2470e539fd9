import { useEffect, useRef } from 'react';
import { Toast } from 'antd-mobile';
import { useAuth } from '../../shared/auth';
import { useT } from '../../shared/i18n';
import { draftTitle, flushOutbox, loadOutbox } from '../lib/outbox';

const RETRY_EVERY_MS = 30_000;

/**
 * Sends reports waiting in the outbox: when the app opens (or the user signs in), when the
 * browser says it is online again, and every 30 s while something is waiting.
 */
export function OutboxRunner() {
  const t = useT();
  const { user } = useAuth();
  const uid = user?.id ?? null;
  const running = useRef(false);
  const tRef = useRef(t);
  tRef.current = t;

  useEffect(() => {
    if (!uid) return;
    const run = async () => {
      if (running.current || !loadOutbox(uid).some((q) => q.state !== 'failed')) return;
      running.current = true;
      try {
        const { sent, rejected } = await flushOutbox(uid);
        if (sent.length) Toast.show({ icon: 'success', content: tRef.current('m.outbox.sent', { n: sent.length }) });
        const first = rejected[0];
        if (first) {
          Toast.show({
            icon: 'fail',
            duration: 4000,
            content: tRef.current('m.outbox.rejected', { title: draftTitle(first.draft), error: loadOutbox(uid).find((q) => q.draft.key === first.draft.key)?.lastError ?? '' }),
          });
        }
      } finally {
        running.current = false;
      }
    };
    void run();
    const onOnline = () => void run();
    window.addEventListener('online', onOnline);
    const timer = window.setInterval(() => {
      if (navigator.onLine) void run();
    }, RETRY_EVERY_MS);
    return () => {
      window.removeEventListener('online', onOnline);
      window.clearInterval(timer);
    };
  }, [uid]);

  return null;
}
