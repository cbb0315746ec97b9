import type { Knex } from 'knex';

// One row per slash command, button press and modal submission: who, what, where,
// whether it was allowed, what came of it and how long it took.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('banto_audit', (t) => {
    t.bigIncrements('id');
    t.datetime('at', { precision: 3 }).notNullable();
    t.string('user_id', 32).notNullable();
    t.string('kind', 16).notNullable();
    t.string('name', 128).notNullable();
    t.text('arguments').nullable();
    t.string('channel_id', 32).nullable();
    t.string('outcome', 16).notNullable();
    t.string('reason', 255).nullable();
    t.string('result', 255).nullable();
    t.integer('latency_ms').notNullable();
    t.index(['at']);
    t.index(['user_id', 'at']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('banto_audit');
}
