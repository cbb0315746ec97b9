import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestBanto, type TestBanto } from '../helpers/banto.js';
import { databaseKinds } from '../helpers/databases.js';
import { waitFor } from '../helpers/wait.js';

const EXEC = 'U01EXEC';
const ACCOUNTING = 'U02ACCT';
const CLERK = 'U03CLERK';
const ENGINEER = 'U04ENG';
const GUEST = 'U05GUEST';

for (const kind of databaseKinds)
  describe(`the App Home of each role, through the emulator (${kind})`, () => {
    let t: TestBanto;
    before(async () => {
      t = await startTestBanto(kind, { receiving: 'http', users: 200 });
      // One open request of the clerk's, and one open alert.
      await t.banto.db('banto_help_requests').insert({
        kind: 'refund',
        customer_id: '1',
        payment_id: '1',
        amount: 1480,
        reason: 'テスト',
        requested_by: CLERK,
        requested_at: '2026-12-01 00:00:00.000',
        state: 'pending',
      });
      await t.banto.db('banto_alerts').insert({
        key: 'sync-demo_crm',
        open_key: 'sync-demo_crm',
        message: 'failing',
        opened_at: '2026-12-01 00:00:00.000',
      });
    });
    after(async () => t.close());

    /** The Home `userId` is shown when they open the tab: the views.publish payload, as text. */
    const homeOf = async (userId: string) => {
      const emulator = t.banto.emulator!;
      // Banto records the view after Slack took it: with no row before, the row is the sign that it is done.
      await t.banto.db('banto_home_views').where({ user_id: userId }).delete();
      const sent = emulator.calls.length;
      const reply = await emulator.openHomeTab(userId);
      assert.equal(reply.status, 200);
      const call = await emulator.waitForCall(
        'views.publish',
        (c) => emulator.calls.indexOf(c) >= sent && c.args.user_id === userId,
      );
      assert.equal(call.response.ok, true);
      assert.equal((call.args.view as { type: string }).type, 'home');
      await waitFor(`the Home of ${userId} recorded`, async () =>
        Boolean(await t.banto.db('banto_home_views').where({ user_id: userId }).first()),
      );
      return JSON.stringify(call.args.view);
    };

    it("exec sees today's and yesterday's billing figures, and nothing of the desk or engineering", async () => {
      const home = await homeOf(EXEC);
      assert.match(home, /本日: 成功 [\d,]+ 件 ¥[\d,]+/);
      assert.match(home, /昨日: 成功 [\d,]+ 件 ¥[\d,]+/);
      assert.match(home, /`\/payments` — 決済サマリー/);
      assert.doesNotMatch(home, /窓口|対応中のアラート|home_customer_search/);
    });

    it("shows exec the chart the billing channel got this morning, by its file; nobody else's Home has it", async () => {
      const run = await t.banto.jobs.runNow('billing-daily-summary', 'test');
      assert.equal(run.status, 'succeeded', run.error ?? '');
      const upload = t.banto.emulator!.callsTo('files.completeUploadExternal').at(-1);
      const fileId = String((upload?.args.files as { id: string }[] | undefined)?.[0]?.id);
      assert.match(await homeOf(EXEC), new RegExp(`"type":"image","slack_file":\\{"id":"${fileId}"\\}`));
      for (const userId of [CLERK, ENGINEER, GUEST]) assert.doesNotMatch(await homeOf(userId), /slack_file/);
    });

    it('accounting sees the figures and the desk', async () => {
      const home = await homeOf(ACCOUNTING);
      assert.match(home, /本日: 成功/);
      assert.match(home, /"action_id":"home_customer_search"/);
      assert.doesNotMatch(home, /対応中のアラート/);
    });

    it('a clerk sees the customer search, their open requests and mail, and no figure', async () => {
      const home = await homeOf(CLERK);
      assert.match(home, /"action_id":"home_customer_search"/);
      assert.match(home, /#1 返金 — :hourglass: 経理の判断待ち/);
      assert.match(home, /本日のメール: 送信 \d+/);
      assert.match(home, /`\/customer` — 顧客照会/);
      assert.doesNotMatch(home, /¥|本日: 成功|`\/payments`/, 'no billing figure and no /payments');
    });

    it('an engineer sees alerts, failing jobs and sync sources, and no figure', async () => {
      const home = await homeOf(ENGINEER);
      assert.match(home, /対応中のアラート\*\\n• \d\d-\d\d \d\d:\d\d sync-demo_crm/);
      assert.match(home, /前回失敗したジョブ/);
      assert.match(home, /\*連携\*\\n• demo_crm — /);
      assert.doesNotMatch(home, /¥|本日: 成功|home_customer_search/);
    });

    it('someone with no role sees only the commands anyone may run', async () => {
      const home = await homeOf(GUEST);
      assert.match(home, /`\/banto help`/);
      assert.doesNotMatch(home, /¥|窓口|対応中のアラート|`\/customer`|`\/payments`/);
    });

    it('the search button opens the lookup, for the desk only', async () => {
      const emulator = t.banto.emulator!;
      const sent = emulator.calls.length;
      await emulator.pressButton({ userId: CLERK, actionId: 'home_customer_search', value: 'search' });
      const opened = await emulator.waitForCall('views.open', (c) => emulator.calls.indexOf(c) >= sent);
      assert.match(JSON.stringify(opened.args.view), /"callback_id":"customer_find"/);
    });

    it('refresh-homes republishes only the Homes whose content changed, for those who opened theirs', async () => {
      const emulator = t.banto.emulator!;
      await homeOf(ENGINEER);
      await homeOf(CLERK);
      const viewers = Number(((await t.banto.db('banto_home_views').count({ n: '*' })) as { n: number }[])[0]?.n);
      const refresh = async () => {
        const from = emulator.calls.length;
        const outcome = await t.banto.jobs.runNow('refresh-homes', ENGINEER);
        assert.equal(outcome.status, 'succeeded', outcome.error);
        const published = emulator.calls.slice(from).filter((c) => c.method === 'views.publish');
        return { result: outcome.result, to: published.map((c) => c.args.user_id), views: published };
      };
      const unchanged = await refresh();
      assert.deepEqual([unchanged.result, unchanged.to], [`published 0 of ${viewers} Homes`, []]);

      await t.banto.db('banto_alerts').insert({
        key: 'report:watch',
        open_key: 'report:watch',
        message: 'rows',
        opened_at: '2026-12-01 00:30:00.000',
      });
      const changed = await refresh();
      assert.deepEqual([changed.result, changed.to], [`published 1 of ${viewers} Homes`, [ENGINEER]]);
      assert.match(JSON.stringify(changed.views[0]?.args.view), /report:watch/);

      const again = await refresh();
      assert.deepEqual(again.to, [], 'the same content is not published twice');
    });

    it('refresh-homes stops keeping the Home of someone gone from the workspace, and still succeeds', async () => {
      const emulator = t.banto.emulator!;
      await homeOf(GUEST);
      await t.banto.db('banto_home_views').whereNot({ user_id: GUEST }).delete();
      // The guest's Home is due again (its last hash is not what it shows), and Slack no longer knows them.
      await t.banto.db('banto_home_views').where({ user_id: GUEST }).update({ view_hash: 'stale' });
      emulator.failNext('views.publish', { error: 'user_not_found' });
      const outcome = await t.banto.jobs.runNow('refresh-homes', ENGINEER);
      assert.deepEqual([outcome.status, outcome.result], ['succeeded', 'published 0 of 1 Homes']);
      assert.equal(await t.banto.db('banto_home_views').where({ user_id: GUEST }).first(), undefined);
    });
  });
