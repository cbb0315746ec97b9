import type { webApi } from '@slack/bolt';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { BantoError } from './errors.js';
import { createLogNotifier } from './notifier/log.js';
import { createSlackChannelReader, createSlackNotifier, createSlackPublisher } from './notifier/slack.js';
import { applyScheduleOverrides, createScheduleTable } from './schedules/index.js';
import { createSyncService, syncJobName } from './services/sync/index.js';
import type { JobDefinition } from './schedules/job.js';
import { createJobAlerts, type RunnerHooks } from './schedules/job-alerts.js';
import { createJobRunner } from './schedules/runner.js';
import { createChannelGuard } from './services/access/channel-guard.js';
import { createRoleResolver } from './services/access/roles.js';
import { billingGuardAlert, createAlerts } from './services/alerts/alerts.js';
import { createMailService } from './services/mail/index.js';
import type { MailTransport } from './services/mail/transport.js';
import { createPaymentsService } from './services/payments/index.js';
import { messagesFor } from './views/messages.js';

export interface ServiceWiring {
  config: Config;
  db: Knex;
  clock: Clock;
  logger: Logger;
  /** Slack's Web API; undefined where there is none (the CLI without a bot token). */
  client: webApi.WebClient | undefined;
  botUserId: () => string | undefined;
  host: string;
  extraJobs?: JobDefinition[] | undefined;
  /** Tests and benchmarks hand in their own; default from SMTP_URL. */
  mailTransport?: MailTransport | undefined;
  /** Told of each failed attempt of a job that will be tried again (the CLI prints it). */
  onJobAttemptFailed?: RunnerHooks['attemptFailed'];
}

/**
 * The services and the job runner, built the same way for the running app and
 * for the CLI. Without Slack, alerts go to the log and whatever must read or
 * post to Slack fails with one clear error.
 */
export function createServices({
  config,
  db,
  clock,
  logger,
  client,
  botUserId,
  host,
  extraJobs = [],
  mailTransport,
  onJobAttemptFailed,
}: ServiceWiring) {
  const m = messagesFor(config.locale);
  const noSlack = async (): Promise<never> => {
    throw new BantoError('NO_SLACK', 'this needs Slack: set SLACK_BOT_TOKEN (and SLACK_API_URL if needed)');
  };
  const roles = createRoleResolver({
    roles: config.roles,
    cacheSeconds: config.access.usergroupCacheSeconds,
    logger,
    listUsergroupMembers: async (usergroup) =>
      client ? ((await client.usergroups.users.list({ usergroup })).users ?? []) : noSlack(),
  });
  const notifier = client
    ? createSlackNotifier({ client, alertsChannel: config.channels.alerts, oncallUsergroup: config.oncallUsergroup })
    : createLogNotifier(logger);
  const alerts = createAlerts({ db, notifier, clock, logger });
  const checkBillingChannel = createChannelGuard({
    roles,
    botUserId,
    readChannel: client ? createSlackChannelReader(client) : noSlack,
    // One alert while the billing channel fails the check, one reply when it passes again.
    onVerdict: async (channel, verdict) => {
      const report = verdict.allowed
        ? alerts.resolve(billingGuardAlert, m.guardRestored(channel))
        : alerts.open(billingGuardAlert, m.guardBlocked(channel, verdict.reason, verdict.outsiders));
      await report.catch((error: unknown) => logger.error({ err: error }, 'could not post the billing-channel alert'));
    },
  });
  const mail = createMailService({ db, clock, logger, config, transport: mailTransport });
  const payments = createPaymentsService({
    db,
    clock,
    schema: config.billing.schema,
    paymentDayRule: config.billing.paymentDayRule,
  });
  const table = applyScheduleOverrides(
    [
      ...createScheduleTable({
        db,
        clock,
        retentionDays: config.jobs.retentionDays,
        alerts,
        billing: {
          payments,
          checkBillingChannel,
          publisher: client ? createSlackPublisher(client) : { post: noSlack, upload: noSlack },
          locale: config.locale,
          billingChannel: config.channels.billing,
        },
        anomalies: { rules: config.billing.anomalies, accountingUsergroups: config.roles.accounting.usergroups },
        mail: {
          settings: config.mail,
          schema: config.billing.schema,
          paymentDayRule: config.billing.paymentDayRule,
          wakeSender: () => mail.sender.wake(),
        },
        sync: { sources: config.sync.sources, logger },
      }),
      ...extraJobs,
    ],
    config.schedules,
  );
  const jobs = createJobRunner(
    {
      db,
      clock,
      logger,
      hooks: { ...createJobAlerts({ alerts, locale: config.locale, logger }), attemptFailed: onJobAttemptFailed },
      host,
    },
    table,
    config.timezone,
  );
  const sync = createSyncService({
    db,
    clock,
    sources: config.sync.sources,
    nextRun: (source) => jobs.nextRun(syncJobName(source)),
  });
  return { roles, alerts, checkBillingChannel, payments, mail, jobs, sync };
}
