import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { defaultAnomalyRules, type AnomalyRules } from '../../src/config.js';
import { defaultBillingSchema } from '../../src/config-file.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { toDbTime } from '../../src/db/time.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/local/emulator.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { emulatorNotifier } from '../helpers/alerts.js';
import { createBillingAnomaliesJob } from '../../src/schedules/jobs/billing-anomalies.js';
import { createAlerts } from '../../src/services/alerts/alerts.js';
import { createPeriodSummarizer } from '../../src/services/payments/summarize.js';
import { createTestRunner, fixedClockAt, silent } from '../helpers/jobs.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';

const zone = 'Asia/Tokyo';
const at = (iso: string) => DateTime.fromISO(iso, { zone });
const off = { enabled: false };
const only = (rule: Partial<AnomalyRules>): AnomalyRules => ({
  ...defaultAnomalyRules,
  failed_rate: { ...defaultAnomalyRules.failed_rate, ...off },
  below_expected: { ...defaultAnomalyRules.below_expected, ...off },
  no_payments: { ...defaultAnomalyRules.no_payments, ...off },
  provider_total: off,
  ...rule,
});

for (const kind of databaseKinds) {
  describe(`billing anomaly rules (${kind})`, () => {
    let t: TestDatabase;
    let slack: SlackEmulator;
    before(async () => {
      t = await createTestDatabase(kind);
      await migrateLatest(t.db);
      slack = await startSlackEmulator({ workspace: demoWorkspace, signingSecret: 'unused-here-0000' });
      await t.db('users').insert(
        Array.from({ length: 10 }, (_, i) => ({
          id: i + 1,
          email: `u${i + 1}@example.com`,
          name: `user ${i + 1}`,
          password_hash: 'x',
          plan: 'paid',
          created_at: '2026-01-01 00:00:00.000',
        })),
      );
      await t.db('subscriptions').insert(
        Array.from({ length: 10 }, (_, i) => ({
          id: i + 1,
          user_id: i + 1,
          plan: 'basic',
          amount: 1000,
          status: 'active',
          next_payment_date: '2026-12-01',
        })),
      );
    });
    after(async () => {
      await slack.stop();
      await t.drop();
    });
    beforeEach(async () => {
      slack.calls.length = 0;
      for (const table of ['payments', 'banto_alerts', 'banto_job_runs', 'banto_provider_totals'])
        await t.db(table).delete();
    });

    const posts = () =>
      slack
        .callsTo('chat.postMessage')
        .map((c) => ({ text: String(c.args.text), thread: c.args.thread_ts, ts: c.response.ts }));
    const pay = (n: number, status: string, paidAt: string, due = '2026-12-01') =>
      t.db('payments').insert(
        Array.from({ length: n }, (_, i) => ({
          user_id: (i % 10) + 1,
          subscription_id: (i % 10) + 1,
          amount: 1000,
          currency: 'JPY',
          status,
          paid_at: toDbTime(at(paidAt)),
          due_date: due,
        })),
      );

    function runnerAt(iso: string, rules: AnomalyRules) {
      const clock = fixedClockAt(iso, zone);
      const notifier = emulatorNotifier(slack);
      const alerts = createAlerts({ db: t.db, notifier, clock, logger: silent });
      const job = createBillingAnomaliesJob({
        db: t.db,
        clock,
        summarizer: createPeriodSummarizer(t.db, defaultBillingSchema, 'next', clock),
        rules,
        alerts,
        locale: 'en',
        accountingUsergroups: ['S0ACCT'],
      });
      return { clock, runner: createTestRunner(t.db, clock, [job], { notifier }) };
    }

    it('failed rate: alerts once with the on-call and accounting mentions, then recovers in the thread', async () => {
      const { runner, clock } = runnerAt(
        '2026-12-01T12:00:00',
        only({ failed_rate: { enabled: true, max_percent: 10, min_attempts: 20 } }),
      );
      await pay(15, 'succeeded', '2026-12-01T10:00:00');
      await pay(6, 'failed', '2026-12-01T10:05:00');
      await runner.runNow('billing-anomalies', 'test');
      clock.set(at('2026-12-01T12:15:00'));
      await runner.runNow('billing-anomalies', 'test');
      assert.equal(posts().length, 1, 'one alert per incident');
      assert.match(
        posts()[0]!.text,
        /^<!subteam\^S0ONCALL> <!subteam\^S0ACCT> :warning: 28\.6% of payments failed on 2026-12-01 \(6 of 21; the limit is 10%\)/,
      );
      await pay(40, 'succeeded', '2026-12-01T12:20:00');
      clock.set(at('2026-12-01T12:30:00'));
      await runner.runNow('billing-anomalies', 'test');
      assert.equal(posts().length, 2);
      assert.equal(posts()[1]!.thread, posts()[0]!.ts);
      assert.match(posts()[1]!.text, /failed-rate on 2026-12-01 is over/);
    });

    it('no payments for K hours on a payment day in business hours', async () => {
      const { runner, clock } = runnerAt('2026-12-01T11:00:00', only({ no_payments: { enabled: true, hours: 3 } }));
      await pay(1, 'succeeded', '2026-12-01T09:30:00');
      await runner.runNow('billing-anomalies', 'test');
      assert.equal(posts().length, 0, 'only 1.5 hours');
      clock.set(at('2026-12-01T12:45:00'));
      await runner.runNow('billing-anomalies', 'test');
      await runner.runNow('billing-anomalies', 'test');
      assert.equal(posts().length, 1);
      assert.match(posts()[0]!.text, /No payment has succeeded for 3\.3 hours since 09:30 on payment day 2026-12-01/);
      await pay(1, 'succeeded', '2026-12-01T12:50:00');
      clock.set(at('2026-12-01T13:00:00'));
      await runner.runNow('billing-anomalies', 'test');
      assert.match(posts()[1]!.text, /no-payments on 2026-12-01 is over/);
      const sunday = runnerAt('2026-11-29T15:00:00', only({ no_payments: { enabled: true, hours: 3 } }));
      await sunday.runner.runNow('billing-anomalies', 'test');
      assert.equal(posts().length, 2, 'not on a weekend');
    });

    it('paid below N% of the expected once the payment day closes', async () => {
      const { runner, clock } = runnerAt(
        '2026-12-01T17:00:00',
        only({ below_expected: { enabled: true, min_percent: 80 } }),
      );
      await pay(5, 'succeeded', '2026-12-01T10:00:00');
      await runner.runNow('billing-anomalies', 'test');
      assert.equal(posts().length, 0, 'the day has not closed');
      clock.set(at('2026-12-01T18:30:00'));
      await runner.runNow('billing-anomalies', 'test');
      assert.match(
        posts()[0]!.text,
        /2026-12-01 brought in 50\.0% of what was expected \(¥5,000 of ¥10,000; the floor is 80%\)/,
      );
      await t.db('payments').insert(
        Array.from({ length: 4 }, (_, i) => ({
          user_id: i + 6,
          subscription_id: i + 6,
          amount: 1000,
          currency: 'JPY',
          status: 'succeeded',
          paid_at: toDbTime(at('2026-12-01T18:40:00')),
          due_date: '2026-12-01',
        })),
      );
      clock.set(at('2026-12-01T18:45:00'));
      await runner.runNow('billing-anomalies', 'test');
      assert.match(posts()[1]!.text, /below-expected on 2026-12-01 is over/);
      assert.equal(posts().length, 2);
    });

    it("a day's total that does not match the provider's", async () => {
      const { runner, clock } = runnerAt('2026-12-02T09:00:00', only({ provider_total: { enabled: true } }));
      await pay(3, 'succeeded', '2026-12-01T10:00:00');
      await runner.runNow('billing-anomalies', 'test');
      assert.equal(posts().length, 0, 'no provider total recorded yet');
      await t.db('banto_provider_totals').insert({
        day: '2026-12-01',
        currency: 'JPY',
        amount: 4000,
        source: 'test',
        recorded_at: toDbTime(at('2026-12-02T08:00:00')),
      });
      await runner.runNow('billing-anomalies', 'test');
      await runner.runNow('billing-anomalies', 'test');
      assert.equal(posts().length, 1);
      assert.match(
        posts()[0]!.text,
        /2026-12-01's total does not match the payment provider's \(Banto ¥3,000, provider ¥4,000\)/,
      );
      await pay(1, 'succeeded', '2026-12-01T20:00:00');
      clock.set(at('2026-12-02T09:15:00'));
      await runner.runNow('billing-anomalies', 'test');
      assert.match(posts()[1]!.text, /provider-total on 2026-12-01 is over/);
    });
  });
}
