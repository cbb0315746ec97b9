import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RecordedCall } from '../../src/local/emulator.js';
import { approveAllDrafts } from '../../src/services/mail/templates.js';
import { readProviderEvent } from '../../src/services/provider/event.js';
import { recordProviderEvent } from '../../src/services/provider/record.js';
import { customerIds } from '../../src/views/customers.js';
import { requestIds } from '../../src/views/requests.js';
import { demoConfigPath, startTestBanto, waitForAuditRows, type TestBanto } from '../helpers/banto.js';
import { databaseKinds } from '../helpers/databases.js';

const CLERK = 'U03CLERK';
const EXEC = 'U01EXEC';
const ENGINEER = 'U04ENG';
const GUEST = 'U05GUEST';
const ACCOUNTING = 'U02ACCT';
const ACCOUNTING2 = 'U07ACCT2';
const GENERAL = 'C0GENERAL';
const notice = { service_name: 'Banto News', name: '山田 太郎', headline: 'お知らせ', body: '本文' };

/** The demo config, with the payments table's provider charge id mapped (the column the test adds). */
function configWithChargeIds(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'banto-config-'));
  const path = join(dir, 'banto.yml');
  const demo = readFileSync(demoConfigPath, 'utf8');
  writeFileSync(
    path,
    demo.replace(/^ {2}schema: \{\}/m, '  schema: { payments: { provider_charge_id: stripe_charge } }'),
  );
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

for (const kind of databaseKinds)
  describe(`customer lookup through the emulator, signed HTTP (${kind})`, () => {
    let t: TestBanto;
    let config: { path: string; remove(): void };
    let customer: { id: string; email: string; name: string };
    let paymentIds: string[];
    let mailId: number;
    before(async () => {
      config = configWithChargeIds();
      t = await startTestBanto(kind, { receiving: 'http', users: 60, env: { BANTO_CONFIG: config.path } });
      const db = t.banto.db;
      await approveAllDrafts(db, 'demo-seed', t.clock.now());
      await db.schema.alterTable('payments', (c) => c.string('stripe_charge', 64).nullable());
      const [payer] = (await db('payments').groupBy('user_id').orderBy('user_id').limit(1).select('user_id')) as {
        user_id: number;
      }[];
      const user = (await db('users').where({ id: payer?.user_id }).first('id', 'email', 'name')) as {
        id: number;
        email: string;
        name: string;
      };
      customer = { id: String(user.id), email: user.email, name: user.name };
      paymentIds = ((await db('payments').where({ user_id: user.id }).pluck('id')) as number[]).map(String);
      const latest = Math.max(...paymentIds.map(Number));
      await db('payments').where({ id: latest }).update({ stripe_charge: 'ch_lookup_1' });
      const payload = JSON.stringify({
        id: 'evt_lookup_refund',
        object: 'event',
        type: 'charge.refunded',
        created: Math.floor(t.clock.now().toSeconds()) - 3600,
        data: {
          object: {
            id: 'ch_lookup_1',
            amount_refunded: 1480,
            currency: 'jpy',
            customer: 'cus_lookup',
            refunds: { data: [{ reason: 'requested_by_customer' }] },
          },
        },
      });
      await recordProviderEvent(db, readProviderEvent(JSON.parse(payload), payload), {
        now: t.clock.now(),
        zone: 'Asia/Tokyo',
      });
      mailId = (
        await t.banto.mail.enqueue({
          template: 'account-notice',
          to: customer.email,
          userId: customer.id,
          params: notice,
          dedupeKey: 'lookup-mail',
        })
      ).id;
      // Two customers whose names share a part no one else's has.
      const two = (await db('users').whereNot({ id: user.id }).orderBy('id').limit(2).pluck('id')) as number[];
      await db('users').where({ id: two[0] }).update({ name: '照会 一郎' });
      await db('users').where({ id: two[1] }).update({ name: '照会 二郎' });
    });
    after(async () => {
      await t.close();
      config.remove();
    });

    const emulator = () => t.banto.emulator!;
    const next = async (method: string, act: () => Promise<unknown>): Promise<RecordedCall> => {
      const from = emulator().calls.length;
      await act();
      return emulator().waitForCall(method, (c) => emulator().calls.indexOf(c) >= from);
    };
    const lookup = (userId: string, text: string) =>
      next('views.open', () => emulator().sendCommand({ userId, channelId: GENERAL, command: '/customer', text }));
    const viewOf = (call: RecordedCall) => JSON.stringify(call.args.view);

    /** The record modal shows this customer's own rows, and nobody else's. */
    const assertRecordOf = (view: string) => {
      assert.match(view, new RegExp(`\\*${customer.name}\\* \\(ユーザー ${customer.id}, ${customer.email}\\)`));
      assert.match(view, /"callback_id":"customer_record"/);
      const shown = [...view.matchAll(/\\n#(\d+) \d{4}-\d{2}-\d{2} ¥/g)].map((m) => m[1] ?? '');
      assert.ok(shown.length > 0, 'payments are listed');
      for (const id of shown) assert.ok(paymentIds.includes(id), `payment #${id} is the customer's`);
      assert.match(view, /返金 ¥1,480 \(requested_by_customer\)/);
      assert.match(view, new RegExp(`#${mailId} \\d{4}-\\d{2}-\\d{2} \\d\\d:\\d\\d account-notice`));
      assert.doesNotMatch(view, /合計|total/i, 'no total over customers');
    };

    it('finds the customer by e-mail and by id; each lookup is audited with whom it looked at', async () => {
      const byEmail = await lookup(CLERK, customer.email.toUpperCase());
      assertRecordOf(viewOf(byEmail));
      assert.match(viewOf(byEmail), new RegExp(`"action_id":"customer_resend","value":"${mailId}"`));
      assertRecordOf(viewOf(await lookup(CLERK, customer.id)));
      const rows = await waitForAuditRows(t.banto, 2, (r) => r.name === '/customer' && r.user_id === CLERK);
      assert.deepEqual(
        rows.map((r) => [r.outcome, r.result]),
        [
          ['allowed', `customer ${customer.id}`],
          ['allowed', `customer ${customer.id}`],
        ],
      );
      const exec = await lookup(EXEC, customer.id);
      assertRecordOf(viewOf(exec));
      assert.doesNotMatch(viewOf(exec), /customer_resend/, 'exec looks, and does not resend');
    });

    it('gives a pick list for part of a name, names and addresses only; Open shows that one', async () => {
      const pick = await lookup(CLERK, '照会');
      const view = viewOf(pick);
      assert.match(view, /2 人が一致しました/);
      assert.match(view, /照会 一郎/);
      assert.match(view, /照会 二郎/);
      assert.doesNotMatch(view, /¥/, 'no figures in a pick list');
      const viewId = String((pick.response.view as { id: string }).id);
      const first = /"action_id":"customer_open","value":"(\d+)"/.exec(view)?.[1] ?? '';
      const opened = await next('views.update', () =>
        emulator().pressButton({ userId: CLERK, actionId: customerIds.open, value: first, viewId }),
      );
      assert.match(viewOf(opened), new RegExp(`\\(ユーザー ${first},`));
      await waitForAuditRows(t.banto, 1, (r) => r.name === customerIds.open && r.result === `customer ${first}`);
      const none = await lookup(CLERK, 'nobody@example.jp');
      assert.match(viewOf(none), /「nobody@example.jp」に一致する顧客が見つかりません/);
    });

    it('Resend goes through the resend flow: its confirmation, then a new linked message', async () => {
      const record = await lookup(CLERK, customer.email);
      const viewId = String((record.response.view as { id: string }).id);
      const pushed = await next('views.push', () =>
        emulator().pressButton({ userId: CLERK, actionId: customerIds.resend, value: String(mailId), viewId }),
      );
      assert.match(viewOf(pushed), /"callback_id":"resend_confirm"/);
      const confirmId = String((pushed.response.view as { id: string }).id);
      const confirmed = await emulator().submitView({ userId: CLERK, viewId: confirmId, values: {} });
      const resentId = Number(/再送をキューに入れました: #(\d+)/.exec(JSON.stringify(confirmed.body?.view))?.[1]);
      const resent = await t.banto.mail.find(resentId);
      assert.equal(resent?.resendOf, mailId);
      assert.equal(resent?.requestedBy, CLERK);
    });

    it('refuses an engineer and someone with no role, with an audit row naming the customer', async () => {
      for (const userId of [ENGINEER, GUEST]) {
        const reply = await emulator().sendCommand({
          userId,
          channelId: GENERAL,
          command: '/customer',
          text: customer.email,
        });
        assert.match(String(reply.body?.text), /窓口 \(clerk\)・経理 \(accounting\)・経営 \(exec\)|clerk/);
      }
      const rows = await waitForAuditRows(t.banto, 2, (r) => r.name === '/customer' && r.outcome === 'refused');
      assert.deepEqual(
        rows.map((r) => [r.user_id, r.arguments]),
        [
          [ENGINEER, customer.email],
          [GUEST, customer.email],
        ],
      );
    });

    it('"Look up customer" on a message opens the customer it names; refused, it still names them', async () => {
      const message = {
        text: `お客様 <mailto:${customer.email}|${customer.email}> から返金の問い合わせです`,
        user: GUEST,
      };
      const opened = await next('views.open', () =>
        emulator().messageShortcut({ userId: CLERK, channelId: GENERAL, callbackId: customerIds.shortcut, message }),
      );
      assertRecordOf(viewOf(opened));
      await emulator().messageShortcut({
        userId: GUEST,
        channelId: GENERAL,
        callbackId: customerIds.shortcut,
        message,
      });
      const rows = await waitForAuditRows(t.banto, 2, (r) => r.name === customerIds.shortcut);
      assert.deepEqual(
        rows.map((r) => [r.user_id, r.outcome, r.arguments, r.result]),
        [
          [CLERK, 'allowed', customer.email, `customer ${customer.id}`],
          [GUEST, 'refused', customer.email, null],
        ],
      );
    });

    it("a clerk's refund request: accounting approves once, the clerk is told; nobody decides their own", async () => {
      const record = await lookup(CLERK, customer.id);
      const viewId = String((record.response.view as { id: string }).id);
      assert.match(viewOf(record), /"action_id":"customer_request_refund"/);
      const form = await next('views.push', () =>
        emulator().pressButton({ userId: CLERK, actionId: requestIds.refund, value: customer.id, viewId }),
      );
      const payment =
        /"value":"(\d+)"/.exec(JSON.stringify((form.args.view as { blocks: unknown[] }).blocks[1]))?.[1] ?? '';
      assert.ok(paymentIds.includes(payment), "the form offers the customer's own payments");
      const formId = String((form.response.view as { id: string }).id);
      const emptyReason = await emulator().submitView({
        userId: CLERK,
        viewId: formId,
        values: { target: { id: payment }, reason: { text: '   ' } },
      });
      assert.deepEqual(emptyReason.body?.errors, { reason: '理由を 1〜500 文字で書いてください。' });
      const posted = await next('chat.postMessage', () =>
        emulator().submitView({
          userId: CLERK,
          viewId: formId,
          values: { target: { id: payment }, reason: { text: '二重請求のため' } },
        }),
      );
      assert.equal(posted.args.channel, 'C0BILLING');
      const post = JSON.stringify(posted.args);
      const requestId = /返金の依頼 #(\d+)/.exec(post)?.[1] ?? '';
      assert.match(post, /二重請求のため/);
      assert.match(post, new RegExp(`決済 #${payment} ¥`));
      assert.match(post, /"action_id":"request_approve"/);
      const ts = String(posted.response.ts);
      const press = (userId: string, actionId: string) =>
        emulator().pressButton({ userId, actionId, value: requestId, channelId: 'C0BILLING', messageTs: ts });
      const row = () => t.banto.db('banto_help_requests').where({ id: requestId }).first();

      // The clerk holds no accounting role: refused by the gate.
      await press(CLERK, requestIds.approve);
      await waitForAuditRows(t.banto, 1, (r) => r.name === requestIds.approve && r.outcome === 'refused');
      const told = await next('chat.postMessage', () => press(ACCOUNTING, requestIds.approve));
      assert.equal(told.args.channel, CLERK);
      assert.match(String(told.args.text), new RegExp(`返金の依頼 #${requestId}: :white_check_mark: 承認済み`));
      const updated = emulator().callsTo('chat.update').at(-1);
      assert.match(JSON.stringify(updated?.args), /"action_id":"request_done"/);
      const home = await emulator().waitForCall('views.publish', (c) => c.args.user_id === CLERK);
      assert.match(JSON.stringify(home.args.view), new RegExp(`#${requestId} 返金 — :white_check_mark: 承認済み`));
      const approved = await row();
      assert.equal(approved.state, 'approved');
      assert.equal(approved.decided_by, ACCOUNTING);

      // A second press (here by the other accountant) changes nothing.
      const again = await next('response_url', () => press(ACCOUNTING2, requestIds.approve));
      assert.match(String(again.args.text), /すでに処理されています/);
      assert.deepEqual(await row(), approved);

      const done = await next('chat.postMessage', () => press(ACCOUNTING2, requestIds.done));
      assert.match(String(done.args.text), /完了/);
      assert.equal((await row()).state, 'done');
    });

    it('accounting may ask too, and then cannot decide their own request', async () => {
      const record = await lookup(ACCOUNTING, customer.id);
      const viewId = String((record.response.view as { id: string }).id);
      const form = await next('views.push', () =>
        emulator().pressButton({ userId: ACCOUNTING, actionId: requestIds.cancel, value: customer.id, viewId }),
      );
      const subscription = /"value":"(\d+)"/.exec(
        JSON.stringify((form.args.view as { blocks: unknown[] }).blocks[1]),
      )?.[1];
      assert.ok(subscription, "the form offers the customer's subscription");
      const posted = await next('chat.postMessage', () =>
        emulator().submitView({
          userId: ACCOUNTING,
          viewId: String((form.response.view as { id: string }).id),
          values: { target: { id: subscription }, reason: { text: '本人から解約の申し出' } },
        }),
      );
      const requestId = /解約の依頼 #(\d+)/.exec(JSON.stringify(posted.args))?.[1] ?? '';
      const refused = await next('response_url', () =>
        emulator().pressButton({
          userId: ACCOUNTING,
          actionId: requestIds.approve,
          value: requestId,
          channelId: 'C0BILLING',
          messageTs: String(posted.response.ts),
        }),
      );
      assert.match(String(refused.args.text), /自分の依頼は承認・却下・完了できません/);
      const row = await t.banto.db('banto_help_requests').where({ id: requestId }).first();
      assert.deepEqual([row.state, row.decided_by], ['pending', null]);
      await waitForAuditRows(
        t.banto,
        1,
        (r) => r.name === requestIds.approve && r.result === `request #${requestId}: own-request`,
      );
    });

    it('a request Slack did not take is posted by post-help-requests, once; one posted but not marked is found', async () => {
      const record = await lookup(CLERK, customer.id);
      const form = await next('views.push', () =>
        emulator().pressButton({
          userId: CLERK,
          actionId: requestIds.refund,
          value: customer.id,
          viewId: String((record.response.view as { id: string }).id),
        }),
      );
      const payment =
        /"value":"(\d+)"/.exec(JSON.stringify((form.args.view as { blocks: unknown[] }).blocks[1]))?.[1] ?? '';
      emulator().failNext('chat.postMessage', { error: 'internal_error' });
      const from = emulator().calls.length;
      await emulator().submitView({
        userId: CLERK,
        viewId: String((form.response.view as { id: string }).id),
        values: { target: { id: payment }, reason: { text: 'Slack が落ちていた' } },
      });
      const dm = await emulator().waitForCall(
        'chat.postMessage',
        (c) => emulator().calls.indexOf(c) >= from && c.args.channel === CLERK,
      );
      // The billing post failed; the requester is told by DM.
      const requestId = /依頼 #(\d+)/.exec(String(dm.args.text))?.[1] ?? '';
      assert.match(String(dm.args.text), /まだ請求チャンネルに投稿できていません/);
      const row = () => t.banto.db('banto_help_requests').where({ id: requestId }).first();
      assert.equal((await row()).message_ts, null);

      const billingPosts = () =>
        emulator()
          .callsTo('chat.postMessage')
          .filter(
            (c) => c.response.ok && c.args.channel === 'C0BILLING' && JSON.stringify(c.args).includes(`#${requestId}*`),
          );
      // The claim the failed post took has to run out first (2 minutes).
      await t.banto
        .db('banto_help_requests')
        .where({ id: requestId })
        .update({ post_claimed_at: '2026-11-30 00:00:00.000' });
      const run = await t.banto.jobs.runNow('post-help-requests', ENGINEER);
      assert.deepEqual([run.status, run.result], ['succeeded', 'posted 1 help requests']);
      assert.equal(billingPosts().length, 1);
      const posted = await row();
      assert.deepEqual([posted.channel, posted.message_ts], ['C0BILLING', String(billingPosts()[0]?.response.ts)]);
      const again = await t.banto.jobs.runNow('post-help-requests', ENGINEER);
      assert.equal(again.result, 'posted 0 help requests');

      // A sender that posted and died before marking: the post is found in the channel by its key, not made again.
      await t.banto
        .db('banto_help_requests')
        .where({ id: requestId })
        .update({ channel: null, message_ts: null, post_claimed_at: '2026-11-30 00:00:00.000' });
      const found = await t.banto.jobs.runNow('post-help-requests', ENGINEER);
      assert.equal(found.result, 'posted 1 help requests');
      assert.equal(billingPosts().length, 1, 'not posted a second time');
      assert.equal((await row()).message_ts, posted.message_ts);
    });
  });
