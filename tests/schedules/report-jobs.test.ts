import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { webApi } from '@slack/bolt';
import { DateTime } from 'luxon';
import { createFixedClock } from '../../src/clock.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/local/emulator.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { createSlackPublisher } from '../../src/notifier/slack.js';
import { createReportJobs } from '../../src/schedules/jobs/reports.js';
import { createAlerts } from '../../src/services/alerts/alerts.js';
import { createReportService, reportSchema } from '../../src/services/reports/index.js';
import { emulatorNotifier, postedMessages } from '../helpers/alerts.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';
import { createTestRunner, silent } from '../helpers/jobs.js';

const zone = 'Asia/Tokyo';
const at = (time: string) => DateTime.fromISO(`2026-12-01T${time}`, { zone });

const reports = [
  reportSchema.parse({
    name: 'watch-count',
    description: 'Items watched',
    roles: ['exec'],
    sql: 'select count(*) as items from watch_items where kind = :kind',
    params: { kind: { type: 'choice', choices: ['a', 'b'], default: 'a' } },
    schedule: { cron: '0 0 9 * * *', channel: 'C0GENERAL' },
  }),
  reportSchema.parse({
    name: 'watch-chart',
    description: 'Items per kind',
    roles: ['exec'],
    sql: 'select kind, count(*) as items from watch_items group by kind order by kind',
    output: 'chart',
    chart: { x: 'kind', y: 'items' },
    schedule: { cron: '0 0 10 * * *', channel: 'C0GENERAL' },
  }),
  reportSchema.parse({
    name: 'watch-alert',
    description: 'Items to look at',
    roles: ['engineer'],
    sql: 'select id, kind from watch_items order by id',
    schedule: { cron: '0 */15 * * * *' },
    alert: true,
  }),
];

for (const kind of databaseKinds)
  describe(`scheduled and alert reports (${kind})`, () => {
    let t: TestDatabase;
    let slack: SlackEmulator;
    before(async () => {
      t = await createTestDatabase(kind);
      await migrateLatest(t.db);
      await t.db.schema.createTable('watch_items', (c) => {
        c.increments('id');
        c.string('kind', 8).notNullable();
      });
      slack = await startSlackEmulator({ workspace: demoWorkspace, signingSecret: 'unused-here-0000' });
    });
    after(async () => {
      await slack.stop();
      await t.drop();
    });

    /** One replica: its own runner and services over the shared database and Slack. */
    const replica = (host: string, now: DateTime) => {
      const clock = createFixedClock(now, zone);
      const notifier = emulatorNotifier(slack);
      const client = new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
      const jobs = createReportJobs({
        reports: createReportService({ db: t.db, clock, reports }),
        alerts: createAlerts({ db: t.db, notifier, clock, logger: silent }),
        publisher: createSlackPublisher(client),
        checkBillingChannel: async () => ({ allowed: false, reason: 'public', outsiders: [] }),
        locale: 'en',
      });
      return createTestRunner(t.db, clock, jobs, { host, notifier });
    };

    it('posts a scheduled report once per slot, whichever of two replicas runs it', async () => {
      await t.db('watch_items').insert([{ kind: 'a' }, { kind: 'a' }, { kind: 'b' }]);
      const [a, b] = [replica('replica-a', at('09:00:00')), replica('replica-b', at('09:00:00'))];
      const outcomes = await Promise.all([
        a.runOnce('report-watch-count', at('09:00:00'), 'schedule'),
        b.runOnce('report-watch-count', at('09:00:00'), 'schedule'),
      ]);
      assert.deepEqual(
        outcomes.filter(Boolean).map((o) => o?.status),
        ['succeeded'],
        'one replica ran the slot',
      );
      const posts = postedMessages(slack).filter((p) => p.channel === 'C0GENERAL');
      assert.equal(posts.length, 1);
      assert.match(JSON.stringify(slack.callsTo('chat.postMessage')[0]?.args.blocks), /items\\n2/);
      assert.equal(await a.runOnce('report-watch-count', at('09:00:00'), 'schedule'), undefined, 'the same slot again');
      assert.equal(postedMessages(slack).filter((p) => p.channel === 'C0GENERAL').length, 1);
    });

    it('a chart report posts its table and uploads its chart once per slot, each recorded as its own effect', async () => {
      const [a, b] = [replica('replica-a', at('10:00:00')), replica('replica-b', at('10:00:00'))];
      const from = slack.calls.length;
      const outcomes = await Promise.all([
        a.runOnce('report-watch-chart', at('10:00:00'), 'schedule'),
        b.runOnce('report-watch-chart', at('10:00:00'), 'schedule'),
      ]);
      const ran = outcomes.filter(Boolean);
      assert.deepEqual(
        ran.map((o) => [o?.status, o?.result]),
        [['succeeded', 'posted 2 row(s) and a chart to C0GENERAL']],
      );
      const calls = slack.calls.slice(from);
      assert.equal(calls.filter((c) => c.method === 'chat.postMessage').length, 1);
      const uploads = calls.filter((c) => c.method === 'files.completeUploadExternal');
      assert.equal(uploads.length, 1);
      assert.equal(uploads[0]?.args.channel_id, 'C0GENERAL');
      const run = await t.db('banto_job_runs').where({ job: 'report-watch-chart' }).first('id');
      const recorded = await t.db('banto_job_effects').where({ run_id: run?.id }).orderBy('id').pluck('effect');
      assert.deepEqual(recorded, ['post', 'chart']);
    });

    it('opens the on-call alert once while rows come back, and recovers once', async () => {
      const alertsPosts = () => postedMessages(slack).filter((p) => p.channel === 'C0ALERTS');
      const run = async (time: string) => {
        const outcome = await replica('replica-a', at(time)).runOnce('report-watch-alert', at(time), 'schedule');
        assert.equal(outcome?.status, 'succeeded', outcome?.error ?? '');
        return outcome?.result;
      };
      assert.equal(await run('09:15:00'), '3 row(s): alert open');
      assert.equal(alertsPosts().length, 1);
      assert.match(
        alertsPosts()[0]?.text ?? '',
        /<!subteam\^S0ONCALL> .*Report "Items to look at" returned 3 row\(s\)/s,
      );
      assert.equal(await run('09:30:00'), '3 row(s): alert open');
      assert.equal(alertsPosts().length, 1, 'the same incident is not posted again');
      await t.db('watch_items').delete();
      assert.equal(await run('09:45:00'), 'no rows: recovered');
      assert.equal(await run('10:00:00'), 'no rows');
      const replies = alertsPosts().filter((p) => p.thread);
      assert.equal(replies.length, 1);
      assert.match(replies[0]?.text ?? '', /returns no rows again/);
    });
  });
