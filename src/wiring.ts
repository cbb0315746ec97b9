import type { webApi } from '@slack/bolt';
import type { Knex } from 'knex';
import { Duration, type DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { BantoError } from './errors.js';
import { createLogNotifier } from './notifier/log.js';
import { createSlackChannelReader, createSlackNotifier, createSlackPublisher } from './notifier/slack.js';
import { createBackupService } from './services/backup/index.js';
import { createRefreshService } from './services/refresh/index.js';
import { applyScheduleOverrides, createScheduleTable } from './schedules/index.js';
import { createSyncService, syncJobName } from './services/sync/index.js';
import type { JobDefinition } from './schedules/job.js';
import { createJobAlerts, type RunnerHooks } from './schedules/job-alerts.js';
import { createJobRunner } from './schedules/runner.js';
import { createChannelGuard, type ChannelGuard } from './services/access/channel-guard.js';
import { createRoleResolver } from './services/access/roles.js';
import { billingGuardAlert, createAlerts } from './services/alerts/alerts.js';
import { createMailService } from './services/mail/index.js';
import type { MailTransport } from './services/mail/transport.js';
import { createPaymentsService, type PaymentsService } from './services/payments/index.js';
import { createCustomerService } from './services/customers/index.js';
import { createRequestService } from './services/requests/index.js';
import { createStripeApi } from './services/provider/api.js';
import { createHomeService } from './services/home/index.js';
import { createHomeViews } from './services/home/views.js';
import { publishHome } from './listeners/home.js';
import { postHelpRequests } from './listeners/request-post.js';
import { commandsAllowedFor } from './listeners/registry.js';
import { findLastEffect } from './services/jobs/job-effects.js';
import { createReportService } from './services/reports/index.js';
import { createTranslator } from './services/translate/index.js';
import type { ProviderEvent } from './services/provider/event.js';
import { postPendingEvents } from './services/provider/post.js';
import { recordProviderEvent } from './services/provider/record.js';
import type { Publisher } from './services/publish.js';
import { messagesFor } from './views/messages.js';
import { renderProviderEvent } from './views/provider-events.js';

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

/** Slack's answer for a person who left the workspace or was deactivated. */
const isGoneUser = (error: unknown) =>
  ['user_not_found', 'account_inactive'].includes(String((error as { data?: { error?: unknown } }).data?.error));

/**
 * The payment provider's events: stored once by the webhook, and posted to the billing channel (only while it
 * passes the privacy check) by a claimed drain that the webhook starts and the minute's job repeats.
 */
function createProviderEvents(deps: {
  config: Config;
  db: Knex;
  clock: Clock;
  logger: Logger;
  publisher: Publisher;
  checkBillingChannel: ChannelGuard;
  payments: Pick<PaymentsService, 'markChargeDirty'>;
}) {
  const { config, db, clock, logger, publisher, checkBillingChannel, payments } = deps;
  const channel = config.channels.billing;
  const post = async (event: ProviderEvent) => {
    const verdict = await checkBillingChannel(channel);
    if (!verdict.allowed) throw new BantoError('BILLING_CHANNEL_REFUSED', `${channel} fails the privacy check`);
    const view = renderProviderEvent(event, {
      locale: config.locale,
      zone: config.timezone,
      accountingGroups: config.roles.accounting.usergroups,
    });
    return publisher.post(channel, view, { key: event.id });
  };
  const findPosted = async (eventId: string, since: DateTime) => publisher.findPosted?.(channel, eventId, since);
  const postPending = () =>
    postPendingEvents({ db, clock, logger, post, findPosted, claimFor: Duration.fromObject({ seconds: 60 }) });
  return {
    async record(event: ProviderEvent) {
      const stored = await recordProviderEvent(db, event, { now: clock.now(), zone: config.timezone });
      // The payment it touched: its days are read live at once and rolled again at the next refresh.
      const charge =
        event.type.startsWith('charge.') && !event.type.startsWith('charge.dispute.') ? event.objectId : event.chargeId;
      if (charge)
        await payments
          .markChargeDirty(charge)
          .catch((error: unknown) => logger.warn({ err: error, charge }, 'could not mark a payment day dirty'));
      return stored;
    },
    postPending,
    /** After a webhook: post now, without holding up the answer to the provider. */
    postSoon: () =>
      void postPending().catch((error: unknown) => logger.error({ err: error }, 'could not post provider events')),
  };
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
    rollups: config.billing.rollups,
  });
  const publisher = client ? createSlackPublisher(client) : { post: noSlack, upload: noSlack };
  const providerEvents = createProviderEvents({ config, db, clock, logger, publisher, checkBillingChannel, payments });
  const reports = createReportService({ db, clock, reports: config.reports });
  const homeViews = createHomeViews({ db, clock });
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
          publisher,
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
        providerEvents: { postPending: providerEvents.postPending, enabled: config.stripeWebhookSecret !== undefined },
        dataOps: {
          backup: createBackupService({ backup: config.backup, data: config.data, clock }),
          refresh: config.data.development
            ? createRefreshService({ data: config.data, backup: config.backup, anonymize: config.anonymize, clock })
            : undefined,
          publisher,
          alertsChannel: config.channels.alerts,
        },
        reports,
        homes: {
          enabled: client !== undefined,
          viewers: () => homeViews.viewersSince(clock.now().minus({ weeks: 2 })),
          // `home` is made below, from the runner this table goes into; the job runs only after both exist.
          beginPass: () => {
            const pass = home.pass();
            return async (userId) => {
              if (!client) return false;
              const deps = {
                home: pass,
                homeViews,
                roles,
                clock,
                locale: config.locale,
                commandsFor: commandsAllowedFor,
              };
              try {
                return await publishHome(deps, client, userId, { onlyIfChanged: true });
              } catch (error) {
                // Someone gone from the workspace is no viewer any more, not a failure every minute for two weeks.
                if (!isGoneUser(error)) throw error;
                await homeViews.forget(userId);
                return false;
              }
            };
          },
        },
        helpRequests: {
          enabled: client !== undefined,
          postPending: async () =>
            client
              ? postHelpRequests(
                  {
                    requests,
                    customers,
                    checkBillingChannel,
                    billingChannel: config.channels.billing,
                    locale: config.locale,
                    clock,
                    logger,
                  },
                  client,
                )
              : 0,
        },
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
  const translator = createTranslator(config.translate);
  const customers = createCustomerService({
    db,
    schema: config.billing.schema,
    paymentDayRule: config.billing.paymentDayRule,
    zone: config.timezone,
    recentMail: (who, limit) => mail.recentOf(who, limit),
  });
  const providerSettings = config.billing.provider;
  const requests = createRequestService({
    db,
    clock,
    schema: config.billing.schema,
    provider: providerSettings?.apiKey
      ? createStripeApi({ ...providerSettings, apiKey: providerSettings.apiKey })
      : undefined,
  });
  const home = createHomeService({
    summarize: async (day) => {
      const parsed = payments.parsePeriod(day);
      if ('problem' in parsed) throw new BantoError('PERIOD', day);
      return payments.summarize(parsed.period);
    },
    lastDailyChart: async () =>
      (await findLastEffect<{ fileId?: string }>(db, 'billing-daily-summary', 'chart'))?.fileId,
    openRequestsOf: (userId) => requests.openOf(userId),
    mailToday: () => {
      const today = clock.now().startOf('day');
      return mail.status(today, today.plus({ days: 1 }));
    },
    openAlerts: () => alerts.listOpen(),
    jobs: async () =>
      (await jobs.status()).map((j) => ({
        name: j.name,
        enabled: j.enabled,
        lastRun: j.lastRun && { status: j.lastRun.status, finishedAt: j.lastRun.finishedAt, error: j.lastRun.error },
      })),
    sources: () => sync.status(),
  });
  return {
    roles,
    alerts,
    checkBillingChannel,
    payments,
    mail,
    jobs,
    sync,
    providerEvents,
    translator,
    customers,
    requests,
    home,
    homeViews,
    reports,
  };
}
