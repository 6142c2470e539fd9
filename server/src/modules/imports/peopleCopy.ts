import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sql } from 'drizzle-orm';
import { rows as rawRows, type DbOrTx } from '../../platform/db/client.js';
import { stamp, type ImportSource } from '../../platform/provenance/index.js';
import { textGrams } from '../../platform/text/grams.js';
import type { ImportedPerson, PeopleService } from '../people/service.js';

/**
 * The PostgreSQL bulk path of a people merge. `PeopleService.upsertFromImport` builds one JSON
 * document for the new people and PostgreSQL parses it again (`json_to_recordset`); at a
 * million rows that JSON, and the objects behind it, cost more than writing the rows. Here the
 * new people go to `persons` with `COPY … FROM STDIN` in PostgreSQL's text format, built
 * straight from the validated rows, and only the people already registered go through
 * `upsertFromImport`, whose field-by-field merge (provenance, versions, conflicts) is unchanged.
 *
 * What a new row stores is exactly what `upsertFromImport` would insert (the integration tests
 * compare both paths column by column): name grams, provenance stamped with this source for
 * every field given, political status `masses` when none, status `active`.
 */

/** The columns written, in the order of each COPY line. */
const COLUMNS = [
  'name',
  'name_grams',
  'id_enc',
  'id_hash',
  'id_masked',
  'sex',
  'birth_date',
  'phone_enc',
  'phone_hash',
  'phone_masked',
  'ethnicity',
  'registered_address',
  'house_id',
  'region_path',
  'political_status',
  'tags',
  'provenance',
].join(', ');

const NULL = '\\N';
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: backslash, tab and line breaks escaped. */
function text(v: string): string {
  return SPECIAL.test(v) ? v.replace(SPECIAL_ALL, (m) => ESCAPES[m]!) : v;
}

function textOrNull(v: string | null | undefined): string {
  return v === null || v === undefined ? NULL : text(v);
}

/** A text[] literal with every element quoted, so no element is ever read as NULL or split. */
function arrayLiteral(items: readonly string[]): string {
  if (!items.length) return '{}';
  let out = '{';
  for (let i = 0; i < items.length; i++) {
    const s = items[i]!;
    out += `${i ? ',' : ''}"${/["\\]/.test(s) ? s.replace(/["\\]/g, '\\$&') : s}"`;
  }
  return text(`${out}}`);
}

/** Characters that make a name's grams need quoting care in an array literal. */
const ARRAY_SPECIAL = /["\\\t\n\r]/;

/** The grams of a name as a text[] literal: the common case joins them as they are. */
function gramsLiteral(name: string): string {
  const grams = textGrams(name);
  if (!grams.length) return '{}';
  return ARRAY_SPECIAL.test(name) ? arrayLiteral(grams) : `{"${grams.join('","')}"}`;
}

/** The fields `initialProvenance(incomingOf(row), src)` stamps, each when the row gives it. */
const STAMPED: [field: string, given: (r: ImportedPerson) => unknown][] = [
  ['name', (r) => r.name],
  ['phone', (r) => r.phoneHash],
  ['ethnicity', (r) => r.ethnicity],
  ['registeredAddress', (r) => r.registeredAddress],
  ['house', (r) => r.houseId],
  ['politicalStatus', (r) => r.politicalStatus],
];

/** Which of STAMPED a row gives, as bits. */
function stampedMask(r: ImportedPerson): number {
  let m = 0;
  for (let i = 0; i < STAMPED.length; i++) if (STAMPED[i]![1](r)) m |= 1 << i;
  return m;
}

/** The provenance of a new row with these fields given, as JSON, every field stamped `stampJson`. */
function provenanceJson(mask: number, stampJson: string): string {
  return `{${STAMPED.filter((_, i) => mask & (1 << i))
    .map(([f]) => `"${f}":${stampJson}`)
    .join(',')}}`;
}

/**
 * One person as a line of `COPY persons (COLUMNS) FROM STDIN`, up to the provenance column (the
 * line's tail: provenance and newline). Ciphertexts, hashes, masks, sex, birth date and region
 * path are made by this server from validated values (base64, digits, `*`, `-`) and need no
 * escaping.
 */
function lineHead(r: ImportedPerson): string {
  return (
    `${text(r.name)}\t${gramsLiteral(r.name)}\t${r.idEnc}\t${r.idHash}\t${r.idMasked}\t${r.sex}\t${r.birthDate}\t` +
    `${r.phoneEnc ?? NULL}\t${r.phoneHash ?? NULL}\t${r.phoneMasked ?? NULL}\t${textOrNull(r.ethnicity)}\t${textOrNull(r.registeredAddress)}\t` +
    `${r.houseId === null || r.houseId === undefined ? NULL : String(r.houseId)}\t${r.regionPath}\t${text(r.politicalStatus ?? 'masses')}\t` +
    `${arrayLiteral(r.tags ?? [])}\t`
  );
}

/** COPY data goes out in buffers of this size. */
const CHUNK = 256 * 1024;

/**
 * The COPY data for these people, `stampJson` being the source's provenance stamp as JSON:
 * encoded line by line into fresh buffers (no megabyte-long strings to flatten). Rows of a
 * slice share their provenance but for which fields they give: each of those few tails is
 * encoded once and copied as bytes.
 */
export function* copyData(rows: ImportedPerson[], stampJson: string): Generator<Buffer> {
  const tails = new Map<number, Buffer>();
  let buf = Buffer.allocUnsafe(CHUNK);
  let at = 0;
  for (const r of rows) {
    const mask = stampedMask(r);
    let tail = tails.get(mask);
    if (!tail) tails.set(mask, (tail = Buffer.from(`${text(provenanceJson(mask, stampJson))}\n`)));
    const head = lineHead(r);
    // Three UTF-8 bytes at most per UTF-16 unit.
    const most = head.length * 3 + tail.length;
    if (at + most > buf.length) {
      if (at) yield buf.subarray(0, at);
      buf = Buffer.allocUnsafe(Math.max(CHUNK, most));
      at = 0;
    }
    at += buf.write(head, at);
    at += tail.copy(buf, at);
  }
  if (at) yield buf.subarray(0, at);
}

const UNIQUE_VIOLATION = '23505';

type PeopleMerge = Pick<Awaited<ReturnType<PeopleService['upsertFromImport']>>, 'created' | 'updated' | 'unchanged' | 'conflicts'>;

/**
 * Merge people on one connection inside its open transaction (`tx` runs on `client`): look up
 * which ID hashes are registered, COPY the rest into `persons`, merge the registered ones with
 * `upsertFromImport`. Returns what `upsertFromImport` over all rows would return (without ids).
 *
 * Should a person appear between the look-up and the COPY (someone registering them by hand
 * meanwhile; imports of the same person are kept apart by the merge locks), the COPY fails on
 * the unique ID index: it is rolled back to a savepoint and the whole slice merges through
 * `upsertFromImport`, as it always could.
 */
export async function mergePeopleByCopy(tx: DbOrTx, client: pg.PoolClient, people: PeopleService, rows: ImportedPerson[], src: ImportSource): Promise<PeopleMerge> {
  // Like upsertFromImport: one row per ID, the last one read wins.
  const byHash = new Map<string, ImportedPerson>();
  for (const r of rows) byHash.set(r.idHash, r);
  const known = new Set(
    (await rawRows<{ h: string }>(tx, sql`SELECT id_hash AS h FROM persons WHERE id_hash = ANY(${sql.param([...byHash.keys()])}::text[])`)).map((r) => r.h),
  );
  const fresh: ImportedPerson[] = [];
  const existing: ImportedPerson[] = [];
  for (const r of byHash.values()) (known.has(r.idHash) ? existing : fresh).push(r);
  let created = 0;
  if (fresh.length) {
    await client.query('SAVEPOINT people_copy');
    try {
      const copy = client.query(copyFrom(`COPY persons (${COLUMNS}) FROM STDIN`));
      await pipeline(Readable.from(copyData(fresh, JSON.stringify(stamp(src)))), copy);
      created = copy.rowCount ?? fresh.length;
      await client.query('RELEASE SAVEPOINT people_copy');
    } catch (e) {
      if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      await client.query('ROLLBACK TO SAVEPOINT people_copy');
      const r = await people.upsertFromImport(tx, [...byHash.values()], src);
      return { created: r.created, updated: r.updated, unchanged: r.unchanged, conflicts: r.conflicts };
    }
  }
  if (!existing.length) return { created, updated: 0, unchanged: 0, conflicts: [] };
  const r = await people.upsertFromImport(tx, existing, src);
  return { created: created + r.created, updated: r.updated, unchanged: r.unchanged, conflicts: r.conflicts };
}
