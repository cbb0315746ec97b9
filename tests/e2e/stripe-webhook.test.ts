import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toDbTime } from '../../src/db/time.js';
import { waitFor } from '../helpers/wait.js';
import Stripe from 'stripe';
import { databaseKinds } from '../helpers/databases.js';
import { startTestBanto, type TestBanto } from '../helpers/banto.js';

const secret = 'whsec_banto_test_0123456789';

/** A Stripe event as its API sends one (only the fields Banto reads, plus some it does not). */
function event(id: string, type: string, created: number, object: Record<string, unknown>) {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2025-01-27',
    type,
    created,
    livemode: false,
    data: { object },
  });
}

for (const kind of databaseKinds) {
  describe(`the payment provider's webhook, POST /webhooks/stripe (${kind})`, () => {
    let t: TestBanto;
    before(async () => {
      t = await startTestBanto(kind, { users: 20, env: { STRIPE_WEBHOOK_SECRET: secret } });
    });
    after(() => t.close());

    const now = () => Math.floor(t.clock.nowMs() / 1000);
    const send = async (
      payload: string,
      { key = secret, timestamp = now(), header }: { key?: string; timestamp?: number; header?: string } = {},
    ) => {
      const response = await fetch(`${t.banto.url}/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': header ?? Stripe.webhooks.generateTestHeaderString({ payload, secret: key, timestamp }),
        },
        body: payload,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const billingPosts = () =>
      t.banto
        .emulator!.callsTo('chat.postMessage')
        .filter((c) => c.args.channel === 'C0BILLING' && c.response.ok === true)
        .map((c) => String(c.args.text));
    const waitForPost = (matches: RegExp) =>
      t.banto.emulator!.waitForCall(
        'chat.postMessage',
        (c) => c.args.channel === 'C0BILLING' && matches.test(String(c.args.text)),
      );
    const stored = async () =>
      (await t.banto.db('banto_provider_events').orderBy('id')).map((r: { id: string }) => r.id);

    it('stores a refund once and posts it to the billing channel once, however often it is sent', async () => {
      const refund = event('evt_refund_1', 'charge.refunded', now() - 30, {
        id: 'ch_1',
        object: 'charge',
        amount: 1980,
        amount_refunded: 1200,
        currency: 'jpy',
        customer: 'cus_123',
        refunds: { data: [{ id: 're_1', reason: 'requested_by_customer' }] },
      });
      assert.deepEqual(await send(refund), { status: 200, body: { received: true, duplicate: false } });
      await waitForPost(/返金 ¥1,200 — 顧客 cus\\?_123、理由: requested\\?_by\\?_customer/);
      assert.deepEqual(await send(refund), { status: 200, body: { received: true, duplicate: true } });
      assert.deepEqual(await send(refund), { status: 200, body: { received: true, duplicate: true } });
      // A later event's post is the sign that the drains ran: the refund is still posted once.
      await send(
        event('evt_failed_1', 'invoice.payment_failed', now(), {
          id: 'in_1',
          amount_due: 980,
          currency: 'jpy',
          customer: 'cus_9',
          attempt_count: 2,
        }),
      );
      await waitForPost(/請求の支払いに失敗しました ¥980 — 顧客 cus\\?_9、試行 2 回/);
      assert.equal(billingPosts().filter((p) => p.includes('¥1,200')).length, 1);
      const row = await t.banto.db('banto_provider_events').where({ id: 'evt_refund_1' }).first();
      assert.deepEqual(
        [row.type, Number(row.amount), row.currency, row.customer_id, row.post_state],
        ['charge.refunded', 1200, 'JPY', 'cus_123', 'posted'],
      );
      assert.ok(row.posted_ts);

      // The refund shows in today's figures, beside the business data's own refunds.
      const emulator = t.banto.emulator!;
      const sent = emulator.calls.length;
      await emulator.sendCommand({ userId: 'U01EXEC', channelId: 'C0BILLING', command: '/payments', text: 'today' });
      const answer = await emulator.waitForCall('response_url', (c) => emulator.calls.indexOf(c) >= sent);
      assert.match(JSON.stringify(answer.args.blocks), /決済代行会社の返金 \(未反映分\)\*\\n1 件 \/ ¥1,200/);
    });

    it("keeps an event whose post failed pending, and the minute's job posts it once", async () => {
      const emulator = t.banto.emulator!;
      emulator.failNext('chat.postMessage', { error: 'internal_error' });
      const failedPost = emulator.calls.length;
      await send(
        event('evt_refund_2', 'charge.refunded', now(), {
          id: 'ch_5',
          amount_refunded: 700,
          currency: 'jpy',
          customer: 'cus_5',
        }),
      );
      await emulator.waitForCall('chat.postMessage', (c) => emulator.calls.indexOf(c) >= failedPost);
      const pending = await t.banto.db('banto_provider_events').where({ id: 'evt_refund_2' }).first();
      assert.equal(pending.post_state, 'pending');
      // The claim of the failed attempt runs out after a minute; the job's drain then takes the event.
      await t.banto.db('banto_provider_events').where({ id: 'evt_refund_2' }).update({ post_claimed_at: null });
      const outcome = await t.banto.jobs.runNow('provider-events', 'U04ENG');
      assert.equal(outcome.result, 'posted 1 provider events');
      assert.equal((await t.banto.jobs.runNow('provider-events', 'U04ENG')).result, 'posted 0 provider events');
      assert.equal(billingPosts().filter((p) => p.includes('¥700')).length, 1);
      const posted = await t.banto.db('banto_provider_events').where({ id: 'evt_refund_2' }).first();
      assert.equal(posted.post_state, 'posted');
    });

    it('finds a post whose sender died before recording it, and does not post it again', async () => {
      await send(
        event('evt_refund_3', 'charge.refunded', now(), {
          id: 'ch_6',
          amount_refunded: 650,
          currency: 'jpy',
          customer: 'cus_6',
        }),
      );
      await waitForPost(/返金 ¥650/);
      await waitFor(
        'the post recorded',
        async () =>
          (await t.banto.db('banto_provider_events').where({ id: 'evt_refund_3' }).first()).posted_ts ?? undefined,
      );
      const original = await t.banto.db('banto_provider_events').where({ id: 'evt_refund_3' }).first();
      // As a replica killed between Slack's answer and its own update leaves it, once its claim has run out.
      await t.banto
        .db('banto_provider_events')
        .where({ id: 'evt_refund_3' })
        .update({
          post_state: 'pending',
          posted_ts: null,
          post_claimed_at: toDbTime(t.clock.now().minus({ minutes: 2 })),
        });
      const outcome = await t.banto.jobs.runNow('provider-events', 'U04ENG');
      assert.equal(outcome.result, 'posted 1 provider events');
      assert.equal(billingPosts().filter((p) => p.includes('¥650')).length, 1, 'Slack has it once');
      const row = await t.banto.db('banto_provider_events').where({ id: 'evt_refund_3' }).first();
      assert.deepEqual([row.post_state, row.posted_ts], ['posted', original.posted_ts]);
    });

    it('refuses a wrong secret, a stale signature, a body that is not JSON and one that is not an event; stores nothing', async () => {
      const before = await stored();
      const posts = billingPosts().length;
      const payload = event('evt_bad_1', 'charge.refunded', now(), {
        id: 'ch_2',
        amount_refunded: 500,
        currency: 'jpy',
      });
      assert.deepEqual(await send(payload, { key: 'whsec_wrong' }), {
        status: 400,
        body: { error: 'invalid_signature' },
      });
      assert.deepEqual(await send(payload, { timestamp: now() - 400 }), {
        status: 400,
        body: { error: 'invalid_signature' },
      });
      assert.deepEqual(await send(payload, { header: 'garbage' }), {
        status: 400,
        body: { error: 'invalid_signature' },
      });
      assert.deepEqual(await send('{"id": "evt_x", '), {
        status: 400,
        body: { error: 'malformed_body', reason: 'not JSON' },
      });
      const noAmount = event('evt_bad_2', 'charge.refunded', now(), { id: 'ch_3', currency: 'jpy' });
      const refused = await send(noAmount);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error, 'invalid_event');
      assert.match(String(refused.body.reason), /^data\.object\.amount_refunded: /);
      assert.deepEqual(await stored(), before);
      assert.equal(billingPosts().length, posts);
    });

    it('keeps a dispute in its final state when its events arrive out of order, and mentions accounting when it opens', async () => {
      const dispute = {
        id: 'dp_1',
        object: 'dispute',
        amount: 5000,
        currency: 'jpy',
        charge: 'ch_9',
        reason: 'fraudulent',
      };
      const opened = now() - 120;
      await send(event('evt_dp_closed', 'charge.dispute.closed', opened + 60, { ...dispute, status: 'lost' }));
      await send(event('evt_dp_created', 'charge.dispute.created', opened, { ...dispute, status: 'needs_response' }));
      const row = await t.banto.db('banto_provider_disputes').where({ id: 'dp_1' }).first();
      assert.deepEqual(
        [row.status, Number(row.amount), row.reason, row.charge_id],
        ['lost', 5000, 'fraudulent', 'ch_9'],
      );
      await waitForPost(
        /^<!subteam\^S0ACCT> :warning: チャージバック .* ¥5,000 — 顧客 不明、理由: fraudulent、状態: needs\\?_response/,
      );
      await waitForPost(/チャージバックが終了しました ¥5,000 — 結果: lost/);
    });

    it('adds charges and payouts to the provider totals of their day, and stores an unknown type without a post', async () => {
      const day = t.clock.now().toISODate();
      const charge = (id: string, amount: number) =>
        event(id, 'charge.succeeded', now(), { id: `ch_${id}`, amount, currency: 'jpy', customer: 'cus_1' });
      await send(charge('evt_c1', 980));
      await send(charge('evt_c2', 1980));
      await send(charge('evt_c2', 1980));
      await send(
        event('evt_po_1', 'payout.paid', now(), { id: 'po_1', amount: 2500, currency: 'jpy', arrival_date: now() }),
      );
      await waitForPost(/入金 \(payout\) ¥2,500 — 着金日 /);
      const total = await t.banto.db('banto_provider_totals').where({ day, currency: 'JPY' }).first();
      assert.deepEqual([Number(total.amount), Number(total.payouts), total.source], [2960, 2500, 'stripe']);

      const unknown = await send(event('evt_u_1', 'customer.created', now(), { id: 'cus_new', object: 'customer' }));
      assert.deepEqual(unknown, { status: 200, body: { received: true, duplicate: false } });
      const row = await t.banto.db('banto_provider_events').where({ id: 'evt_u_1' }).first();
      assert.deepEqual([row.type, row.post_state], ['customer.created', 'none']);
      assert.equal(billingPosts().filter((p) => /cus_new|customer\.created/.test(p)).length, 0);
    });
  });
}

describe('the webhook without STRIPE_WEBHOOK_SECRET', () => {
  let t: TestBanto;
  before(async () => {
    t = await startTestBanto('sqlite', { users: 20 });
  });
  after(() => t.close());

  it('is off: 404, nothing stored', async () => {
    const response = await fetch(`${t.banto.url}/webhooks/stripe`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 404);
    assert.equal((await t.banto.db('banto_provider_events')).length, 0);
  });
});
