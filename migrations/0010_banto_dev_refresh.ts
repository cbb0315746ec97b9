import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // One row per development refresh, written into the database being refreshed: until the newest row says
  // `usable` (the anonymization proof passed), /healthz reports the copy unusable and no mail leaves it.
  // The refresh creates the same table in a target that Banto has not migrated (services/refresh/marker.ts).
  await db.schema.createTable('banto_dev_refresh', (t) => {
    t.increments('id');
    t.string('started_at', 23).notNullable();
    t.string('finished_at', 23).nullable();
    // refreshing, usable or unusable
    t.string('status', 16).notNullable();
    t.string('backup', 255).notNullable();
    t.text('reason').nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('banto_dev_refresh');
}
