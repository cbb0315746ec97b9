import type { Knex } from 'knex';
import { migrationConfig } from '../../migrations/index.js';

/**
 * Brings the schema up to date; returns the names of the migrations it ran.
 * Replicas that start together take turns: knex's lock row makes all but one
 * fail fast, so those wait and try again (finding nothing left to do).
 */
export async function migrateLatest(db: Knex, { waitMs = 60_000 } = {}): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const [, ran] = (await db.migrate.latest(migrationConfig)) as [number, string[]];
      return ran;
    } catch (error) {
      if ((error as Error).name !== 'MigrationLocked' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
