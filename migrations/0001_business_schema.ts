import type { Knex } from 'knex';

// The demo business schema (README, Billing). A real deployment points Banto at the
// web service's own tables instead; these are the defaults of the table mapping.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('users', (t) => {
    t.bigIncrements('id');
    t.string('email', 255).notNullable().unique();
    t.string('name', 255).notNullable();
    t.string('password_hash', 255).notNullable();
    t.string('plan', 16).notNullable().defaultTo('free');
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('unsubscribed_at', { precision: 3 }).nullable();
  });
  await db.schema.createTable('subscriptions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').unsigned().notNullable().references('users.id');
    t.string('plan', 32).notNullable();
    t.integer('amount').notNullable();
    t.string('status', 16).notNullable();
    t.date('next_payment_date').nullable();
    t.index(['next_payment_date', 'status']);
  });
  await db.schema.createTable('payments', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').unsigned().notNullable().references('users.id');
    t.bigInteger('subscription_id').unsigned().nullable().references('subscriptions.id');
    t.integer('amount').notNullable();
    t.string('currency', 3).notNullable().defaultTo('JPY');
    t.string('status', 16).notNullable();
    t.datetime('paid_at', { precision: 3 }).nullable();
    t.date('due_date').nullable();
    // Day and month sums read (paid_at range, status) and take amount from the index alone.
    t.index(['paid_at', 'status', 'amount']);
    t.index(['due_date', 'status']);
  });
  await db.schema.createTable('articles', (t) => {
    t.bigIncrements('id');
    t.string('title', 255).notNullable();
    t.text('summary').notNullable();
    t.string('url', 512).notNullable();
    t.boolean('paid_only').notNullable().defaultTo(false);
    t.datetime('published_at', { precision: 3 }).notNullable();
    t.index(['published_at']);
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of ['payments', 'subscriptions', 'articles', 'users']) await db.schema.dropTableIfExists(table);
}
