import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // One row per sync run of a partner source: what it fetched and did, how far behind the partner's newest
  // record was, and why it failed (a class for people and alerts, and the message).
  await db.schema.createTable('banto_sync_runs', (t) => {
    t.bigIncrements('id');
    t.string('source', 64).notNullable();
    t.string('trigger', 16).notNullable();
    t.string('started_by', 64).nullable();
    t.string('status', 16).notNullable();
    t.datetime('started_at', { precision: 3 }).notNullable();
    t.datetime('finished_at', { precision: 3 }).nullable();
    t.integer('pages').notNullable().defaultTo(0);
    t.integer('fetched').notNullable().defaultTo(0);
    t.integer('inserted').notNullable().defaultTo(0);
    t.integer('updated').notNullable().defaultTo(0);
    t.integer('skipped').notNullable().defaultTo(0);
    t.integer('lag_seconds').nullable();
    t.string('error_class', 32).nullable();
    t.string('error_message', 500).nullable();
    // The first skipped records (key and reason) as JSON, for "Show errors".
    t.text('skipped_records').nullable();
    t.string('cursor_from', 500).nullable();
    t.string('cursor_to', 500).nullable();
    t.index(['source', 'started_at']);
  });
  // Where each source stands: the cursor of its last complete run (a failed run never moves it), the newest
  // record time seen, and the current failure streak.
  await db.schema.createTable('banto_sync_state', (t) => {
    t.string('source', 64).primary();
    t.string('cursor', 500).nullable();
    t.datetime('newest_at', { precision: 3 }).nullable();
    t.datetime('last_success_at', { precision: 3 }).nullable();
    t.integer('failure_streak').notNullable().defaultTo(0);
    t.datetime('updated_at', { precision: 3 }).notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('banto_sync_state');
  await db.schema.dropTable('banto_sync_runs');
}
