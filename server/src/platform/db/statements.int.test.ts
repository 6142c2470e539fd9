import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestDatabase } from '../../test/db.js';
import { rows, type Database } from './client.js';
import { JsonInsert, Statement } from './statements.js';
import { ticketEvents, ticketStatDeltas } from './tables.js';

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase('empty');
});
afterAll(() => database?.close());

const EVENTS = new JsonInsert(ticketEvents, ['ticketId', 'at', 'actorUserId', 'actorName', 'action', 'fromStatus', 'toStatus', 'note', 'data']);
const DELTAS = new JsonInsert(ticketStatDeltas, ['month', 'regionPath', 'categoryTop', 'unitKey', 'received', 'closed']);
const WRITE = new Statement<{ n: number }>(
  'test_statements_write',
  `WITH e AS (${EVENTS.sql(1)} RETURNING 1), d AS (${DELTAS.sql(2)} RETURNING 1) SELECT (SELECT count(*) FROM e)::int + (SELECT count(*) FROM d)::int AS n`,
);
const READ = new Statement<{ ticket_id: number; at: string; data: unknown; note: string | null }>(
  'test_statements_read',
  'SELECT ticket_id, at, data, note FROM ticket_events WHERE ticket_id = $1 ORDER BY id',
);

describe('fixed statements with jsonb rows', () => {
  it('writes any number of rows under one text: dates, nulls, jsonb and literal defaults for missing values', async () => {
    const at = new Date('2026-10-01T08:30:00.000Z');
    const n = await WRITE.run(database.db, [
      EVENTS.param([
        { ticketId: 7, at, actorUserId: null, actorName: '张三', action: 'report', fromStatus: null, toStatus: 'reported', note: null, data: { channel: 'resident', nested: { a: [1, 2] } } },
        { ticketId: 7, at, actorName: '李四', action: 'accept', fromStatus: 'reported', toStatus: 'accepted', note: '含"引号"和\\反斜杠', data: null },
      ]),
      DELTAS.param([{ month: '2026-10-01', regionPath: '150302001002001', categoryTop: '03', unitKey: '*', received: 1 }]),
    ]);
    expect(n[0]!.n).toBe(3);
    const got = await READ.run(database.db, [7]);
    expect(got).toHaveLength(2);
    expect(new Date(got[0]!.at).toISOString()).toBe(at.toISOString());
    expect(got[0]!.data).toEqual({ channel: 'resident', nested: { a: [1, 2] } });
    expect(got[1]!.data).toBeNull();
    expect(got[1]!.note).toBe('含"引号"和\\反斜杠');
    // `closed` was listed but not given: its literal default 0, not NULL (the column is NOT NULL).
    const d = await rows<{ received: number; closed: number; responded: number }>(database.db, sql`SELECT received, closed, responded FROM ticket_stat_deltas`);
    expect(d).toEqual([{ received: 1, closed: 0, responded: 0 }]);
    // Zero rows is a valid parameter too, and the same statement runs again (prepared on PostgreSQL).
    for (let i = 0; i < 3; i++) expect((await WRITE.run(database.db, [EVENTS.param([]), DELTAS.param([])]))[0]!.n).toBe(0);
  });

  it('runs inside a transaction and is undone with it', async () => {
    const err = await database.db
      .transaction(async (tx) => {
        await WRITE.run(tx, [EVENTS.param([{ ticketId: 8, at: new Date(), action: 'report', toStatus: 'reported' }]), DELTAS.param([])]);
        expect(await READ.run(tx, [8])).toHaveLength(1);
        throw new Error('roll back');
      })
      .catch((e: Error) => e);
    expect(err?.message).toBe('roll back');
    expect(await READ.run(database.db, [8])).toHaveLength(0);
  });

  it('a name keeps one text, and an unknown column is refused when the statement is defined', () => {
    expect(() => new Statement('test_statements_read', 'SELECT 1')).toThrow(/different text/);
    expect(() => new JsonInsert(ticketEvents, ['nope' as never])).toThrow(/no column nope/);
  });
});
