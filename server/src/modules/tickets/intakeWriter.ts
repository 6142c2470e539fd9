import type { DbOrTx } from '../../platform/db/client.js';
import { ticketRepo, type IntakeWrite, type NearRow } from './repo.js';

interface Pending {
  w: IntakeWrite;
  resolve(found: NearRow[]): void;
  reject(e: unknown): void;
}

/**
 * Writes new tickets in batches (group commit). While `maxInFlight` intake statements are
 * running, tickets that arrive wait and then go together in one statement: a statement and its
 * commit cost PostgreSQL about the same for one ticket as for twenty, so under a burst (a storm,
 * a hotline import) the platform takes more tickets a second, and a lone ticket is written at
 * once. Each ticket still stands alone: if a batch fails, its statement wrote nothing and every
 * ticket in it is written again by itself, so only the one at fault fails.
 */
export class IntakeWriter {
  private readonly queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: DbOrTx,
    private readonly maxInFlight = 2,
    private readonly maxBatch = 50,
  ) {}

  /** Write one ticket with its trail; resolves with the probable duplicates found for it. */
  write(w: IntakeWrite): Promise<NearRow[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ w, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      const ws = batch.map((p) => p.w);
      const found = await ticketRepo.insertWithTrail(this.db, ws);
      batch.forEach((p, i) => p.resolve(found[i]!.concat(earlierInBatch(ws, i))));
      return;
    } catch (e) {
      if (batch.length === 1) {
        batch[0]!.reject(e);
        return;
      }
    }
    for (const p of batch) {
      try {
        const [found] = await ticketRepo.insertWithTrail(this.db, [p.w]);
        p.resolve(found!);
      } catch (e) {
        p.reject(e);
      }
    }
  }
}

/**
 * Tickets earlier in the same batch that the i-th one's duplicate check would have found (its
 * statement reads the snapshot from before the batch). The caller measures the distance.
 */
export function earlierInBatch(batch: IntakeWrite[], i: number): NearRow[] {
  const q = batch[i]!.near;
  if (!q) return [];
  const out: NearRow[] = [];
  for (let j = 0; j < i; j++) {
    const t = batch[j]!.ticket;
    if (t.categoryCode !== q.categoryCode || t.lat == null || t.lng == null || t.id == null) continue;
    if (t.lat < q.box.s || t.lat > q.box.n || t.lng < q.box.w || t.lng > q.box.e) continue;
    out.push({ id: t.id, no: t.no, title: t.title, status: t.status, lng: t.lng, lat: t.lat, createdAt: t.createdAt ?? new Date() });
  }
  return out;
}
