import type { Knex } from 'knex';
import { dialectOf } from '../../db/connect.js';
import { format, type SqlValue } from 'mysql2';
import { runFormatted } from '../../db/run-formatted.js';
import type { SyncRow } from './source.js';
import { writesColumn } from './sync-table.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/** Rows per statement: one page (1,000 rows) in one INSERT, within MySQL's 65,535 placeholders for any width. */
const chunkFor = (columns: number) => Math.max(1, Math.min(1000, Math.floor(60_000 / Math.max(1, columns))));

/**
 * A page made ready to write while the page before it is still being written: its rows by key (a page that names
 * a key twice keeps its last record) and, on MySQL into a table that counts writes, its statements with the
 * values already in the text, so the write itself only sends them.
 */
export interface PreparedPage {
  rows: SyncRow[];
  keys: string[];
  countsWrites: boolean;
  statements?: string[] | undefined;
}

export function preparePage(
  db: Knex,
  table: string,
  key: string,
  rows: SyncRow[],
  countsWrites: boolean,
): PreparedPage {
  const byKey = new Map<string, SyncRow>();
  for (const row of rows) byKey.set(String(row[key]), row);
  const unique = [...byKey.values()];
  const page: PreparedPage = { rows: unique, keys: [...byKey.keys()], countsWrites };
  if (unique.length === 0 || !countsWrites || dialectOf(db) === 'sqlite') return page;
  const chunkSize = chunkFor(Object.keys(unique[0]!).length);
  page.statements = [];
  for (let i = 0; i < unique.length; i += chunkSize)
    page.statements.push(formatCountingUpsert(db, table, key, unique.slice(i, i + chunkSize)));
  return page;
}

/**
 * Writes a prepared page in one transaction, as an upsert on the key: on MySQL a batched
 * `INSERT … ON DUPLICATE KEY UPDATE`, on SQLite one prepared `INSERT … ON CONFLICT DO UPDATE` a row. "Updated"
 * means the key existed, changed or not. On MySQL the counts come from affected-rows when the table counts writes
 * (each existing row changes: 2, each new one: 1); otherwise from which keys existed: `existing` when the caller
 * asked already (existingKeys), else looked up in the same transaction.
 */
export async function writePage(
  db: Knex,
  table: string,
  key: string,
  page: PreparedPage,
  existing?: ReadonlySet<string>,
): Promise<UpsertCounts> {
  const { rows } = page;
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  if (page.statements) {
    const affected = await runFormatted(db, page.statements);
    return { inserted: 2 * rows.length - affected, updated: affected - rows.length };
  }
  if (dialectOf(db) === 'sqlite') return upsertOnSqlite(db, table, key, rows, page.countsWrites);
  const chunkSize = chunkFor(Object.keys(rows[0]!).length);
  return db.transaction(async (trx) => {
    const found = existing ?? (await existingKeys(trx, table, key, page.keys));
    let updated = 0;
    for (const k of page.keys) if (found.has(k)) updated++;
    for (let i = 0; i < rows.length; i += chunkSize) {
      await trx(table)
        .insert(rows.slice(i, i + chunkSize))
        .onConflict(key)
        .merge();
    }
    return { inserted: rows.length - updated, updated };
  });
}

/** knex's insert of the rows, with an update clause that also raises the writes column, the values in the text. */
function formatCountingUpsert(db: Knex, table: string, key: string, rows: SyncRow[]): string {
  const insert = db(table).insert(rows).toSQL().toNative();
  const id = (name: string) => `\`${name.replace(/`/g, '``')}\``;
  const update = Object.keys(rows[0]!)
    .filter((c) => c !== key)
    .map((c) => `${id(c)} = values(${id(c)})`)
    .concat(`${id(writesColumn)} = ${id(writesColumn)} + 1`)
    .join(', ');
  return format(`${insert.sql} on duplicate key update ${update}`, insert.bindings as SqlValue[]);
}

/**
 * Which of `keys` the table holds (MySQL: SQLite looks each up inside its write). A sync run asks for the next
 * page's while the last page is being written, on another connection of the pool.
 */
export async function existingKeys(db: Knex, table: string, key: string, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = (await db(table)
      .whereIn(key, keys.slice(i, i + 1000))
      .select({ k: key })) as { k: unknown }[];
    for (const row of rows) found.add(String(row.k));
  }
  return found;
}

interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: (rows: SyncRow[]) => T): (rows: SyncRow[]) => T;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const prepared = new WeakMap<SqliteConnection, Map<string, (rows: SyncRow[]) => UpsertCounts>>();

/**
 * SQLite: knex prepares a new multi-row statement for every chunk, and preparing costs more than the writes
 * (docs/benchmarks.md, sync-source). Here a one-row `INSERT … ON CONFLICT DO UPDATE` per table and column set
 * is prepared once per connection and run for each row in one transaction; it returns the writes column where the
 * table has one, else a prepared lookup says whether the key existed.
 */
async function upsertOnSqlite(
  db: Knex,
  table: string,
  key: string,
  rows: SyncRow[],
  countsWrites: boolean,
): Promise<UpsertCounts> {
  const columns = Object.keys(rows[0]!);
  const signature = `${table}\u0000${key}\u0000${countsWrites}\u0000${columns.join('\u0000')}`;
  const connection = (await db.client.acquireConnection()) as SqliteConnection;
  try {
    let byTable = prepared.get(connection);
    if (!byTable) prepared.set(connection, (byTable = new Map()));
    let upsertAll = byTable.get(signature);
    if (!upsertAll) {
      const sets = columns.filter((c) => c !== key).map((c) => `${quote(c)} = excluded.${quote(c)}`);
      if (countsWrites) sets.push(`${quote(writesColumn)} = ${quote(writesColumn)} + 1`);
      const update = sets.length > 0 ? `do update set ${sets.join(', ')}` : 'do nothing';
      const insert = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values (${columns.map(() => '?').join(', ')}) on conflict (${quote(key)}) ${update}`;
      const valuesOf = (row: SyncRow) =>
        columns.map((c) => (typeof row[c] === 'boolean' ? Number(row[c]) : (row[c] ?? null)));
      if (countsWrites) {
        // The writes column after the upsert says what happened: 1 for a new row, more for one that existed.
        const upsert = connection.prepare(`${insert} returning ${quote(writesColumn)} as writes`);
        upsertAll = connection.transaction((batch: SyncRow[]) => {
          let updated = 0;
          for (const row of batch) if ((upsert.get(valuesOf(row)) as { writes: number }).writes > 1) updated++;
          return { inserted: batch.length - updated, updated };
        });
      } else {
        const exists = connection.prepare(`select 1 from ${quote(table)} where ${quote(key)} = ?`);
        const upsert = connection.prepare(insert);
        upsertAll = connection.transaction((batch: SyncRow[]) => {
          let updated = 0;
          for (const row of batch) {
            if (exists.get(row[key]) !== undefined) updated++;
            upsert.run(valuesOf(row));
          }
          return { inserted: batch.length - updated, updated };
        });
      }
      byTable.set(signature, upsertAll);
    }
    return upsertAll(rows);
  } finally {
    await db.client.releaseConnection(connection);
  }
}
