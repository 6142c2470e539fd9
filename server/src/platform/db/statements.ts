import { getTableColumns, getTableName, is, SQL, type Column, type Table } from 'drizzle-orm';
import type { DbOrTx } from './client.js';

/**
 * Fixed statements for hot paths. Building a query with Drizzle walks every column and value on
 * every call (≈ 1 ms of CPU for the ticket intake statement), and PostgreSQL parses and plans
 * the text again each time. A statement here has constant text, so on PostgreSQL it is prepared
 * once per pooled connection under its name (the driver then sends only the parameters); on
 * PGlite it runs as an ordinary parameterised query. It runs on a database or a transaction.
 */
export class Statement<T = Record<string, unknown>> {
  private static readonly texts = new Map<string, string>();

  constructor(
    readonly name: string,
    readonly text: string,
  ) {
    // A name is bound to one text per connection; a second text under it would fail at run time.
    const known = Statement.texts.get(name);
    if (known !== undefined && known !== text) throw new Error(`statement ${name} defined twice with different text`);
    Statement.texts.set(name, text);
  }

  /** Rows come back raw: timestamps as strings, jsonb parsed, int8 as numbers on PostgreSQL. */
  async run(q: DbOrTx, params: unknown[]): Promise<T[]> {
    // Drizzle's session is what both drivers and transactions share; it is not in the public type.
    const session = (q as unknown as { session: PreparingSession }).session;
    const res = await session.prepareQuery({ sql: this.text, params }, undefined, this.name, false).execute();
    return (res as { rows: T[] }).rows;
  }
}

interface PreparingSession {
  prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: string, arrayMode: boolean): { execute(): Promise<unknown> };
}

const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;

/**
 * An INSERT of rows handed over as one jsonb parameter (an array of objects keyed by column
 * name), so the statement text does not depend on the number of rows. `keys` are the table's
 * property names to write; every other column takes its database default. A missing value takes
 * the column's literal default (e.g. 0 for counters), else NULL.
 */
export class JsonInsert<TTable extends Table> {
  readonly columns: { key: string; name: string; fallback: unknown }[];
  readonly table: string;

  constructor(table: TTable, keys: readonly (keyof TTable['$inferInsert'] & string)[]) {
    const all = getTableColumns(table) as Record<string, Column>;
    this.table = getTableName(table);
    this.columns = keys.map((key) => {
      const c = all[key];
      if (!c) throw new Error(`${this.table} has no column ${key}`);
      const literal = c.hasDefault && c.default !== undefined && !is(c.default, SQL) ? c.default : null;
      return { key, name: c.name, fallback: literal };
    });
  }

  /** `INSERT INTO t (…) SELECT … FROM jsonb_populate_recordset(NULL::t, $n)`; `tail` e.g. ON CONFLICT. */
  sql(param: number, tail = ''): string {
    const cols = this.columns.map((c) => quote(c.name)).join(', ');
    const t = quote(this.table);
    return `INSERT INTO ${t} (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(NULL::${t}, $${param}::jsonb)${tail ? ` ${tail}` : ''}`;
  }

  /** The parameter: rows as a JSON array (Dates become ISO strings, which timestamptz reads). */
  param(rows: readonly Partial<TTable['$inferInsert']>[]): string {
    return JSON.stringify(
      rows.map((r) => {
        const o: Record<string, unknown> = {};
        for (const c of this.columns) {
          const v = (r as Record<string, unknown>)[c.key];
          o[c.name] = v === undefined ? c.fallback : v;
        }
        return o;
      }),
    );
  }
}
