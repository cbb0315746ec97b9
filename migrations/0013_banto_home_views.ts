import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // Whose Home tab Banto keeps fresh, and the hash of what it last published there: a refresh publishes only a
  // Home whose content changed, and stops for someone who has not opened it for a while.
  await db.schema.createTable('banto_home_views', (t) => {
    t.string('user_id', 32).primary();
    t.string('view_hash', 64).notNullable();
    t.datetime('opened_at', { precision: 3 }).notNullable();
    t.datetime('published_at', { precision: 3 }).notNullable();
    t.index(['opened_at']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('banto_home_views');
}
