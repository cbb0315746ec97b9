import type { Knex } from 'knex';
import { Duration } from 'luxon';
import type { Clock } from '../../clock.js';
import type { BillingSchema, MailSettings } from '../../config.js';
import type { Alerts } from '../../services/alerts/alerts.js';
import { lastSucceededSlotBefore } from '../../services/jobs/job-runs.js';
import { queueArticleDigest } from '../../services/mail/digest.js';
import { queuePaymentReminders } from '../../services/mail/reminders.js';
import { judgeMailHealth, readMailStatus } from '../../services/mail/status.js';
import type { PaymentDayRule } from '../../services/payments/business-days.js';
import { mailMessages } from '../../views/mail-messages.js';
import { digestSinceLabel, reminderParams } from '../../views/mail-params.js';
import type { Locale } from '../../views/messages.js';
import type { JobDefinition } from '../job.js';

export interface MailJobsDeps {
  db: Knex;
  clock: Clock;
  alerts: Alerts;
  locale: Locale;
  settings: MailSettings;
  schema: BillingSchema;
  paymentDayRule: PaymentDayRule;
  /** Tells the sender there is mail to send. */
  wakeSender: () => void;
}

/** The mail rows of the schedule table: reminders, the digest, and the outbox's own health. */
export function createMailJobs({
  db,
  clock,
  alerts,
  locale,
  settings,
  schema,
  paymentDayRule,
  wakeSender,
}: MailJobsDeps): JobDefinition[] {
  const m = mailMessages(locale);
  return [
    {
      name: 'mail-payment-reminders',
      cron: '0 0 8 * * *',
      timeout: Duration.fromObject({ minutes: 10 }),
      retry: { attempts: 3, backoff: Duration.fromObject({ minutes: 1 }) },
      // A missed morning is still worth its reminders: each slot queues its own day's.
      catchUp: { policy: 'all', window: Duration.fromObject({ days: 2 }) },
      deadMan: { period: Duration.fromObject({ days: 1 }), grace: Duration.fromObject({ hours: 3 }) },
      async run({ slot }) {
        const day = slot.setZone(clock.zone).startOf('day');
        const { queued, considered } = await queuePaymentReminders({
          db,
          schema,
          rule: paymentDayRule,
          offsets: settings.reminderOffsets,
          day,
          now: clock.now(),
          describe: reminderParams(locale),
        });
        if (queued > 0) wakeSender();
        return `${day.toISODate() ?? ''}: ${queued} reminders queued (${considered} subscriptions due)`;
      },
    },
    {
      name: 'mail-article-digest',
      cron: '0 0 7 * * *',
      timeout: Duration.fromObject({ minutes: 30 }),
      retry: { attempts: 3, backoff: Duration.fromObject({ minutes: 1 }) },
      catchUp: { policy: 'latest' },
      async run({ slot }) {
        const since = (
          (await lastSucceededSlotBefore(db, 'mail-article-digest', slot)) ?? slot.minus({ days: 1 })
        ).setZone(clock.zone);
        const { articles, queued } = await queueArticleDigest({
          db,
          since,
          until: slot,
          upgradeUrl: settings.upgradeUrl,
          sinceLabel: digestSinceLabel(since, locale),
          now: clock.now(),
        });
        if (queued > 0) wakeSender();
        return `${articles} articles since ${since.setZone(clock.zone).toFormat('yyyy-MM-dd HH:mm')}: ${queued} digests queued`;
      },
    },
    {
      name: 'mail-outbox-health',
      cron: '0 */5 * * * *',
      timeout: Duration.fromObject({ minutes: 1 }),
      retry: { attempts: 2, backoff: Duration.fromObject({ seconds: 10 }) },
      catchUp: { policy: 'latest' },
      async run() {
        const now = clock.now();
        const day = now.startOf('day');
        const status = await readMailStatus(db, day, day.plus({ days: 1 }));
        const health = judgeMailHealth(status, settings.alerts, now);
        const failuresKey = `mail:failures:${day.toISODate() ?? ''}`;
        if (health.backlog.firing)
          await alerts.open(
            'mail:backlog',
            m.backlogAlert(health.backlog.minutes, status.oldestQueued?.id ?? 0, settings.alerts.backlogMinutes),
          );
        else await alerts.resolve('mail:backlog', m.backlogOver);
        if (health.failures.firing)
          await alerts.open(
            failuresKey,
            m.failuresAlert(
              health.failures.percent,
              health.failures.failed,
              health.failures.finished,
              settings.alerts.failurePercent,
            ),
          );
        else await alerts.resolve(failuresKey, m.failuresOver);
        return `backlog ${health.backlog.minutes} min, failed ${health.failures.percent}% of ${health.failures.finished}`;
      },
    },
  ];
}
