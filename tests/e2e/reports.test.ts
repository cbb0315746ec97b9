import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RecordedCall } from '../../src/local/emulator.js';
import { insertReturningId } from '../../src/db/insert.js';
import { toDbTime } from '../../src/db/time.js';
import { startTestBanto, waitForAuditRows, type TestBanto } from '../helpers/banto.js';
import { databaseKinds } from '../helpers/databases.js';
import { pngSize } from '../helpers/png.js';
import { chartWidth } from '../../src/views/chart.js';

const EXEC = 'U01EXEC';
const CLERK = 'U03CLERK';
const ENGINEER = 'U04ENG';
const GENERAL = 'C0GENERAL';

for (const kind of databaseKinds)
  describe(`/report with the shipped reports, through the emulator (${kind})`, () => {
    let t: TestBanto;
    before(async () => {
      t = await startTestBanto(kind, { receiving: 'http', users: 300 });
    });
    after(async () => t.close());

    const ask = async (userId: string, text: string) => {
      const emulator = t.banto.emulator!;
      const sent = emulator.calls.length;
      await emulator.sendCommand({ userId, channelId: GENERAL, command: '/report', text });
      const answer = await emulator.waitForCall('response_url', (c) => emulator.calls.indexOf(c) >= sent);
      assert.equal(answer.args.response_type, 'ephemeral');
      return `${String(answer.args.text)}\n${JSON.stringify(answer.args.blocks ?? [])}`;
    };

    it('lists only what the caller may run, and answers a forbidden one as an unknown one', async () => {
      const clerk = await ask(CLERK, '');
      assert.match(clerk, /`signups-by-week`/);
      assert.match(clerk, /`failed-payments-to-follow-up`/);
      assert.doesNotMatch(clerk, /churn-by-plan/);
      assert.match(await ask(ENGINEER, ''), /実行できるレポートはありません/);
      const forbidden = await ask(CLERK, 'churn-by-plan 2026-11');
      const missing = await ask(CLERK, 'no-such-report');
      assert.match(forbidden, /「churn-by-plan」というレポートはないか、あなたのロールでは実行できません/);
      assert.match(missing, /「no-such-report」というレポートはないか/);
      const rows = await waitForAuditRows(
        t.banto,
        2,
        (r) => r.name === '/report' && r.result === 'unknown or not allowed',
      );
      assert.equal(rows.length, 2);
    });

    it('runs a figure, and tables on both engines, with the figures of the direct SQL', async () => {
      const db = t.banto.db;
      const [paid] = (await db('users').where({ plan: 'paid' }).whereNull('unsubscribed_at').count({ n: '*' })) as {
        n: number;
      }[];
      assert.match(await ask(EXEC, 'paid-members'), new RegExp(`\\*${Number(paid?.n)}\\*`));

      const start = t.clock.now().minus({ months: 1 }).startOf('month');
      const month = start.toFormat('yyyy-MM');
      const range = [toDbTime(start), toDbTime(start.plus({ months: 1 }))] as const;
      const weeks = await ask(CLERK, `signups-by-week ${month}`);
      assert.match(weeks, /week +plan +signups/);
      const rows = [...weeks.matchAll(/(\d{4}-W\d\d) +(free|paid) +(\d+)/g)];
      assert.ok(rows.length > 0);
      const [signups] = (await db('users')
        .where('created_at', '>=', range[0])
        .andWhere('created_at', '<', range[1])
        .count({ n: '*' })) as { n: number }[];
      assert.equal(
        rows.reduce((sum, r) => sum + Number(r[3]), 0),
        Number(signups?.n),
        'the weeks add up to the month',
      );

      // A failed payment of a customer who never paid after it, in the middle of the month: listed, with its figures.
      const customer = (await db('users').orderBy('id', 'desc').first('id', 'email')) as { id: number; email: string };
      await db('payments').where({ user_id: customer.id }).delete();
      const at = start.plus({ days: 14, hours: 3 });
      const id = await insertReturningId(db, 'payments', {
        user_id: customer.id,
        subscription_id: null,
        amount: 4321,
        currency: 'JPY',
        status: 'failed',
        paid_at: toDbTime(at),
        due_date: at.toISODate(),
      });
      const failed = await ask(CLERK, `failed-payments-to-follow-up period=${month} min_amount=4000`);
      assert.match(failed, /payment +customer +email +amount +paid_at/);
      assert.match(failed, new RegExp(`(?<!\\d)${id} +${customer.id} +${customer.email.replace(/\./g, '\\.')} +4321 `));
      const higher = await ask(CLERK, `failed-payments-to-follow-up period=${month} min_amount=5000`);
      assert.match(higher, /\(period=\d{4}-\d\d min_amount=5000\)/);
      assert.doesNotMatch(higher, new RegExp(`(?<!\\d)${id} +${customer.id} `));
    });

    it('reads revenue per month and plan from the billing rollups, equal to the direct SQL', async () => {
      const db = t.banto.db;
      const run = await t.banto.jobs.runNow('billing-rollups', ENGINEER);
      assert.equal(run.status, 'succeeded', run.error);
      const start = t.clock.now().minus({ months: 1 }).startOf('month');
      const answer = await ask(EXEC, `revenue-by-month ${start.toFormat('yyyy-MM')}`);
      assert.match(answer, /month +plan +payments +yen/);
      const listed = [...answer.matchAll(/(\d{4}-\d\d) +(\S+) +(\d+) +(\d+)/g)].map((r) => [
        r[1],
        r[2],
        Number(r[3]),
        Number(r[4]),
      ]);
      const direct = (await db({ p: 'payments' })
        .leftJoin({ s: 'subscriptions' }, 's.id', 'p.subscription_id')
        .where('p.status', 'succeeded')
        .andWhere('p.paid_at', '>=', toDbTime(start))
        .andWhere('p.paid_at', '<', toDbTime(start.plus({ months: 1 })))
        .groupBy('s.plan')
        .select({ plan: 's.plan' })
        .count({ n: '*' })
        .sum({ total: 'p.amount' })) as { plan: string | null; n: unknown; total: unknown }[];
      assert.ok(direct.length > 0, 'the demo data has payments last month');
      const byPlan = (a: unknown[], b: unknown[]) => (String(a[1]) < String(b[1]) ? -1 : 1);
      assert.deepEqual(
        listed.sort(byPlan),
        direct.map((r) => [start.toFormat('yyyy-MM'), r.plan ?? '-', Number(r.n), Number(r.total)]).sort(byPlan),
      );
      // Billing figures: a clerk is answered as if it did not exist.
      assert.match(await ask(CLERK, 'revenue-by-month'), /「revenue-by-month」というレポートはないか/);
    });

    it("sends a chart report's chart to the caller's DM, and only the table to the command's answer", async () => {
      const emulator = t.banto.emulator!;
      const month = t.clock.now().minus({ months: 1 }).toFormat('yyyy-MM');
      const from = emulator.calls.length;
      const answer = await ask(CLERK, `signups-by-week ${month}`);
      assert.match(answer, /グラフは Banto との DM に送りました/);
      const after = (c: RecordedCall) => emulator.calls.indexOf(c) >= from;
      const opened = await emulator.waitForCall('conversations.open', after);
      assert.equal(opened.args.users, CLERK);
      const completed = await emulator.waitForCall('files.completeUploadExternal', after);
      assert.equal(completed.args.channel_id, (opened.response.channel as { id: string }).id);
      const fileId = (completed.args.files as { id: string }[])[0]?.id ?? '';
      const upload = emulator.state.uploads.get(fileId);
      assert.equal(upload?.filename, 'signups-by-week.png');
      assert.equal(pngSize(upload?.data ?? Buffer.alloc(0)).width, chartWidth);
      assert.equal(
        emulator.calls.filter((c) => after(c) && c.method === 'chat.postMessage').length,
        0,
        'nothing was posted to a channel',
      );
    });

    it('says when the chart could not be sent, and still answers with the table', async () => {
      const emulator = t.banto.emulator!;
      emulator.failNext('conversations.open', { error: 'missing_scope' });
      const month = t.clock.now().minus({ months: 1 }).toFormat('yyyy-MM');
      const answer = await ask(CLERK, `signups-by-week ${month}`);
      assert.match(answer, /week +plan +signups/);
      assert.match(answer, /グラフを送れませんでした/);
    });

    it('names a bad parameter and runs nothing', async () => {
      const bad = await ask(CLERK, `failed-payments-to-follow-up period="2026-11' or 1=1 --"`);
      assert.match(bad, /period: a period/);
      const unknown = await ask(CLERK, 'failed-payments-to-follow-up colour=red');
      assert.match(unknown, /unknown parameter colour/);
      await waitForAuditRows(t.banto, 2, (r) => r.name === '/report' && (r.result ?? '').startsWith('usage:'));
    });
  });
