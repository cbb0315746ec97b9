import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DateTime, Duration } from 'luxon';
import { createSystemClock } from '../../src/clock.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { toDbTime } from '../../src/db/time.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/local/emulator.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { emulatorNotifier, postedMessages } from '../helpers/alerts.js';
import { createScheduleTable } from '../../src/schedules/index.js';
import { PermanentJobError, type JobDefinition } from '../../src/schedules/job.js';
import { scheduleDepsNotRun, createEffectsTable, createTestRunner, effectJob, fixedClockAt } from '../helpers/jobs.js';
import { waitFor } from '../helpers/wait.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';

const zone = 'Asia/Tokyo';
const at = (iso: string) => DateTime.fromISO(iso, { zone });
const ms = (n: number) => Duration.fromObject({ milliseconds: n });

for (const kind of databaseKinds) {
  describe(`failures, retries and alerts (${kind})`, () => {
    let t: TestDatabase;
    let slack: SlackEmulator;
    let notifier: ReturnType<typeof emulatorNotifier>;
    before(async () => {
      t = await createTestDatabase(kind);
      await migrateLatest(t.db);
      await createEffectsTable(t.db);
      slack = await startSlackEmulator({ workspace: demoWorkspace, signingSecret: 'unused-here-0000' });
      notifier = emulatorNotifier(slack);
    });
    after(async () => {
      await slack.stop();
      await t.drop();
    });
    beforeEach(async () => {
      slack.calls.length = 0;
      for (const table of ['test_effects', 'banto_job_runs', 'banto_alerts']) await t.db(table).delete();
    });
    const posts = () => postedMessages(slack);

    it('retries a failing job, alerts once with the on-call mention, and posts the recovery in the thread', async () => {
      let calls = 0;
      let failing = true;
      const job: JobDefinition = {
        ...effectJob(t.db, { name: 'flaky', cron: '0 0 * * * *' }),
        retry: { attempts: 3, backoff: ms(5) },
        async run() {
          calls += 1;
          if (failing) throw new Error('partner API answered 503');
        },
      };
      const clock = fixedClockAt('2026-11-29T09:59:00', zone);
      const runner = createTestRunner(t.db, clock, [job], { notifier });
      await runner.catchUp();
      clock.set(at('2026-11-29T10:00:00'));
      await runner.tick();
      assert.equal(calls, 3, 'three attempts');
      const [run] = await t.db('banto_job_runs').where({ job: 'flaky' });
      assert.equal(run.status, 'failed');
      assert.equal(Number(run.attempt), 3);
      assert.match(run.error, /partner API answered 503/);
      assert.equal(posts().length, 1);
      assert.equal(posts()[0]!.channel, 'C0ALERTS');
      assert.match(
        posts()[0]!.text,
        /^<!subteam\^S0ONCALL> :rotating_light: Job \*flaky\* failed after 3 attempt\(s\)/,
      );

      clock.set(at('2026-11-29T11:00:00'));
      await runner.tick();
      assert.equal(posts().length, 1, 'still failing: no second alert');

      failing = false;
      clock.set(at('2026-11-29T12:00:00'));
      await runner.tick();
      const [alert, recovery] = posts();
      assert.equal(recovery?.thread, alert?.ts, 'recovery is a reply in the alert thread');
      assert.match(recovery!.text, /flaky\* has recovered/);
      assert.equal(posts().length, 2);
      assert.equal((await t.db('banto_alerts').whereNotNull('open_key')).length, 0);
    });

    it('does not retry a permanent error, and stops a run at its timeout without retrying', async () => {
      let permanentCalls = 0;
      let slowCalls = 0;
      let aborted = false;
      const permanent: JobDefinition = {
        ...effectJob(t.db, { name: 'permanent', cron: '0 0 * * * *' }),
        retry: { attempts: 3, backoff: ms(5) },
        async run() {
          permanentCalls += 1;
          throw new PermanentJobError('the partner credentials are wrong');
        },
      };
      const slow: JobDefinition = {
        ...effectJob(t.db, { name: 'slow', cron: '0 0 * * * *' }),
        timeout: ms(50),
        retry: { attempts: 3, backoff: ms(5) },
        run: ({ signal }) =>
          new Promise<void>((resolve) => {
            slowCalls += 1;
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve();
            });
          }),
      };
      const clock = fixedClockAt('2026-11-29T09:59:00', zone);
      const runner = createTestRunner(t.db, clock, [permanent, slow], { notifier });
      await runner.catchUp();
      clock.set(at('2026-11-29T10:00:00'));
      await runner.tick();
      assert.equal(permanentCalls, 1);
      assert.equal(slowCalls, 1);
      assert.ok(aborted, 'the job saw its signal abort');
      const runs = Object.fromEntries((await t.db('banto_job_runs')).map((r) => [r.job, r]));
      assert.equal(runs.permanent.status, 'failed');
      assert.equal(runs.slow.status, 'timed_out');
      assert.match(runs.slow.error, /ran longer than/);
      assert.equal(posts().length, 2, 'one alert per job');
    });

    it('marks a run whose holder died as crashed, alerts, and never runs it again', async () => {
      const job = effectJob(t.db, { name: 'crashy', cron: '0 0 * * * *' });
      await t.db('banto_job_runs').insert({
        job: 'crashy',
        slot: toDbTime(at('2026-11-29T10:00:00')),
        trigger: 'schedule',
        status: 'running',
        attempt: 1,
        host: 'dead-host:123',
        started_at: toDbTime(at('2026-11-29T10:00:00')),
        lease_until: toDbTime(at('2026-11-29T10:00:30')),
      });
      const clock = fixedClockAt('2026-11-29T10:00:10', zone);
      const runner = createTestRunner(t.db, clock, [job], { notifier });
      await runner.catchUp();
      await runner.sweep();
      assert.equal((await t.db('banto_job_runs').first()).status, 'running', 'a live lease is left alone');
      clock.set(at('2026-11-29T10:01:00'));
      await runner.sweep();
      const [run] = await t.db('banto_job_runs');
      assert.equal(run.status, 'crashed');
      assert.match(run.error, /dead-host:123 stopped renewing/);
      assert.equal((await t.db('test_effects')).length, 0);
      assert.match(posts()[0]!.text, /crashy\* stopped midway/);
      await runner.sweep();
      assert.equal(posts().length, 1);
    });

    it('renews the lease of a long run, so another replica never takes it for a crash', async () => {
      const clock = createSystemClock(zone);
      // Margins: a 1 s lease renewed every 333 ms (a third of it), so each renewal has 667 ms to land.
      // The run lasts until the lease has been renewed three times, past three times its first expiry,
      // while another replica sweeps for crashed runs all along.
      let finish: () => void = () => undefined;
      const long: JobDefinition = {
        ...effectJob(t.db, { name: 'long', cron: '0 0 0 1 1 *' }),
        run: () => new Promise<void>((resolve) => (finish = resolve)),
      };
      const holder = createTestRunner(t.db, clock, [long], { lease: Duration.fromObject({ seconds: 1 }), notifier });
      const watcher = createTestRunner(t.db, clock, [long], { host: 'watcher', notifier });
      const running = holder.runNow('long', 'U04ENG');
      const leases = new Set<string>();
      await waitFor('three renewals of the lease', async () => {
        await watcher.sweep();
        const run = await t.db('banto_job_runs').where({ job: 'long' }).first();
        assert.equal(run?.status ?? 'running', 'running', 'the watcher never took the live run for a crash');
        if (run?.lease_until) leases.add(String(run.lease_until));
        return leases.size >= 4;
      });
      finish();
      assert.equal((await running).status, 'succeeded');
      const [run] = await t.db('banto_job_runs').where({ job: 'long' });
      assert.equal(run.status, 'succeeded');
      assert.equal(posts().length, 0, 'no crash alert');
    });

    it('alerts a job that has not succeeded for its period + grace (dead-man), once, and recovers', async () => {
      const job: JobDefinition = {
        ...effectJob(t.db, { name: 'nightly', cron: '0 0 3 * * *' }),
        deadMan: { period: Duration.fromObject({ hours: 1 }), grace: Duration.fromObject({ minutes: 10 }) },
      };
      const clock = fixedClockAt('2026-11-29T02:59:00', zone);
      const runner = createTestRunner(t.db, clock, [job], { notifier });
      await runner.catchUp();
      clock.set(at('2026-11-29T03:00:00'));
      await runner.tick();
      clock.set(at('2026-11-29T04:10:00'));
      await runner.sweep();
      assert.equal(posts().length, 0, 'within period + grace');
      clock.set(at('2026-11-29T04:10:01'));
      await runner.sweep();
      await runner.sweep();
      assert.equal(posts().length, 1, 'one alert, not one per sweep');
      assert.match(posts()[0]!.text, /^<!subteam\^S0ONCALL> .*nightly\* has not succeeded since 2026-11-29 03:00/);
      clock.set(at('2026-11-30T03:00:00'));
      await runner.tick();
      assert.match(posts()[1]!.text, /nightly\* has recovered/);
      assert.equal(posts()[1]!.thread, posts()[0]!.ts);
    });

    it('prune-job-runs deletes finished runs and resolved alerts older than the retention', async () => {
      const now = at('2026-11-29T03:30:00');
      const old = toDbTime(now.minus({ days: 31 }));
      const recent = toDbTime(now.minus({ days: 29 }));
      const row = (slot: string, finished: string | null, status: string) => ({
        job: 'x',
        slot,
        trigger: 'schedule',
        status,
        attempt: 1,
        host: 'h',
        started_at: slot,
        finished_at: finished,
      });
      await t
        .db('banto_job_runs')
        .insert([
          row(old, old, 'succeeded'),
          row(toDbTime(now.minus({ days: 40 })), null, 'running'),
          row(recent, recent, 'failed'),
        ]);
      await t.db('banto_alerts').insert([
        { key: 'a', open_key: null, message: 'm', opened_at: old, resolved_at: old },
        { key: 'b', open_key: 'b', message: 'm', opened_at: old },
      ]);
      const clock = fixedClockAt('2026-11-29T03:30:00', zone);
      const runner = createTestRunner(
        t.db,
        clock,
        createScheduleTable({ db: t.db, clock, retentionDays: 30, ...scheduleDepsNotRun(t.db) }),
        { notifier },
      );
      const outcome = await runner.runNow('prune-job-runs', 'U04ENG');
      assert.equal(outcome.result, 'deleted 1 runs and 1 resolved alerts older than 30 days');
      const left = await t.db('banto_job_runs').where({ job: 'x' }).orderBy('id');
      assert.deepEqual(
        left.map((r) => r.status),
        ['running', 'failed'],
      );
      assert.deepEqual(
        (await t.db('banto_alerts')).map((a) => a.key),
        ['b'],
      );
      const manual = await t.db('banto_job_runs').where({ job: 'prune-job-runs' }).first();
      assert.deepEqual([manual.trigger, manual.started_by, manual.status], ['manual', 'U04ENG', 'succeeded']);
    });
  });
}
