import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestBanto, waitForAuditRows, type TestBanto } from '../helpers/banto.js';
import { databaseKinds } from '../helpers/databases.js';

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
      const [paid] = (await t.banto
        .db('users')
        .where({ plan: 'paid' })
        .whereNull('unsubscribed_at')
        .count({ n: '*' })) as {
        n: number;
      }[];
      assert.match(await ask(EXEC, 'paid-members'), new RegExp(`\\*${Number(paid?.n)}\\*`));
      const month = t.clock.now().minus({ months: 1 }).toFormat('yyyy-MM');
      const weeks = await ask(CLERK, `signups-by-week ${month}`);
      assert.match(weeks, /week +plan +signups/);
      assert.match(weeks, /\d{4}-W\d\d +(free|paid) +\d+/);
      const failed = await ask(CLERK, `failed-payments-to-follow-up period=${month}`);
      assert.match(failed, /payment +customer +email +amount +paid_at|該当する行はありません/);
    });

    it('names a bad parameter and runs nothing', async () => {
      const bad = await ask(CLERK, `failed-payments-to-follow-up period="2026-11' or 1=1 --"`);
      assert.match(bad, /period: a period/);
      const unknown = await ask(CLERK, 'failed-payments-to-follow-up colour=red');
      assert.match(unknown, /unknown parameter colour/);
      await waitForAuditRows(t.banto, 2, (r) => r.name === '/report' && (r.result ?? '').startsWith('usage:'));
    });
  });
