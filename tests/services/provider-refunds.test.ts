import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultBillingSchema } from '../../src/config-file.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { parsePeriod, type Period } from '../../src/services/payments/period.js';
import { providerRefundsIn } from '../../src/services/payments/provider-refunds.js';
import { readProviderEvent } from '../../src/services/provider/event.js';
import { recordProviderEvent } from '../../src/services/provider/record.js';
import { testNow } from '../helpers/clock.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';

const zone = 'Asia/Tokyo';
const period = (text: string): Period => {
  const parsed = parsePeriod(text, testNow);
  assert.ok('period' in parsed);
  return parsed.period;
};

for (const kind of databaseKinds) {
  describe(`refunds reported by the provider, in the billing figures (${kind})`, () => {
    let t: TestDatabase;
    const refund = async (id: string, charge: string, refunded: number, at: string) => {
      const created = Math.floor(Date.parse(at) / 1000);
      const payload = JSON.stringify({
        id,
        object: 'event',
        type: 'charge.refunded',
        created,
        data: { object: { id: charge, amount_refunded: refunded, currency: 'jpy', customer: 'cus_1' } },
      });
      await recordProviderEvent(t.db, readProviderEvent(JSON.parse(payload), payload), { now: testNow, zone });
    };
    before(async () => {
      t = await createTestDatabase(kind);
      await migrateLatest(t.db);
      // The web service's own table, which keeps the provider's charge id.
      await t.db.schema.createTable('charges', (c) => {
        c.increments('id');
        c.string('stripe_charge', 64).nullable();
        c.string('status', 16).notNullable();
      });
      await t.db('charges').insert([
        { stripe_charge: 'ch_known', status: 'refunded' },
        { stripe_charge: 'ch_paid', status: 'succeeded' },
      ]);
      await refund('evt_1', 'ch_a', 1000, '2026-11-30T14:00:00Z'); // 23:00 in Tokyo on 11-30
      await refund('evt_2', 'ch_a', 1500, '2026-11-30T16:00:00Z'); // 01:00 on 12-01: 500 more on the same charge
      await refund('evt_3', 'ch_b', 2000, '2026-12-01T01:00:00Z');
      await refund('evt_4', 'ch_known', 3000, '2026-12-01T02:00:00Z');
      await refund('evt_5', 'ch_paid', 400, '2026-12-01T02:30:00Z');
    });
    after(() => t.drop());

    it('counts what each charge had refunded within the day, never a partial refund twice', async () => {
      const tables = {
        db: t.db,
        p: defaultBillingSchema.payments,
        s: defaultBillingSchema.subscriptions,
        rule: 'next' as const,
      };
      assert.deepEqual(await providerRefundsIn(tables, period('2026-11-30')), { count: 1, total: 1000 });
      assert.deepEqual(await providerRefundsIn(tables, period('2026-12-01')), {
        count: 4,
        total: 500 + 2000 + 3000 + 400,
      });
      assert.deepEqual(await providerRefundsIn(tables, period('2026-11')), { count: 1, total: 1000 });
      assert.deepEqual(await providerRefundsIn(tables, period('2026-11-29')), { count: 0, total: 0 });
    });

    it('leaves out a charge the business schema already holds as refunded, when the charge id is mapped', async () => {
      const p = {
        ...defaultBillingSchema.payments,
        table: 'charges',
        status: 'status',
        provider_charge_id: 'stripe_charge',
      };
      const tables = { db: t.db, p, s: defaultBillingSchema.subscriptions, rule: 'next' as const };
      assert.deepEqual(await providerRefundsIn(tables, period('2026-12-01')), { count: 3, total: 500 + 2000 + 400 });
    });
  });
}
