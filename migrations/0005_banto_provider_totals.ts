import type { Knex } from 'knex';

// The payment provider's own total for a business day (from its webhooks or
// reports), so the anomaly check can compare it with the sum of our rows.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('banto_provider_totals', (t) => {
    t.bigIncrements('id');
    t.date('day').notNullable();
    t.string('currency', 3).notNullable().defaultTo('JPY');
    t.bigInteger('amount').notNullable();
    t.string('source', 32).notNullable();
    t.datetime('recorded_at', { precision: 3 }).notNullable();
    t.unique(['day', 'currency']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('banto_provider_totals');
}
