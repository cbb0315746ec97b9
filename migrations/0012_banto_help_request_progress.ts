import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // An approved request carried out through the payment provider: the provider's id of what it did (a refund,
  // a cancelled subscription), or why it refused, so that the post, the requester and a retry all know. And the
  // claim on posting a request to the billing channel: a post that failed, or whose sender died, is made once later.
  await db.schema.alterTable('banto_help_requests', (t) => {
    t.string('provider_ref', 255).nullable();
    t.string('provider_error', 500).nullable();
    t.datetime('post_claimed_at', { precision: 3 }).nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('banto_help_requests', (t) => {
    t.dropColumn('provider_ref');
    t.dropColumn('provider_error');
    t.dropColumn('post_claimed_at');
  });
}
