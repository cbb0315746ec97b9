import type { Knex } from 'knex';
import { dialectOf } from '../../db/connect.js';
import type { SyncRow } from './source.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/** Rows per statement: one page (1,000 rows) in one INSERT, within MySQL's 65,535 placeholders for any width. */
const chunkFor = (columns: number) => Math.max(1, Math.min(1000, Math.floor(60_000 / Math.max(1, columns))));

/**
 * Writes one page's rows in one transaction, as an upsert on the key: on MySQL a batched
 * `INSERT … ON DUPLICATE KEY UPDATE` (knex's `onConflict().merge()`), on SQLite one prepared
 * `INSERT … ON CONFLICT DO UPDATE` a row. The inserted and updated counts come from which keys existed (MySQL's
 * affected-rows and SQLite's changes() do not say): `existing` when the caller asked already (existingKeys),
 * else looked up in the same transaction. A page that names a key twice keeps its last record.
 */
export async function upsertPage(
  db: Knex,
  table: string,
  key: string,
  rows: SyncRow[],
  existing?: ReadonlySet<string>,
): Promise<UpsertCounts> {
  const byKey = new Map<string, SyncRow>();
  for (const row of rows) byKey.set(String(row[key]), row);
  const unique = [...byKey.values()];
  if (unique.length === 0) return { inserted: 0, updated: 0 };
  if (dialectOf(db) === 'sqlite') return upsertOnSqlite(db, table, key, unique);
  const chunkSize = chunkFor(Object.keys(unique[0]!).length);
  return db.transaction(async (trx) => {
    const found = existing ?? (await existingKeys(trx, table, key, [...byKey.keys()]));
    let updated = 0;
    for (const k of byKey.keys()) if (found.has(k)) updated++;
    for (let i = 0; i < unique.length; i += chunkSize) {
      await trx(table)
        .insert(unique.slice(i, i + chunkSize))
        .onConflict(key)
        .merge();
    }
    return { inserted: unique.length - updated, updated };
  });
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
 * (docs/benchmarks.md, sync-source). Here two statements per table and column set are prepared once per
 * connection, a lookup and a one-row `INSERT … ON CONFLICT DO UPDATE`, and run for each row in one transaction.
 */
async function upsertOnSqlite(db: Knex, table: string, key: string, rows: SyncRow[]): Promise<UpsertCounts> {
  const columns = Object.keys(rows[0]!);
  const signature = `${table}\u0000${key}\u0000${columns.join('\u0000')}`;
  const connection = (await db.client.acquireConnection()) as SqliteConnection;
  try {
    let byTable = prepared.get(connection);
    if (!byTable) prepared.set(connection, (byTable = new Map()));
    let upsertAll = byTable.get(signature);
    if (!upsertAll) {
      const exists = connection.prepare(`select 1 from ${quote(table)} where ${quote(key)} = ?`);
      const others = columns.filter((c) => c !== key);
      const update =
        others.length > 0
          ? `do update set ${others.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`
          : 'do nothing';
      const upsert = connection.prepare(
        `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values (${columns.map(() => '?').join(', ')}) on conflict (${quote(key)}) ${update}`,
      );
      upsertAll = connection.transaction((batch: SyncRow[]) => {
        let updated = 0;
        for (const row of batch) {
          const values = columns.map((c) => (typeof row[c] === 'boolean' ? Number(row[c]) : (row[c] ?? null)));
          if (exists.get(row[key]) !== undefined) updated++;
          upsert.run(values);
        }
        return { inserted: batch.length - updated, updated };
      });
      byTable.set(signature, upsertAll);
    }
    return upsertAll(rows);
  } finally {
    await db.client.releaseConnection(connection);
  }
}
