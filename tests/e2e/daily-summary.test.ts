import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoWorkspace, type Workspace } from '../../src/local/workspace.js';
import { chartWidth } from '../../src/views/chart.js';
import { pngSize } from '../helpers/png.js';
import { databaseKinds } from '../helpers/databases.js';
import { demoConfigWithSchedules, startTestBanto, type TestBanto } from '../helpers/banto.js';

for (const kind of databaseKinds) {
  describe(`the daily billing summary (${kind})`, () => {
    let t: TestBanto;
    before(async () => {
      t = await startTestBanto(kind, { users: 300 });
    });
    after(async () => t.close());

    it("posts yesterday's figures and a real 30-day chart to the guarded billing channel only", async () => {
      const emulator = t.banto.emulator!;
      const outcome = await t.banto.jobs.runNow('billing-daily-summary', 'U04ENG');
      assert.equal(outcome.status, 'succeeded', outcome.error);
      const posts = emulator.callsTo('chat.postMessage');
      assert.ok(posts.length >= 1);
      assert.ok(
        posts.every((p) => p.args.channel === 'C0BILLING'),
        'nothing outside the billing channel',
      );
      assert.match(String(posts[0]!.args.text), /\d{4}-\d{2}-\d{2} の決済: 成功 [\d,]+ 件 \/ 合計 ¥[\d,]+/);
      const complete = emulator.callsTo('files.completeUploadExternal');
      assert.equal(complete.length, 1);
      assert.equal(complete[0]!.args.channel_id, 'C0BILLING');
      assert.equal(complete[0]!.response.ok, true);
      const fileId = (complete[0]!.args.files as { id: string }[])[0]!.id;
      const upload = emulator.state.uploads.get(fileId)!;
      assert.match(upload.filename, /^payments-\d{4}-\d{2}-\d{2}\.png$/);
      const size = pngSize(upload.data!);
      assert.equal(size.width, chartWidth);
      assert.ok(size.height > 200 && size.height < 600, `height ${size.height}`);
    });
  });

  for (const [name, workspace] of [
    [
      'public',
      {
        ...demoWorkspace,
        channels: demoWorkspace.channels.map((c) => (c.id === 'C0BILLING' ? { ...c, isPrivate: false } : c)),
      },
    ],
    [
      'shared with a clerk',
      {
        ...demoWorkspace,
        channels: demoWorkspace.channels.map((c) =>
          c.id === 'C0BILLING' ? { ...c, members: [...c.members, 'U03CLERK'] } : c,
        ),
      },
    ],
  ] as [string, Workspace][]) {
    describe(`the daily billing summary when the billing channel is ${name} (${kind})`, () => {
      let t: TestBanto;
      before(async () => {
        t = await startTestBanto(kind, { users: 50, workspace });
      });
      after(async () => t.close());

      it('posts nothing there and alerts the engineers once', async () => {
        const emulator = t.banto.emulator!;
        await t.banto.jobs.runNow('billing-daily-summary', 'U04ENG');
        await t.banto.jobs.runNow('billing-daily-summary', 'U04ENG');
        const posts = emulator.callsTo('chat.postMessage');
        assert.equal(emulator.callsTo('files.completeUploadExternal').length, 0);
        assert.deepEqual(
          posts.map((p) => p.args.channel),
          ['C0ALERTS'],
        );
        assert.match(
          String(posts[0]!.args.text),
          /^<!subteam\^S0ONCALL> :lock: 請求チャンネル <#C0BILLING> に決済情報を投稿しませんでした/,
        );
        const runs = await t.banto.db('banto_job_runs').where({ job: 'billing-daily-summary' });
        assert.ok(runs.length >= 1);
        assert.ok(runs.every((r) => r.status === 'succeeded' && /^blocked/.test(r.result)));
      });
    });
  }
}

for (const kind of databaseKinds) {
  describe(`the daily billing summary when Slack fails half-way (${kind})`, () => {
    let t: TestBanto;
    const config = demoConfigWithSchedules('  billing-daily-summary: { retry: { attempts: 3, backoff_seconds: 0.2 } }');
    before(async () => {
      t = await startTestBanto(kind, { users: 100, env: { BANTO_CONFIG: config.path } });
    });
    after(async () => {
      await t.close();
      config.remove();
    });

    /** Runs the job and returns what it sent to Slack: summaries posted and charts uploaded. */
    const run = async () => {
      const emulator = t.banto.emulator!;
      const from = emulator.calls.length;
      const outcome = await t.banto.jobs.runNow('billing-daily-summary', 'U04ENG');
      const calls = emulator.calls.slice(from);
      const ok = (method: string) => calls.filter((c) => c.method === method && c.response.ok);
      const summaries = ok('chat.postMessage').filter((c) => /の決済: 成功/.test(String(c.args.text)));
      return { outcome, summaries, charts: ok('files.completeUploadExternal') };
    };

    it('posts the summary once and its chart once when the upload fails with internal_error and the job retries', async () => {
      t.banto.emulator!.failNext('files.completeUploadExternal', { error: 'internal_error' });
      const { outcome, summaries, charts } = await run();
      assert.equal(outcome.status, 'succeeded', outcome.error);
      assert.equal(outcome.attempts, 2);
      assert.equal(summaries.length, 1, 'the retry did not post the summary again');
      assert.equal(charts.length, 1);
      const lastRun = await t.banto.db('banto_job_runs').max({ id: 'id' }).first();
      const effects = await t.banto.db('banto_job_effects').where({ run_id: lastRun?.id }).orderBy('id');
      // The payment-day post follows when yesterday was a payment day.
      assert.deepEqual(effects.map((e) => e.effect).slice(0, 2), ['summary', 'chart']);
      assert.ok(JSON.parse(effects[0].result).ts, 'the summary is recorded with its ts');
    });

    it('waits out a 429 with Retry-After and a 503, and posts once', async () => {
      t.banto.emulator!.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 }, { status: 503 });
      const { outcome, summaries, charts } = await run();
      assert.equal(outcome.status, 'succeeded', outcome.error);
      assert.equal(outcome.attempts, 1, 'the Web API client retried within the attempt');
      assert.equal(summaries.length, 1);
      assert.equal(charts.length, 1);
    });

    it(
      'gives up on a call that hangs after 10 s, tries it again, and posts once',
      { skip: kind !== 'sqlite' && 'once is enough' },
      async () => {
        t.banto.emulator!.failNext('chat.postMessage', { hangMs: 20_000 });
        const { outcome, summaries } = await run();
        assert.equal(outcome.status, 'succeeded', outcome.error);
        assert.equal(summaries.length, 1);
      },
    );
  });
}
