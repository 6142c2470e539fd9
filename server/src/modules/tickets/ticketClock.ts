import type { Db } from '../../platform/db/client.js';
import type { TicketService } from './service.js';
import { foldDeltas } from './statsLedger.js';
import { startRounds } from '../../platform/jobs/rounds.js';

/**
 * The server's heartbeat for the closed loop: fire due timers and fold metric deltas. Runs in
 * every server process; row locks (SKIP LOCKED) keep the processes from doing the same work.
 */
export function startTicketClock(db: Db, tickets: TicketService, intervalMs: number, onError: (err: unknown) => void): () => Promise<void> {
  return startRounds(
    async () => {
      await tickets.sweep();
      while ((await foldDeltas(db)) >= 20_000);
    },
    intervalMs,
    onError,
  );
}
