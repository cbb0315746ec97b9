import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // Every payment-provider webhook event, once per event id (the primary key is the dedupe): what it was, its
  // figures, and whether its post to the billing channel is still to be made.
  await db.schema.createTable('banto_provider_events', (t) => {
    t.string('id', 255).primary();
    t.string('type', 64).notNullable();
    t.string('object_id', 255).nullable();
    t.string('customer_id', 255).nullable();
    t.bigInteger('amount').nullable();
    t.string('currency', 3).nullable();
    t.datetime('event_created_at', { precision: 3 }).notNullable();
    t.datetime('received_at', { precision: 3 }).notNullable();
    t.text('payload').notNullable();
    // none: nothing to post; pending: to post; posted: done (posted_ts says where).
    t.string('post_state', 16).notNullable();
    t.datetime('post_claimed_at', { precision: 3 }).nullable();
    t.string('posted_ts', 64).nullable();
    t.index(['post_state']);
    t.index(['type', 'event_created_at']);
  });
  // A dispute's latest state, whatever order its events came in: an event older than the last one applied
  // changes nothing.
  await db.schema.createTable('banto_provider_disputes', (t) => {
    t.string('id', 255).primary();
    t.string('charge_id', 255).nullable();
    t.string('customer_id', 255).nullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.string('reason', 64).nullable();
    t.string('status', 32).notNullable();
    t.datetime('last_event_at', { precision: 3 }).notNullable();
  });
  // Payouts beside charges: the provider's two totals of a day.
  await db.schema.alterTable('banto_provider_totals', (t) => {
    t.bigInteger('payouts').notNullable().defaultTo(0);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('banto_provider_totals', (t) => t.dropColumn('payouts'));
  await db.schema.dropTable('banto_provider_disputes');
  await db.schema.dropTable('banto_provider_events');
}
