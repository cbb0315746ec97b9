import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // Every version of every template, as imported from templates/. A version is
  // immutable: an edited file becomes the next version, a draft until an
  // executive approves it. Only approved versions are sent to customers.
  await db.schema.createTable('banto_mail_templates', (t) => {
    t.bigIncrements('id');
    t.string('name', 64).notNullable();
    t.integer('version').notNullable();
    t.string('content_hash', 64).notNullable();
    t.string('description', 255).notNullable();
    t.text('subject').notNullable();
    t.text('text_body').notNullable();
    t.text('html_body').notNullable();
    t.text('params').notNullable();
    t.string('state', 16).notNullable();
    t.string('source', 255).notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.string('decided_by', 64).nullable();
    t.datetime('decided_at', { precision: 3 }).nullable();
    t.unique(['name', 'version']);
    t.unique(['name', 'content_hash']);
  });
  // Who approved, rejected or test-sent which version, and when: kept for good.
  await db.schema.createTable('banto_mail_template_decisions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('template_id').notNullable();
    t.string('action', 16).notNullable();
    t.string('user_id', 64).notNullable();
    t.datetime('at', { precision: 3 }).notNullable();
    t.index(['template_id', 'at']);
  });
  // One row per message. The dedupe key makes "enqueue" idempotent; the state
  // machine (queued → sending → sent | failed | cancelled) makes sending so.
  await db.schema.createTable('banto_mail_outbox', (t) => {
    t.bigIncrements('id');
    t.string('dedupe_key', 191).notNullable().unique();
    t.string('template', 64).notNullable();
    t.integer('template_version').notNullable();
    t.string('purpose', 16).notNullable();
    t.string('user_id', 64).nullable();
    t.string('to_address', 255).notNullable();
    t.text('params').notNullable();
    t.string('state', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.datetime('next_attempt_at', { precision: 3 }).notNullable();
    t.string('claim_token', 40).nullable();
    t.datetime('lease_until', { precision: 3 }).nullable();
    // Written just before the SMTP transaction's final dot: from here on the
    // server may have the message, so a crash must not lead to a blind resend.
    t.datetime('handed_over_at', { precision: 3 }).nullable();
    t.text('last_error').nullable();
    t.string('provider_message_id', 255).nullable();
    t.string('delivered_to', 255).nullable();
    t.bigInteger('resend_of').nullable();
    t.string('requested_by', 64).nullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
    t.datetime('sent_at', { precision: 3 }).nullable();
    t.datetime('failed_at', { precision: 3 }).nullable();
    t.index(['state', 'next_attempt_at']);
    t.index(['state', 'lease_until']);
    t.index(['claim_token']);
    t.index(['user_id', 'created_at']);
    t.index(['to_address', 'created_at']);
    t.index(['created_at']);
    t.index(['failed_at']);
  });
  // "Resend every failed mail of a window": asked by one person, carried out
  // only when a second person approves.
  await db.schema.createTable('banto_mail_bulk_resends', (t) => {
    t.bigIncrements('id');
    t.string('requested_by', 64).notNullable();
    t.datetime('window_from', { precision: 3 }).notNullable();
    t.datetime('window_to', { precision: 3 }).notNullable();
    t.string('label', 64).notNullable();
    t.integer('failed_count').notNullable();
    t.string('state', 16).notNullable();
    t.string('decided_by', 64).nullable();
    t.datetime('decided_at', { precision: 3 }).nullable();
    t.integer('queued_count').nullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('banto_mail_bulk_resends');
  await db.schema.dropTableIfExists('banto_mail_outbox');
  await db.schema.dropTableIfExists('banto_mail_template_decisions');
  await db.schema.dropTableIfExists('banto_mail_templates');
}
