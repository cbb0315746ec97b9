import type { Knex } from 'knex';

// "New or renewal" asks, for each payment, whether its subscription was paid
// before: this index answers that without reading the subscription's history.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('payments', (t) => {
    t.index(['subscription_id', 'status', 'paid_at'], 'payments_subscription_status_paid_at_index');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('payments', (t) => {
    t.dropIndex(['subscription_id', 'status', 'paid_at'], 'payments_subscription_status_paid_at_index');
  });
}
