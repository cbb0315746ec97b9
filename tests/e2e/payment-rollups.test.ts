import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { DateTime } from 'luxon';
import { toDbTime } from '../../src/db/time.js';
import { shiftToBusinessDay } from '../../src/services/payments/business-days.js';
import { demoConfigPath, startTestBanto, type TestBanto } from '../helpers/banto.js';
import { databaseKinds } from '../helpers/databases.js';

const secret = 'whsec_banto_rollups_0123456789';

for (const kind of databaseKinds)
  describe(`billing rollups behind /payments: the job, a webhook's dirty day (${kind})`, () => {
    let t: TestBanto;
    let dir: string;
    let day: string;
    let payment: { id: number; amount: number };
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'banto-config-'));
      const path = join(dir, 'banto.yml');
      writeFileSync(
        path,
        readFileSync(demoConfigPath, 'utf8').replace(
          /^ {2}schema: \{\}/m,
          '  schema: { payments: { provider_charge_id: stripe_charge } }',
        ),
      );
      t = await startTestBanto(kind, {
        receiving: 'http',
        users: 200,
        env: { BANTO_CONFIG: path, STRIPE_WEBHOOK_SECRET: secret },
      });
      await t.banto.db.schema.alterTable('payments', (c) => c.string('stripe_charge', 64).nullable());
      // A succeeded payment five days ago: a closed day, inside the look-back window.
      const start = t.clock.now().startOf('day').minus({ days: 5 });
      day = start.toISODate() ?? '';
      payment = (await t.banto
        .db('payments')
        .where({ status: 'succeeded' })
        .andWhere('paid_at', '>=', toDbTime(start))
        .andWhere('paid_at', '<', toDbTime(start.plus({ days: 1 })))
        .orderBy('id')
        .first('id', 'amount')) as { id: number; amount: number };
      assert.ok(payment, 'the demo data has a payment that day');
      await t.banto.db('payments').where({ id: payment.id }).update({ stripe_charge: 'ch_rollup_1' });
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** The day's refunded count and succeeded count, as /payments answers them. */
    const asked = async () => {
      const emulator = t.banto.emulator!;
      const sent = emulator.calls.length;
      await emulator.sendCommand({ userId: 'U01EXEC', channelId: 'C0BILLING', command: '/payments', text: day });
      const answer = await emulator.waitForCall('response_url', (c) => emulator.calls.indexOf(c) >= sent);
      const blocks = JSON.stringify(answer.args.blocks);
      const count = (label: string) =>
        Number(new RegExp(`\\*${label}\\*\\\\n([\\d,]+) 件`).exec(blocks)?.[1]?.replace(/,/g, ''));
      return { succeeded: count('成功'), refunded: count('返金') };
    };
    const direct = async () => {
      const start = t.clock.now().startOf('day').minus({ days: 5 });
      const rows = (await t.banto
        .db('payments')
        .where('paid_at', '>=', toDbTime(start))
        .andWhere('paid_at', '<', toDbTime(start.plus({ days: 1 })))
        .groupBy('status')
        .select('status')
        .count({ n: '*' })) as { status: string; n: unknown }[];
      const of = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      return { succeeded: of('succeeded'), refunded: of('refunded') };
    };
    const state = () => t.banto.db('banto_payment_day_state').where({ basis: 'paid', day }).first();

    it('the job rolls the window once; a second run finds nothing changed', async () => {
      const first = await t.banto.jobs.runNow('billing-rollups', 'U04ENG');
      assert.equal(first.status, 'succeeded', first.error);
      assert.match(first.result ?? '', /^checked 60 days; rolled \d+ paid days, \d+ due dates and \d+ payment days$/);
      assert.equal(Number((await state())?.dirty), 0);
      assert.deepEqual(await asked(), await direct());
      const second = await t.banto.jobs.runNow('billing-rollups', 'U04ENG');
      assert.equal(second.result, 'checked 60 days; rolled 0 paid days, 0 due dates and 0 payment days');
    });

    it("a webhook's refund marks its day dirty at once: /payments reads it live until the next run rolls it", async () => {
      const before = await direct();
      await t.banto.db('payments').where({ id: payment.id }).update({ status: 'refunded' });
      const payload = JSON.stringify({
        id: 'evt_rollup_refund',
        object: 'event',
        type: 'charge.refunded',
        created: Math.floor(t.clock.nowMs() / 1000),
        data: { object: { id: 'ch_rollup_1', amount_refunded: payment.amount, currency: 'jpy', customer: 'cus_1' } },
      });
      const response = await fetch(`${t.banto.url}/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }),
        },
        body: payload,
      });
      assert.equal(response.status, 200);
      assert.equal(Number((await state())?.dirty), 1, 'marked when the webhook was stored');
      // And the payment day that charged its due date.
      const { due_date: due } = (await t.banto.db('payments').where({ id: payment.id }).first('due_date')) as {
        due_date: string;
      };
      const charged = shiftToBusinessDay(DateTime.fromISO(String(due).slice(0, 10), { zone: 'Asia/Tokyo' }), 'next');
      const payday = await t.banto.db('banto_payment_paydays').where({ day: charged.toISODate() }).first('dirty');
      assert.equal(Number(payday?.dirty), 1);
      const live = await asked();
      assert.deepEqual(live, { succeeded: before.succeeded - 1, refunded: before.refunded + 1 });
      assert.deepEqual(live, await direct());

      const run = await t.banto.jobs.runNow('billing-rollups', 'U04ENG');
      assert.equal(run.result, 'checked 60 days; rolled 1 paid days, 1 due dates and 1 payment days');
      assert.equal(Number((await state())?.dirty), 0);
      assert.deepEqual(await asked(), await direct());
    });
  });
