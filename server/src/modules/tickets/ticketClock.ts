import type { Db } from '../../platform/db/client.js';
import type { TicketService } from './service.js';
import { foldDeltas } from './statsLedger.js';

/**
 * The server's heartbeat for the closed loop: fire due timers and fold metric deltas. Runs in
 * every server process; row locks (SKIP LOCKED) keep the processes from doing the same work.
 * Rounds never overlap within a process.
 */
export function startTicketClock(db: Db, tickets: TicketService, intervalMs: number, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  const round = async () => {
    await tickets.sweep();
    while ((await foldDeltas(db)) >= 20_000);
  };
  const tick = () => {
    if (running) return;
    running = round()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
