import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RecordedCall } from '../../src/local/emulator.js';
import { requestIds } from '../../src/views/requests.js';
import { demoConfigPath, startTestBanto, waitForAuditRows, type TestBanto } from '../helpers/banto.js';
import { databaseKinds } from '../helpers/databases.js';
import { startFakeStripe, type FakeStripe } from '../helpers/fake-stripe.js';

const CLERK = 'U03CLERK';
const ACCOUNTING = 'U02ACCT';
const ACCOUNTING2 = 'U07ACCT2';
const BILLING = 'C0BILLING';

/** The demo config with the provider ids mapped (the columns the test adds) and the fake Stripe as the provider. */
function configWithProvider(stripeUrl: string): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'banto-config-'));
  const path = join(dir, 'banto.yml');
  const demo = readFileSync(demoConfigPath, 'utf8');
  writeFileSync(
    path,
    demo.replace(
      /^ {2}schema: \{\}/m,
      [
        '  schema:',
        '    payments: { provider_charge_id: stripe_charge }',
        '    subscriptions: { provider_subscription_id: stripe_subscription }',
        `  provider: { api_url: "${stripeUrl}", retries: 0, timeout_seconds: 5 }`,
      ].join('\n'),
    ),
  );
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

for (const kind of databaseKinds)
  describe(`refund and cancellation requests carried out through the payment provider (${kind})`, () => {
    let t: TestBanto;
    let stripe: FakeStripe;
    let config: { path: string; remove(): void };
    let customer: string;
    let payments: { id: number; amount: number }[];
    let subscription: number;
    before(async () => {
      stripe = await startFakeStripe();
      config = configWithProvider(stripe.url);
      t = await startTestBanto(kind, {
        receiving: 'http',
        users: 40,
        env: { BANTO_CONFIG: config.path, STRIPE_SECRET_KEY: 'sk_test_banto' },
      });
      const db = t.banto.db;
      await db.schema.alterTable('payments', (c) => c.string('stripe_charge', 64).nullable());
      await db.schema.alterTable('subscriptions', (c) => c.string('stripe_subscription', 64).nullable());
      const [payer] = (await db('payments')
        .where({ status: 'succeeded' })
        .groupBy('user_id')
        .havingRaw('count(*) >= 3')
        .orderBy('user_id')
        .limit(1)
        .select('user_id')) as { user_id: number }[];
      customer = String(payer?.user_id);
      payments = (await db('payments')
        .where({ user_id: customer, status: 'succeeded' })
        .orderBy('id')
        .limit(3)
        .select('id', 'amount')) as { id: number; amount: number }[];
      // The first two payments are known to Stripe; the third is not.
      for (const [i, p] of payments.slice(0, 2).entries())
        await db('payments')
          .where({ id: p.id })
          .update({ stripe_charge: `ch_banto_${i + 1}` });
      subscription = Number(
        await db('subscriptions')
          .where({ user_id: customer })
          .first('id')
          .then((r) => r.id),
      );
      await db('subscriptions').where({ id: subscription }).update({ stripe_subscription: 'sub_banto_1' });
      stripe.subscriptions.set('sub_banto_1', 'active');
    });
    after(async () => {
      await t?.close();
      await stripe?.stop();
      config?.remove();
    });

    const emulator = () => t.banto.emulator!;
    const next = async (method: string, act: () => Promise<unknown>): Promise<RecordedCall> => {
      const from = emulator().calls.length;
      await act();
      return emulator().waitForCall(method, (c) => emulator().calls.indexOf(c) >= from);
    };
    const row = (id: string) => t.banto.db('banto_help_requests').where({ id }).first();

    /** A clerk asks from the customer's lookup, as in Slack; the request's id and its post's ts. */
    async function ask(kindOf: 'refund' | 'cancel', target: number): Promise<{ id: string; ts: string }> {
      const record = await next('views.open', () =>
        emulator().sendCommand({ userId: CLERK, channelId: 'C0GENERAL', command: '/customer', text: customer }),
      );
      const form = await next('views.push', () =>
        emulator().pressButton({
          userId: CLERK,
          actionId: requestIds[kindOf],
          value: customer,
          viewId: String((record.response.view as { id: string }).id),
        }),
      );
      const posted = await next('chat.postMessage', () =>
        emulator().submitView({
          userId: CLERK,
          viewId: String((form.response.view as { id: string }).id),
          values: { target: { id: String(target) }, reason: { text: 'お客様の申し出' } },
        }),
      );
      assert.equal(posted.args.channel, BILLING);
      const id = /の依頼 #(\d+)/.exec(JSON.stringify(posted.args))?.[1] ?? '';
      return { id, ts: String(posted.response.ts) };
    }
    const press = (userId: string, actionId: string, request: { id: string; ts: string }) =>
      emulator().pressButton({ userId, actionId, value: request.id, channelId: BILLING, messageTs: request.ts });
    const writes = () => stripe.requests.filter((r) => r.method !== 'GET');

    it('an approval refunds through Stripe once; a refusal is shown, and "Carry out" tries the same refund again', async () => {
      const request = await ask('refund', payments[0]!.id);
      stripe.refuseNext(400, 'charge_disputed', 'This charge is disputed.');
      const told = await next('chat.postMessage', () => press(ACCOUNTING, requestIds.approve, request));
      assert.equal(told.args.channel, CLERK);
      assert.match(String(told.args.text), /承認済み/);
      const update = JSON.stringify(emulator().callsTo('chat.update').at(-1)?.args);
      assert.match(update, /決済サービスで実施できませんでした: charge_disputed: This charge is disputed\./);
      assert.match(update, /"action_id":"request_carry_out"/);
      const failed = await row(request.id);
      assert.deepEqual([failed.state, failed.provider_ref], ['approved', null]);
      assert.equal(failed.provider_error, 'charge_disputed: This charge is disputed.');
      await waitForAuditRows(
        t.banto,
        1,
        (r) => r.name === requestIds.approve && r.result === `request #${request.id}: failed (PROVIDER_REFUSED)`,
      );
      assert.equal(stripe.refunds.length, 0);

      const done = await next('chat.postMessage', () => press(ACCOUNTING2, requestIds.carryOut, request));
      assert.match(String(done.args.text), /完了/);
      const posts = writes();
      assert.equal(posts.length, 2, 'the refused try and the one that went through');
      for (const post of posts) {
        assert.equal(post.path, '/v1/refunds');
        assert.equal(post.idempotencyKey, `banto-help-request-${request.id}`);
        assert.equal(post.authorization, 'Bearer sk_test_banto');
        assert.deepEqual(
          [post.form.charge, post.form.amount],
          ['ch_banto_1', String(payments[0]!.amount)],
          'the whole payment',
        );
      }
      assert.equal(stripe.refunds.length, 1);
      const carried = await row(request.id);
      assert.deepEqual(
        [carried.state, carried.done_by, carried.provider_ref, carried.provider_error],
        ['done', ACCOUNTING2, 're_fake_1', null],
      );
      assert.match(
        JSON.stringify(emulator().callsTo('chat.update').at(-1)?.args),
        /決済サービスで実施済み: `re_fake_1`/,
      );

      // Pressed again: answered, and nothing more reaches Stripe.
      const again = await next('response_url', () => press(ACCOUNTING, requestIds.carryOut, request));
      assert.match(String(again.args.text), /すでに処理されています/);
      assert.equal(writes().length, 2);
      assert.deepEqual(await row(request.id), carried);
    });

    it('a refund Stripe made before the mark was lost is found, not made again', async () => {
      const request = await ask('refund', payments[1]!.id);
      // A replica refunded and died before marking the request: Stripe holds the refund, tagged with its key.
      stripe.refunds.push({
        id: 're_before_crash',
        charge: 'ch_banto_2',
        amount: payments[1]!.amount,
        key: `banto-help-request-${request.id}`,
      });
      const before = writes().length;
      await next('chat.postMessage', () => press(ACCOUNTING, requestIds.approve, request));
      const carried = await row(request.id);
      assert.deepEqual([carried.state, carried.provider_ref], ['done', 're_before_crash']);
      assert.equal(writes().length, before, 'no second refund was asked for');
      assert.equal(stripe.refunds.filter((r) => r.charge === 'ch_banto_2').length, 1);
    });

    it('a cancellation cancels the Stripe subscription once', async () => {
      const request = await ask('cancel', subscription);
      await next('chat.postMessage', () => press(ACCOUNTING, requestIds.approve, request));
      const cancels = writes().filter((r) => r.path === '/v1/subscriptions/sub_banto_1');
      assert.deepEqual(
        cancels.map((r) => r.method),
        ['DELETE'],
      );
      assert.equal(stripe.subscriptions.get('sub_banto_1'), 'canceled');
      const carried = await row(request.id);
      assert.deepEqual([carried.state, carried.provider_ref], ['done', 'sub_banto_1']);
    });

    it('a payment Stripe does not know stays a task for a person, closed with Done', async () => {
      const request = await ask('refund', payments[2]!.id);
      const before = writes().length;
      await next('chat.postMessage', () => press(ACCOUNTING, requestIds.approve, request));
      assert.equal((await row(request.id)).state, 'approved');
      const noId = await next('response_url', () => press(ACCOUNTING2, requestIds.carryOut, request));
      assert.match(String(noId.args.text), /決済サービスの ID がありません/);
      await waitForAuditRows(
        t.banto,
        1,
        (r) => r.name === requestIds.carryOut && r.result === `request #${request.id}: manual`,
      );
      await next('chat.postMessage', () => press(ACCOUNTING2, requestIds.done, request));
      const done = await row(request.id);
      assert.deepEqual([done.state, done.provider_ref], ['done', null]);
      assert.equal(writes().length, before, 'nothing was sent to Stripe');
    });
  });
