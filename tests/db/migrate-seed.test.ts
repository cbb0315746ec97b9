import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { seedDemo } from '../../seeds/demo.js';
import { familyNames, givenNames } from '../../seeds/japanese-names.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';

const now = DateTime.fromISO('2026-11-29T12:00:00', { zone: 'Asia/Tokyo' });

for (const kind of databaseKinds) {
  describe(`migrations and the demo seed (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(kind);
    });
    after(async () => {
      await t.drop();
    });

    it("creates the business schema and Banto's tables, and a second run does nothing", async () => {
      assert.deepEqual(await migrateLatest(t.db), [
        '0001_business_schema',
        '0002_banto_audit',
        '0003_banto_job_runs_and_alerts',
        '0004_payments_by_subscription',
        '0005_banto_provider_totals',
        '0006_banto_mail',
        '0007_banto_job_effects',
        '0008_banto_sync',
        '0009_banto_provider_events',
        '0010_banto_dev_refresh',
        '0011_banto_help_requests',
        '0012_banto_help_request_progress',
        '0013_banto_home_views',
        '0014_banto_payment_days',
        '0015_banto_payment_today',
      ]);
      assert.deepEqual(await migrateLatest(t.db), []);
      for (const table of [
        'users',
        'subscriptions',
        'payments',
        'articles',
        'banto_audit',
        'banto_job_runs',
        'banto_alerts',
        'banto_job_effects',
      ]) {
        assert.ok(await t.db.schema.hasTable(table), table);
      }
      for (const column of ['id', 'email', 'name', 'password_hash', 'plan', 'created_at', 'unsubscribed_at']) {
        assert.ok(await t.db.schema.hasColumn('users', column), `users.${column}`);
      }
      for (const column of [
        'id',
        'user_id',
        'subscription_id',
        'amount',
        'currency',
        'status',
        'paid_at',
        'due_date',
      ]) {
        assert.ok(await t.db.schema.hasColumn('payments', column), `payments.${column}`);
      }
    });

    it('seeds a realistic service: free and paid users, 90 days of yen payments with failures and refunds', async () => {
      const summary = await seedDemo(t.db, { now, zone: 'Asia/Tokyo' });
      assert.equal(summary.users, 3000);
      const plans = Object.fromEntries(
        ((await t.db('users').select('plan').count({ n: '*' }).groupBy('plan')) as { plan: string; n: number }[]).map(
          (r) => [r.plan, Number(r.n)],
        ),
      );
      assert.ok(plans.free! > 1500 && plans.paid! > 800, JSON.stringify(plans));
      // Japanese names, each with an address made of its own reading: 山田 太郎 → taro.yamada.12@example.com.
      const family = new Map(familyNames);
      const given = new Map(givenNames);
      const people = (await t.db('users').select('id', 'name', 'email')) as {
        id: number;
        name: string;
        email: string;
      }[];
      assert.equal(people.length, 3000);
      for (const { id, name, email } of people) {
        const [familyName = '', givenName = ''] = name.split(' ');
        assert.equal(email, `${given.get(givenName)}.${family.get(familyName)}.${id}@example.com`, name);
      }
      const statuses = Object.fromEntries(
        (
          (await t.db('payments').select('status').count({ n: '*' }).groupBy('status')) as {
            status: string;
            n: number;
          }[]
        ).map((r) => [r.status, Number(r.n)]),
      );
      assert.ok(
        statuses.succeeded! > 2500 && statuses.failed! > 50 && statuses.refunded! > 10,
        JSON.stringify(statuses),
      );
      const range = await t.db('payments').min({ first: 'paid_at' }).max({ last: 'paid_at' }).first();
      assert.ok(String(range?.first) >= '2026-08-30 15:00:00.000', `first payment ${range?.first}`);
      assert.ok(String(range?.last) <= '2026-11-29 03:00:00.000', `no payment after now: ${range?.last}`);
      const amounts = await t.db('payments').distinct('amount').orderBy('amount');
      assert.deepEqual(
        amounts.map((r) => Number(r.amount)),
        [980, 1980, 4980],
      );
      assert.equal(Number((await t.db('articles').count({ n: '*' }).first())?.n), 12);
      const unsubscribed = await t.db('users').whereNotNull('unsubscribed_at').count({ n: '*' }).first();
      assert.ok(Number(unsubscribed?.n) > 0);
    });

    it('is deterministic: the same options give the same rows', async () => {
      const digest = async () => {
        const p = await t.db('payments').count({ n: '*' }).sum({ total: 'amount' }).first();
        const u = await t.db('users').select('email', 'name').orderBy('id').limit(5);
        return JSON.stringify([Number(p?.n), Number(p?.total), u]);
      };
      const first = await digest();
      await seedDemo(t.db, { now, zone: 'Asia/Tokyo', force: true });
      assert.equal(await digest(), first);
    });

    it('refuses to seed over existing data without force, and changes nothing', async () => {
      const before = Number((await t.db('users').count({ n: '*' }).first())?.n);
      await assert.rejects(seedDemo(t.db, { now, zone: 'Asia/Tokyo' }), { code: 'SEED_NOT_EMPTY' });
      assert.equal(Number((await t.db('users').count({ n: '*' }).first())?.n), before);
    });
  });
}
