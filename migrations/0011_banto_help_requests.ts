import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // A clerk's request that needs a second person (accounting): a refund of one payment or the cancellation of one
  // subscription. The state only moves forward (pending → approved or rejected; approved → done), each step by a
  // conditional UPDATE, so a second press of a button changes nothing.
  await db.schema.createTable('banto_help_requests', (t) => {
    t.increments('id');
    t.string('kind', 16).notNullable();
    t.string('customer_id', 64).notNullable();
    t.string('payment_id', 64).nullable();
    t.string('subscription_id', 64).nullable();
    t.bigInteger('amount').nullable();
    t.string('reason', 500).notNullable();
    t.string('requested_by', 32).notNullable();
    t.datetime('requested_at', { precision: 3 }).notNullable();
    t.string('state', 16).notNullable();
    t.string('decided_by', 32).nullable();
    t.datetime('decided_at', { precision: 3 }).nullable();
    t.string('done_by', 32).nullable();
    t.datetime('done_at', { precision: 3 }).nullable();
    t.string('channel', 32).nullable();
    t.string('message_ts', 64).nullable();
    t.index(['requested_by', 'state']);
    t.index(['state']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('banto_help_requests');
}
