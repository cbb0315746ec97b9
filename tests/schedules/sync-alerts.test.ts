import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createFixedClock } from '../../src/clock.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { startPartnerApi, type PartnerApi } from '../../src/local/partner-api.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/local/emulator.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { emulatorNotifier, postedMessages } from '../helpers/alerts.js';
import { createSyncJobs } from '../../src/schedules/jobs/sync.js';
import { createAlerts } from '../../src/services/alerts/alerts.js';
import { defineSyncSource } from '../../src/config-sync.js';
import type { SyncSource } from '../../src/services/sync/source.js';
import { testNow } from '../helpers/clock.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';
import { createTestRunner, silent } from '../helpers/jobs.js';

const source = (partner: PartnerApi): SyncSource =>
  defineSyncSource('crm', {
    url: partner.url,
    page_size: 50,
    timeout_seconds: 0.3,
    retry: { attempts: 1 },
    key: 'id',
    fields: { id: { type: 'string', max: 64 }, updated_at: { type: 'datetime' } },
    updated_at_field: 'updated_at',
  });

for (const kind of databaseKinds) {
  describe(`sync alerts to the on-call engineers (${kind})`, () => {
    let t: TestDatabase;
    let slack: SlackEmulator;
    let partner: PartnerApi;
    const clock = createFixedClock(testNow, 'Asia/Tokyo');
    before(async () => {
      t = await createTestDatabase(kind);
      await migrateLatest(t.db);
      slack = await startSlackEmulator({ workspace: demoWorkspace, signingSecret: 'unused-here-0000' });
    });
    after(async () => {
      await slack.stop();
      await t.drop();
    });
    beforeEach(async () => {
      slack.calls.length = 0;
      partner = await startPartnerApi();
      for (const table of ['banto_job_runs', 'banto_alerts', 'banto_sync_runs', 'banto_sync_state'])
        await t.db(table).delete();
      await t.db.schema.dropTableIfExists('banto_sync_crm');
    });
    afterEach(() => partner.close());

    const runnerFor = () => {
      const notifier = emulatorNotifier(slack);
      const alerts = createAlerts({ db: t.db, notifier, clock, logger: silent });
      const jobs = createSyncJobs({
        db: t.db,
        clock,
        logger: silent,
        alerts,
        locale: 'en',
        sources: [source(partner)],
      });
      return createTestRunner(t.db, clock, jobs, { notifier });
    };
    const posts = () => postedMessages(slack);
    const record = (id: string, minutesAgo = 1) => ({
      id,
      updated_at: testNow.minus({ minutes: minutesAgo }).toUTC().toISO()!,
    });

    it('an incident of three failed runs: one alert with the on-call mention, edited, then one recovery reply', async () => {
      const runner = runnerFor();
      partner.put(record('a'));
      clock.set(testNow.set({ hour: 9, minute: 0 }));
      assert.equal((await runner.runNow('sync-crm', 'U04ENG')).status, 'succeeded');

      clock.set(testNow.set({ hour: 9, minute: 15 }));
      partner.failNext({ status: 500 });
      await runner.runNow('sync-crm', 'U04ENG');
      assert.deepEqual(posts(), [], 'one failure is below the threshold: no alert');

      clock.set(testNow.set({ hour: 9, minute: 30 }));
      partner.failNext({ status: 500 });
      await runner.runNow('sync-crm', 'U04ENG');
      assert.equal(posts().length, 1);
      const [alert] = posts();
      assert.equal(alert?.channel, 'C0ALERTS');
      assert.equal(
        alert?.text,
        [
          `<!subteam^S0ONCALL> :rotating_light: Sync of *crm* has failed 2 times in a row: the partner answered with an error (HTTP 500 from ${partner.url.slice('http://'.length)})`,
          'Last good sync: 2026-12-01 09:00',
          'What to do: the partner is failing: check its status page and wait (Banto keeps retrying on schedule).',
        ].join('\n'),
      );

      clock.set(testNow.set({ hour: 9, minute: 45 }));
      partner.failNext({ hangMs: 2_000 });
      await runner.runNow('sync-crm', 'U04ENG');
      assert.equal(posts().length, 1, 'the third failure edits the alert instead of posting again');
      const edits = slack.callsTo('chat.update');
      assert.equal(edits.length, 1);
      assert.equal(edits[0]?.args.ts, alert?.ts);
      assert.match(
        String(edits[0]?.args.text),
        /^<!subteam\^S0ONCALL> .*failed 3 times in a row: the partner did not answer/,
      );

      clock.set(testNow.set({ hour: 10, minute: 0 }));
      partner.put(record('b'));
      await runner.runNow('sync-crm', 'U04ENG');
      assert.equal(posts().length, 2);
      assert.deepEqual(posts()[1], {
        channel: alert?.channel,
        text: ':white_check_mark: Sync of *crm* has recovered (1 records written).',
        thread: alert?.ts,
        ts: posts()[1]?.ts,
      });

      // Healthy runs after the recovery say nothing.
      await runner.runNow('sync-crm', 'U04ENG');
      assert.equal(posts().length, 2);
      assert.equal(slack.callsTo('chat.update').length, 1);
      const runs = await t.db('banto_sync_runs').orderBy('id');
      assert.deepEqual(
        runs.map((r: { status: string; error_class: string | null }) => [r.status, r.error_class]),
        [
          ['succeeded', null],
          ['failed', 'http_5xx'],
          ['failed', 'http_5xx'],
          ['failed', 'timeout'],
          ['succeeded', null],
          ['succeeded', null],
        ],
      );
    });

    it('data older than the allowed lag alerts at once, and a fresh record recovers it', async () => {
      const runner = runnerFor();
      partner.put(record('old', 180));
      await runner.runNow('sync-crm', 'U04ENG');
      assert.equal(posts().length, 1);
      assert.match(
        posts()[0]!.text,
        /Data from \*crm\* is stale: its newest record is 180 min old \(allowed: 120 min\)/,
      );
      assert.match(posts()[0]!.text, /Last good sync: never/);
      partner.put(record('new', 1));
      await runner.runNow('sync-crm', 'U04ENG');
      assert.equal(posts().length, 2);
      assert.equal(posts()[1]!.thread, posts()[0]!.ts);
    });
  });
}
