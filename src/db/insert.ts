import type { Knex } from 'knex';
import { dialectOf } from './connect.js';

/** INSERT one row and return its id: RETURNING on SQLite, the insert id on MySQL (which has no RETURNING and says so). */
export async function insertReturningId(db: Knex, table: string, row: Record<string, unknown>): Promise<number> {
  const [inserted] = dialectOf(db) === 'sqlite' ? await db(table).insert(row, ['id']) : await db(table).insert(row);
  return typeof inserted === 'object' ? Number((inserted as { id: number }).id) : Number(inserted);
}
