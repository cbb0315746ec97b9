import type { Knex } from 'knex';
import { migrationConfig } from '../../migrations/index.js';

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, ran] = (await db.migrate.latest(migrationConfig)) as [number, string[]];
  return ran;
}

export async function rollbackAll(db: Knex): Promise<void> {
  await db.migrate.rollback(migrationConfig, true);
}
