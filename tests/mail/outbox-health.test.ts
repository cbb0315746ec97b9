import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { webApi } from '@slack/bolt';
import { DateTime } from 'luxon';
import { defaultBillingSchema } from '../../src/config-file.js';
import { toDbTime } from '../../src/db/time.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/local/emulator.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { createSlackNotifier } from '../../src/notifier/slack.js';
import { createMailJobs } from '../../src/schedules/jobs/mail.js';
import { createAlerts } from '../../src/services/alerts/alerts.js';
import { databaseKinds } from '../helpers/databases.js';
import { createTestRunner, silent } from '../helpers/jobs.js';
import { createMailFixture, reminderParams, type MailFixture } from '../helpers/mail.js';

for (const kind of databaseKinds) {
  describe(`outbox health alerts (${kind})`, () => {
    let f: MailFixture;
    let slack: SlackEmulator;
    before(async () => {
      f = await createMailFixture(kind, {
        env: { SMTP_URL: 'smtp://127.0.0.1:9' },
        at: DateTime.fromISO('2026-12-01T10:00:00', { zone: 'Asia/Tokyo' }),
      });
      slack = await startSlackEmulator({ workspace: demoWorkspace, signingSecret: 'unused-here-0000' });
    });
    after(async () => {
      await slack.stop();
      await f.close();
    });

    it('alerts the alerts channel, with the on-call mention, once for a backlog and once for a failure rate, and replies when each is over', async () => {
      const notifier = createSlackNotifier({
        client: new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
        alertsChannel: 'C0ALERTS',
        oncallUsergroup: 'S0ONCALL',
      });
      const alerts = createAlerts({ db: f.database.db, notifier, clock: f.clock, logger: silent });
      const jobs = createMailJobs({
        db: f.database.db,
        clock: f.clock,
        alerts,
        locale: 'en',
        settings: f.config.mail,
        schema: defaultBillingSchema,
        paymentDayRule: 'next',
        wakeSender: () => undefined,
      });
      const runner = createTestRunner(
        f.database.db,
        f.clock,
        jobs.filter((j) => j.name === 'mail-outbox-health'),
      );
      const check = async () => {
        f.clock.set(f.clock.now().plus({ minutes: 5 }));
        await runner.runNow('mail-outbox-health', 'test');
      };
      const posts = () =>
        slack.callsTo('chat.postMessage').map((c) => ({ text: String(c.args.text), thread: c.args.thread_ts }));

      const waiting = await f.mail.enqueue({
        template: 'payment-reminder',
        to: 'a@example.jp',
        params: reminderParams,
        dedupeKey: 'health:1',
      });
      await check();
      assert.equal(posts().length, 0, 'a message that waited 5 minutes is no backlog');
      f.clock.set(f.clock.now().plus({ minutes: 30 }));
      await check();
      await check();
      assert.deepEqual(
        posts().map((p) => p.text),
        [
          '<!subteam^S0ONCALL> :envelope: Queued mail has waited 40 minutes (oldest #1, limit 30). Check SMTP and the sender.',
        ].map((t) => t.replace('#1', `#${waiting.id}`)),
      );

      const day = toDbTime(f.clock.now());
      const rows = Array.from({ length: 20 }, (_, i) => ({
        dedupe_key: `health:f${i}`,
        template: 'payment-reminder',
        template_version: 1,
        purpose: 'customer',
        to_address: 'x@example.jp',
        params: '{}',
        state: i < 3 ? 'failed' : 'sent',
        attempts: 1,
        next_attempt_at: day,
        created_at: day,
        updated_at: day,
      }));
      await f.database.db('banto_mail_outbox').insert(rows);
      await f.database.db('banto_mail_outbox').where({ id: waiting.id }).update({ state: 'sent' });
      await check();
      const [, backlogOver, failures] = posts();
      assert.match(backlogOver?.text ?? '', /backlog has cleared/);
      assert.ok(backlogOver?.thread, 'the recovery is a reply in the alert thread');
      assert.equal(failures?.text, "<!subteam^S0ONCALL> :envelope: 14.3% of today's mail failed (3 of 21, limit 10%).");
      await check();
      assert.equal(posts().length, 3, 'still firing: no second alert');
    });
  });
}
