import type { Knex } from 'knex';
import { dialectOf } from '../src/db/connect.js';

export async function up(db: Knex): Promise<void> {
  // Today rolled up to an instant: a summary reads the rolled part, checked against its fingerprint, and only the
  // payments after `through` live. Null on a whole closed day.
  await db.schema.alterTable('banto_payment_day_state', (t) => {
    t.datetime('through', { precision: 3 }).nullable();
  });
  // A summary looks a payment's subscription up in banto_payment_firsts by its id cast to text. The key compares
  // byte for byte (ids are not words), and the explicit collation on both sides lets MySQL and MariaDB use the
  // primary key whatever the server's or the connection's default. SQLite compares text byte for byte already.
  if (dialectOf(db) === 'sqlite') return;
  await db.raw(
    'ALTER TABLE banto_payment_firsts MODIFY subscription_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL',
  );
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('banto_payment_day_state', (t) => {
    t.dropColumn('through');
  });
  if (dialectOf(db) === 'sqlite') return;
  await db.raw('ALTER TABLE banto_payment_firsts MODIFY subscription_id VARCHAR(64) CHARACTER SET utf8mb4 NOT NULL');
}
