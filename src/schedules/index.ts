import type { Knex } from 'knex';
import { Duration } from 'luxon';
import type { Clock } from '../clock.js';
import { ConfigError, type ScheduleOverride } from '../config.js';
import { pruneResolvedAlerts, type Alerts } from '../services/alerts/alerts.js';
import { pruneRuns } from '../services/jobs/job-runs.js';
import type { JobDefinition } from './job.js';
import { createBillingAnomaliesJob, type BillingAnomaliesDeps } from './jobs/billing-anomalies.js';
import { createBillingRollupsJob } from './jobs/billing-rollups.js';
import { createBillingDailySummaryJob, type BillingDailySummaryDeps } from './jobs/billing-daily-summary.js';
import { createMailJobs, type MailJobsDeps } from './jobs/mail.js';
import { createSyncJobs, type SyncJobsDeps } from './jobs/sync.js';
import { createProviderEventsJob } from './jobs/provider-events.js';
import { createDataOpsJobs, type DataOpsJobsDeps } from './jobs/data-ops.js';
import { createReportJobs } from './jobs/reports.js';
import type { ReportService } from '../services/reports/index.js';
import { createHelpRequestsJob } from './jobs/help-requests.js';
import { createRefreshHomesJob, type RefreshHomesDeps } from './jobs/refresh-homes.js';

export interface ScheduleDeps {
  db: Knex;
  clock: Clock;
  retentionDays: number;
  alerts: Alerts;
  billing: Omit<BillingDailySummaryDeps, 'clock'>;
  anomalies: Pick<BillingAnomaliesDeps, 'rules' | 'accountingUsergroups'>;
  mail: Pick<MailJobsDeps, 'settings' | 'schema' | 'paymentDayRule' | 'wakeSender'>;
  sync: Pick<SyncJobsDeps, 'sources' | 'logger' | 'wait'>;
  /** Posts the payment provider's events still to be posted (returns how many); on while the webhook is. */
  providerEvents: { postPending: () => Promise<number>; enabled: boolean };
  /** Backups, their verification and pruning, the development refresh. */
  dataOps: Omit<DataOpsJobsDeps, 'locale'>;
  /** Saved reports with a schedule: each is a job (`report-<name>`). */
  reports?: ReportService | undefined;
  /** Recent viewers' Homes, republished when they change. */
  homes?: RefreshHomesDeps | undefined;
  /** Posts help requests still to be posted (returns how many); on with Slack. */
  helpRequests?: { postPending: () => Promise<number>; enabled: boolean } | undefined;
}

/** What runs when: every batch job of Banto, one row each. Re-time or switch off a row in the YAML config (`schedules:`). */
export function createScheduleTable({
  db,
  clock,
  retentionDays,
  alerts,
  billing,
  anomalies,
  mail,
  sync,
  providerEvents,
  dataOps,
  reports,
  homes,
  helpRequests,
}: ScheduleDeps): JobDefinition[] {
  return [
    createBillingDailySummaryJob({ ...billing, clock }),
    createBillingRollupsJob(billing.payments),
    createBillingAnomaliesJob({
      ...anomalies,
      db,
      clock,
      summarizer: billing.payments.summarizer,
      alerts,
      locale: billing.locale,
    }),
    {
      name: 'prune-job-runs',
      cron: '0 30 3 * * *',
      timeout: Duration.fromObject({ minutes: 5 }),
      retry: { attempts: 3, backoff: Duration.fromObject({ seconds: 30 }) },
      catchUp: { policy: 'latest' },
      deadMan: { period: Duration.fromObject({ days: 1 }), grace: Duration.fromObject({ hours: 2 }) },
      async run() {
        const before = clock.now().minus({ days: retentionDays });
        const runs = await pruneRuns(db, before);
        const alerts = await pruneResolvedAlerts(db, before);
        return `deleted ${runs} runs and ${alerts} resolved alerts older than ${retentionDays} days`;
      },
    },
    ...createMailJobs({ ...mail, db, clock, alerts, locale: billing.locale }),
    ...createSyncJobs({ ...sync, db, clock, alerts, locale: billing.locale }),
    createProviderEventsJob(providerEvents.postPending, providerEvents.enabled),
    ...createDataOpsJobs({ ...dataOps, locale: billing.locale }),
    ...(reports
      ? createReportJobs({
          reports,
          alerts,
          publisher: billing.publisher,
          checkBillingChannel: billing.checkBillingChannel,
          locale: billing.locale,
        })
      : []),
    ...(homes ? [createRefreshHomesJob(homes)] : []),
    ...(helpRequests ? [createHelpRequestsJob(helpRequests.postPending, helpRequests.enabled)] : []),
  ];
}

/** The YAML `schedules:` overrides applied to the table; a name that is not a job stops start-up. */
export function applyScheduleOverrides(
  table: JobDefinition[],
  overrides: Record<string, ScheduleOverride>,
): JobDefinition[] {
  const names = new Set(table.map((job) => job.name));
  const unknown = Object.keys(overrides).filter((name) => !names.has(name));
  if (unknown.length > 0)
    throw new ConfigError(
      unknown.map((name) => `schedules.${name}: no job of that name (jobs: ${[...names].join(', ')})`),
    );
  return table.map((job) => {
    const override = overrides[job.name];
    if (!override) return job;
    return {
      ...job,
      cron: override.cron ?? job.cron,
      enabled: override.enabled ?? job.enabled,
      timezone: override.timezone ?? job.timezone,
      retry: override.retry
        ? {
            attempts: override.retry.attempts,
            backoff: Duration.fromObject({ seconds: override.retry.backoff_seconds }),
          }
        : job.retry,
    };
  });
}
