import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // Billing rollups in Banto's own tables (the web app's schema gets no trigger and no column). Per business day
  // (`paid`: the day of paid_at in the business zone; `due`: a pending payment's due date), status, plan and new
  // or renewal: a count and a total. Summaries read closed days here and only the rest from the payments table.
  await db.schema.createTable('banto_payment_days', (t) => {
    t.string('basis', 4).notNullable();
    t.string('day', 10).notNullable();
    t.string('status', 16).notNullable();
    t.string('plan', 64).nullable();
    t.boolean('is_new').notNullable();
    t.bigInteger('n').notNullable();
    t.bigInteger('total').notNullable();
    t.index(['basis', 'day']);
  });
  // One row per rolled day: what its payments looked like when it was rolled (a fingerprint the index answers),
  // and whether something (a webhook, a changed first payment) made it dirty since.
  await db.schema.createTable('banto_payment_day_state', (t) => {
    t.string('basis', 4).notNullable();
    t.string('day', 10).notNullable();
    t.string('zone', 64).notNullable();
    t.string('fingerprint', 1000).notNullable();
    t.boolean('dirty').notNullable().defaultTo(false);
    t.datetime('rolled_at', { precision: 3 }).notNullable();
    // When it was last marked dirty: a roll that began before the mark leaves it dirty.
    t.datetime('marked_at', { precision: 3 }).nullable();
    t.primary(['basis', 'day']);
  });
  // A closed payment day's figures (expected against paid, the customers whose payment failed), with the fingerprint
  // of the due dates it charges and of the subscriptions due then.
  await db.schema.createTable('banto_payment_paydays', (t) => {
    t.string('day', 10).primary();
    t.string('zone', 64).notNullable();
    t.string('due_from', 10).notNullable();
    t.string('due_to', 10).notNullable();
    t.bigInteger('expected_n').notNullable();
    t.bigInteger('expected_total').notNullable();
    t.bigInteger('paid_n').notNullable();
    t.bigInteger('paid_total').notNullable();
    t.text('failed_user_ids').notNullable();
    t.string('fingerprint', 2000).notNullable();
    t.boolean('dirty').notNullable().defaultTo(false);
    t.datetime('marked_at', { precision: 3 }).nullable();
    t.datetime('rolled_at', { precision: 3 }).notNullable();
  });
  // Each subscription's first succeeded payment: which days depend on it when it changes.
  await db.schema.createTable('banto_payment_firsts', (t) => {
    t.string('subscription_id', 64).primary();
    t.datetime('first_paid_at', { precision: 3 }).notNullable();
    t.string('first_day', 10).notNullable();
    t.index(['first_day']);
  });
  // A rebuild under way: where it started and when, so that a second `banto billing rebuild` continues it.
  await db.schema.createTable('banto_payment_rebuilds', (t) => {
    t.string('zone', 64).primary();
    t.string('from_day', 10).notNullable();
    t.datetime('started_at', { precision: 3 }).notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('banto_payment_rebuilds');
  await db.schema.dropTable('banto_payment_firsts');
  await db.schema.dropTable('banto_payment_paydays');
  await db.schema.dropTable('banto_payment_day_state');
  await db.schema.dropTable('banto_payment_days');
}
