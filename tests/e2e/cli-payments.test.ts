import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PeriodSummary } from '../../src/services/payments/index.js';
import { renderPeriodSummary } from '../../src/views/payments.js';
import { startTestBanto, type TestBanto } from '../helpers/banto.js';
import { runBanto } from '../helpers/cli.js';
import { testNow } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/databases.js';
import { cleanEnv } from '../helpers/process.js';

const EXEC = 'U01EXEC';

for (const kind of databaseKinds) {
  describe(`banto payments --json and /payments on one database (${kind})`, () => {
    let t: TestBanto;
    before(async () => {
      t = await startTestBanto(kind, { users: 600, receiving: 'http' });
    });
    after(async () => t.close());

    const slackAnswer = async (text: string) => {
      const emulator = t.banto.emulator!;
      const sent = emulator.calls.length;
      await emulator.sendCommand({ userId: EXEC, channelId: 'C0BILLING', command: '/payments', text });
      const answer = await emulator.waitForCall('response_url', (c) => emulator.calls.indexOf(c) >= sent);
      return answer.args as { text: string; blocks: unknown[] };
    };

    // A payment day of the demo data (the 25th), a plain day, and a month: every figure group appears.
    const periods = [
      testNow.minus({ months: 1 }).set({ day: 25 }).toISODate()!,
      testNow.minus({ days: 1 }).toISODate()!,
      testNow.minus({ months: 1 }).toFormat('yyyy-MM'),
    ];
    for (const period of periods)
      it(`gives the same figures for ${period}`, async () => {
        const cli = await runBanto(['payments', period, '--json'], {
          env: cleanEnv({ DATABASE_URL: t.database.url }),
        });
        assert.equal(cli.status, 0, cli.stderr);
        const summary = JSON.parse(cli.stdout) as PeriodSummary;
        assert.ok(summary.succeeded.count > 0, 'a period with payments, so the comparison says something');
        // The Slack answer, rendered again from the CLI's figures: equal blocks mean every figure is equal.
        const fromCli = renderPeriodSummary(summary, 'ja');
        const slack = await slackAnswer(period);
        assert.equal(slack.text, fromCli.text);
        assert.deepEqual(slack.blocks, JSON.parse(JSON.stringify(fromCli.blocks)));
      });
  });
}
