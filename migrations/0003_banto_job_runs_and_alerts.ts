import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // One row per (job, slot): inserting it is the claim, so of any number of
  // replicas exactly one runs a slot. The row then tells how the run went.
  await db.schema.createTable('banto_job_runs', (t) => {
    t.bigIncrements('id');
    t.string('job', 64).notNullable();
    t.datetime('slot', { precision: 3 }).notNullable();
    t.string('trigger', 16).notNullable();
    t.string('status', 16).notNullable();
    t.integer('attempt').notNullable().defaultTo(0);
    t.string('host', 128).notNullable();
    t.string('started_by', 64).nullable();
    t.datetime('started_at', { precision: 3 }).nullable();
    t.datetime('lease_until', { precision: 3 }).nullable();
    t.datetime('finished_at', { precision: 3 }).nullable();
    t.integer('duration_ms').nullable();
    t.text('error').nullable();
    t.string('result', 255).nullable();
    t.unique(['job', 'slot']);
    t.index(['status', 'lease_until']);
    t.index(['job', 'status', 'finished_at']);
    t.index(['finished_at']);
  });
  // Alerts Banto posted: one open alert per key at most (open_key is the key
  // while open and NULL once resolved; NULLs do not collide in a unique index).
  await db.schema.createTable('banto_alerts', (t) => {
    t.bigIncrements('id');
    t.string('key', 128).notNullable();
    t.string('open_key', 128).nullable().unique();
    t.string('channel_id', 32).nullable();
    t.string('thread_ts', 32).nullable();
    t.text('message').notNullable();
    t.datetime('opened_at', { precision: 3 }).notNullable();
    t.datetime('resolved_at', { precision: 3 }).nullable();
    t.index(['key', 'opened_at']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('banto_alerts');
  await db.schema.dropTableIfExists('banto_job_runs');
}
