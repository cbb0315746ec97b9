import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DateTime } from 'luxon';
import { databaseKinds } from '../helpers/databases.js';
import { receivings, startTestBanto, waitForAuditRows, type TestBanto } from '../helpers/banto.js';

const EXEC = 'U01EXEC';
const ACCOUNTING_VIA_GROUP = 'U07ACCT2';
const CLERK = 'U03CLERK';
const GUEST = 'U05GUEST';
const BILLING = 'C0BILLING';
const GENERAL = 'C0GENERAL';

const blocksText = (body: Record<string, unknown> | undefined) => JSON.stringify(body?.blocks ?? body?.text ?? '');

for (const kind of databaseKinds)
  for (const receiving of receivings) {
    describe(`Slack commands through the emulator, ${receiving === 'socket' ? 'Socket Mode' : 'signed HTTP'} (${kind})`, () => {
      let t: TestBanto;
      before(async () => {
        t = await startTestBanto(kind, { receiving });
      });
      after(async () => {
        await t.close();
      });

      const auditRows = async () => {
        await t.banto.audit.flush();
        return t.banto.db('banto_audit').orderBy('id');
      };

      it('answers a correctly signed /banto help with only the commands the caller may run', async () => {
        const emulator = t.banto.emulator!;
        const exec = await emulator.sendCommand({ userId: EXEC, channelId: BILLING, command: '/banto', text: 'help' });
        assert.equal(exec.status, 200);
        assert.equal(exec.body?.response_type, 'ephemeral');
        assert.match(blocksText(exec.body), /\/payments/);
        assert.match(blocksText(exec.body), /\/banto help/);

        const clerk = await emulator.sendCommand({ userId: CLERK, channelId: GENERAL, command: '/banto', text: '' });
        assert.equal(clerk.status, 200);
        assert.match(blocksText(clerk.body), /\/banto help/);
        assert.doesNotMatch(blocksText(clerk.body), /\/payments/);

        const rows = (await auditRows()).filter((r) => r.name === '/banto help');
        assert.deepEqual(
          rows.map((r) => [r.user_id, r.outcome, r.channel_id, r.result]),
          [
            [EXEC, 'allowed', BILLING, 'ok'],
            [CLERK, 'allowed', GENERAL, 'ok'],
          ],
        );
        assert.ok(rows.every((r) => Number(r.latency_ms) >= 0 && r.kind === 'command'));
      });

      const httpOnly = {
        skip:
          receiving === 'socket' && 'Socket Mode has no request signatures: the socket is opened with the app token',
      };

      it('tells anyone their roles with /banto whoami, a role held through a user group too', async () => {
        const emulator = t.banto.emulator!;
        const ask = (userId: string) =>
          emulator.sendCommand({ userId, channelId: GENERAL, command: '/banto', text: 'whoami' });
        assert.equal((await ask(ACCOUNTING_VIA_GROUP)).body?.text, 'あなたのロール: 経理 (accounting)');
        assert.equal((await ask(EXEC)).body?.text, 'あなたのロール: 経営 (exec)');
        assert.equal((await ask(GUEST)).body?.text, 'あなたにはまだロールがありません。');
        const rows = await waitForAuditRows(t.banto, 3, (r) => r.name === '/banto whoami');
        assert.deepEqual(
          rows.map((r) => [r.user_id, r.outcome]),
          [
            [ACCOUNTING_VIA_GROUP, 'allowed'],
            [EXEC, 'allowed'],
            [GUEST, 'allowed'],
          ],
        );
      });

      it('rejects a wrong signature with 401 and leaves no audit row and no side effect', httpOnly, async () => {
        const emulator = t.banto.emulator!;
        const before = { audit: (await auditRows()).length, calls: emulator.calls.length };
        const body = emulator.commandBody({ userId: EXEC, channelId: BILLING, command: '/payments', text: 'today' });
        const reply = await emulator.post(body, { signingSecret: 'not-the-signing-secret' });
        // Bolt answers 401 after verifying and runs nothing: the answer is the end of the handling.
        assert.equal(reply.status, 401);
        assert.equal((await auditRows()).length, before.audit);
        assert.equal(emulator.calls.length, before.calls, 'Banto made no Slack call');
      });

      it(
        'rejects a correctly signed request older than 5 minutes with 401 and leaves no audit row',
        httpOnly,
        async () => {
          const emulator = t.banto.emulator!;
          const before = { audit: (await auditRows()).length, calls: emulator.calls.length };
          const body = emulator.commandBody({ userId: EXEC, channelId: BILLING, command: '/payments', text: 'today' });
          const reply = await emulator.post(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
          // Bolt answers 401 after verifying and runs nothing: the answer is the end of the handling.
          assert.equal(reply.status, 401);
          assert.equal((await auditRows()).length, before.audit);
          assert.equal(emulator.calls.length, before.calls);
        },
      );

      it('refuses a user without the role, runs nothing and audits the refusal', async () => {
        const emulator = t.banto.emulator!;
        const callsBefore = emulator.calls.length;
        for (const userId of [CLERK, GUEST]) {
          const reply = await emulator.sendCommand({ userId, channelId: GENERAL, command: '/payments', text: 'today' });
          assert.equal(reply.status, 200);
          assert.equal(reply.body?.response_type, 'ephemeral');
          assert.match(String(reply.body?.text), /exec/);
          assert.match(String(reply.body?.text), /accounting/);
        }
        // The refusals' audit rows are the sign that both requests were fully handled.
        const refused = await waitForAuditRows(t.banto, 2, (r) => r.name === '/payments' && r.outcome === 'refused');
        const figures = emulator.calls.slice(callsBefore).filter((c) => c.method !== 'usergroups.users.list');
        assert.deepEqual(figures, [], 'no figures were sent anywhere');
        assert.deepEqual(
          refused.map((r) => r.user_id),
          [CLERK, GUEST],
        );
        assert.ok(refused.every((r) => r.reason === 'requires exec or accounting' && r.arguments === 'today'));
      });

      it("gives exec and accounting (through a user group) today's figures, equal to an independent SQL sum", async () => {
        const emulator = t.banto.emulator!;
        // Known rows at the edges of today (Tokyo): only the ones inside the day and succeeded may count.
        const today = t.clock.now().startOf('day');
        const at = (dt: DateTime) => dt.toUTC().toFormat('yyyy-MM-dd HH:mm:ss.SSS');
        const row = { user_id: 1, amount: 123_457, currency: 'JPY', due_date: today.toISODate() };
        await t.banto.db('payments').insert([
          { ...row, status: 'succeeded', paid_at: at(today) },
          { ...row, status: 'succeeded', paid_at: at(today.minus({ milliseconds: 1 })) },
          { ...row, status: 'failed', paid_at: at(today.plus({ minutes: 1 })) },
        ]);
        for (const userId of [EXEC, ACCOUNTING_VIA_GROUP]) {
          const sent = emulator.calls.length;
          const reply = await emulator.sendCommand({ userId, channelId: BILLING, command: '/payments', text: 'today' });
          assert.equal(reply.status, 200);
          const answer = await emulator.waitForCall('response_url', (c) => emulator.calls.indexOf(c) >= sent);
          assert.equal(answer.args.response_type, 'in_channel', 'the demo billing channel passes the guard');
          const text = String(answer.args.text);
          const day = /(\d{4}-\d{2}-\d{2})/.exec(text)?.[1];
          assert.ok(day, text);
          // Independent range: Tokyo has no DST, so the business day is [day 00:00 +09:00, next day 00:00 +09:00).
          const start = new Date(Date.parse(`${day}T00:00:00+09:00`));
          const end = new Date(start.getTime() + 86_400_000);
          const fmt = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
          const sql =
            "select count(*) as n, coalesce(sum(amount), 0) as total from payments where status = 'succeeded' and paid_at >= ? and paid_at < ?";
          const result = (await t.banto.db.raw(sql, [fmt(start), fmt(end)])) as unknown;
          // better-sqlite3 gives the rows; mysql2 gives [rows, fields].
          const [row] = (kind === 'sqlite' ? result : (result as unknown[])[0]) as {
            n: number;
            total: number | string;
          }[];
          const expected = `${Number(row!.n).toLocaleString('ja-JP')} 件 / 合計 ¥${Number(row!.total).toLocaleString('ja-JP')}`;
          assert.ok(text.includes(expected), `${text} should include ${expected}`);
          assert.ok(Number(row!.n) >= 1 && Number(row!.total) >= 123_457, 'the known row of today is counted');
        }
      });

      it('answers an @mention in its thread, without an audit row (events are not commands)', async () => {
        const emulator = t.banto.emulator!;
        const clerkRows = async () => (await auditRows()).filter((r) => r.user_id === CLERK).length;
        const before = await clerkRows();
        const reply = await emulator.sendEvent({
          type: 'app_mention',
          userId: CLERK,
          channelId: GENERAL,
          text: '<@U0BANTO> hello',
        });
        assert.equal(reply.status, 200);
        const post = await emulator.waitForCall('chat.postMessage', (c) => c.args.channel === GENERAL);
        assert.match(String(post.args.text), /\/banto help/);
        assert.ok(post.args.thread_ts, 'answered in a thread');
        assert.equal(await clerkRows(), before);
      });

      it('answers /healthz and /metrics over the same port', async () => {
        const health = await fetch(`${t.banto.url}/healthz`);
        assert.equal(health.status, 200);
        assert.deepEqual(await health.json(), {
          status: 'ok',
          database: 'ok',
          slack: receiving === 'socket' ? 'connected' : 'http',
          mode: 'local',
          env: 'development',
          version: '0.1.0',
        });
        const refusedCount = async () => {
          const metrics = await (await fetch(`${t.banto.url}/metrics`)).text();
          return Number(/banto_slack_requests_total\{kind="command",outcome="refused"\} (\d+)/.exec(metrics)?.[1] ?? 0);
        };
        const before = await refusedCount();
        await t.banto.emulator!.sendCommand({ userId: GUEST, channelId: GENERAL, command: '/jobs' });
        // The metric is counted with the audit row: once the row is there, so is the count.
        await waitForAuditRows(t.banto, 1, (r) => r.user_id === GUEST && r.name === '/jobs');
        assert.equal(await refusedCount(), before + 1);
      });
    });
  }

for (const kind of databaseKinds) {
  describe(`/jobs and "Run now" through the emulator (${kind})`, () => {
    let t: TestBanto;
    before(async () => {
      t = await startTestBanto(kind, { users: 20 });
    });
    after(async () => {
      await t.close();
    });

    it('lists every job with its next run and a Run now button for an engineer, and refuses a clerk', async () => {
      const emulator = t.banto.emulator!;
      const sent = emulator.calls.length;
      const reply = await emulator.sendCommand({ userId: 'U06ONCALL', channelId: 'C0ALERTS', command: '/jobs' });
      assert.equal(reply.status, 200);
      const answer = await emulator.waitForCall('response_url', (c) => emulator.calls.indexOf(c) >= sent);
      const text = JSON.stringify(answer.args.blocks);
      assert.match(text, /prune-job-runs/);
      assert.match(text, /次回: \d{4}-\d{2}-\d{2} 03:30:00 GMT\+9/);
      assert.match(text, /"action_id":"jobs_run_now","value":"prune-job-runs"/);
      const refused = await emulator.sendCommand({ userId: CLERK, channelId: GENERAL, command: '/jobs' });
      assert.match(String(refused.body?.text), /エンジニア \(engineer\)/);
    });

    it('runs a job when an engineer presses Run now, recorded as started by them; a clerk pressing it is refused', async () => {
      const emulator = t.banto.emulator!;
      const sent = emulator.calls.length;
      const press = await emulator.pressButton({
        userId: 'U04ENG',
        channelId: 'C0ALERTS',
        actionId: 'jobs_run_now',
        blockId: 'job:prune-job-runs',
        value: 'prune-job-runs',
      });
      assert.equal(press.status, 200);
      const done = await emulator.waitForCall(
        'response_url',
        (c) => emulator.calls.indexOf(c) >= sent && /succeeded/.test(String(c.args.text)),
      );
      assert.match(String(done.args.text), /prune-job-runs\*: succeeded \(\d+ ms\) — deleted 0 runs/);
      const run = await t.banto.db('banto_job_runs').where({ job: 'prune-job-runs', trigger: 'manual' }).first();
      assert.equal(run.started_by, 'U04ENG');
      assert.equal(run.status, 'succeeded');

      const before = (await t.banto.db('banto_job_runs')).length;
      const clerkPress = await emulator.pressButton({
        userId: CLERK,
        channelId: GENERAL,
        actionId: 'jobs_run_now',
        value: 'prune-job-runs',
      });
      assert.equal(clerkPress.status, 200);
      const refusal = await emulator.waitForCall('response_url', (c) => /engineer/.test(String(c.args.text)));
      assert.equal(refusal.args.response_type, 'ephemeral');
      // The refusal reaches Slack just before its audit row is queued: the row says the press was fully handled.
      const audit = await waitForAuditRows(t.banto, 2, (r) => r.kind === 'action');
      assert.equal((await t.banto.db('banto_job_runs')).length, before, 'nothing ran');
      assert.deepEqual(
        audit.map((r) => [r.user_id, r.name, r.outcome, r.result]),
        [
          ['U04ENG', 'jobs_run_now', 'allowed', 'prune-job-runs: succeeded'],
          [CLERK, 'jobs_run_now', 'refused', null],
        ],
      );
    });
  });
}
