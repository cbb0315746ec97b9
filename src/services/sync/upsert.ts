import type { Knex } from 'knex';
import type { SyncRow } from './source.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/** Rows per INSERT: 10 columns × 500 stays far below SQLite's 32,766 bound variables and MySQL's packet size. */
const chunkSize = 500;

/**
 * Writes one page's rows in one transaction: a batched `INSERT … ON CONFLICT DO UPDATE` on SQLite and
 * `ON DUPLICATE KEY UPDATE` on MySQL (knex's `onConflict().merge()` speaks both). Which keys existed is read
 * first, in the same transaction, so the counts are exact on both engines (MySQL's affected-rows and SQLite's
 * changes() do not agree). A page that names a key twice keeps its last record.
 */
export async function upsertPage(db: Knex, table: string, key: string, rows: SyncRow[]): Promise<UpsertCounts> {
  const byKey = new Map<string, SyncRow>();
  for (const row of rows) byKey.set(String(row[key]), row);
  const unique = [...byKey.values()];
  if (unique.length === 0) return { inserted: 0, updated: 0 };
  return db.transaction(async (trx) => {
    let existing = 0;
    for (let i = 0; i < unique.length; i += chunkSize) {
      const keys = unique.slice(i, i + chunkSize).map((row) => row[key] as string | number);
      const found = (await trx(table).whereIn(key, keys).count({ n: '*' }).first()) as { n: number | string };
      existing += Number(found.n);
    }
    for (let i = 0; i < unique.length; i += chunkSize) {
      await trx(table)
        .insert(unique.slice(i, i + chunkSize))
        .onConflict(key)
        .merge();
    }
    return { inserted: unique.length - existing, updated: existing };
  });
}
