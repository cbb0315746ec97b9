import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // What a run did outside the database (a message posted with its ts, a file
  // uploaded), one row per effect: a retry of the run finds it and does not
  // do it again. Deleted with its run.
  await db.schema.createTable('banto_job_effects', (t) => {
    t.bigIncrements('id');
    t.bigInteger('run_id').unsigned().notNullable().references('id').inTable('banto_job_runs').onDelete('CASCADE');
    t.string('effect', 100).notNullable();
    t.text('result').notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.unique(['run_id', 'effect']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('banto_job_effects');
}
