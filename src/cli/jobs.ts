import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { pino } from 'pino';
import { webApi } from '@slack/bolt';
import { createSystemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { createLogNotifier } from '../notifier/log.js';
import { createSlackChannelReader, createSlackNotifier, createSlackPublisher } from '../notifier/slack.js';
import { BantoError } from '../errors.js';
import { createChannelGuard } from '../services/access/channel-guard.js';
import { createRoleResolver } from '../services/access/roles.js';
import { createPaymentsService } from '../services/payments/index.js';
import { applyScheduleOverrides, createScheduleTable } from '../schedules/index.js';
import { createJobRunner, type JobRunner } from '../schedules/runner.js';
import { createAlerts } from '../services/alerts/alerts.js';
import { renderJobs } from '../views/jobs.js';
import { renderBlocksAsText } from '../views/text.js';

/** The same runner Banto uses, without timers: alerts go to Slack when a bot token is set, else to the log. */
async function withRunner<T>(use: (runner: JobRunner, locale: 'ja' | 'en') => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    const clock = createSystemClock(config.timezone);
    const logger = pino({ level: config.logLevel }, process.stderr);
    // Without a bot token there is no Slack to read or post to: alerts go to the log, billing posts fail clearly.
    const client = config.slack.botToken ? new webApi.WebClient(config.slack.botToken, { slackApiUrl: config.slack.apiUrl }) : undefined;
    const noSlack = async (): Promise<never> => {
      throw new BantoError('NO_SLACK', 'this job posts to Slack: set SLACK_BOT_TOKEN (and SLACK_API_URL if needed)');
    };
    const notifier = client ? createSlackNotifier({ client, alertsChannel: config.channels.alerts, oncallUsergroup: config.oncallUsergroup }) : createLogNotifier(logger);
    const alerts = createAlerts({ db, notifier, clock, logger });
    const roles = createRoleResolver({ roles: config.roles, cacheSeconds: 60, logger, listUsergroupMembers: async (usergroup) => (client ? ((await client.usergroups.users.list({ usergroup })).users ?? []) : noSlack()) });
    const billing = {
      payments: createPaymentsService({ db, clock, schema: config.billing.schema, paymentDayRule: config.billing.paymentDayRule }),
      checkBillingChannel: createChannelGuard({ roles, botUserId: () => undefined, readChannel: client ? createSlackChannelReader(client) : noSlack }),
      publisher: client ? createSlackPublisher(client) : { post: noSlack, upload: noSlack },
      alerts,
      locale: config.locale,
      billingChannel: config.channels.billing,
    };
    const table = applyScheduleOverrides(createScheduleTable({ db, clock, retentionDays: config.jobs.retentionDays, billing, anomalies: { rules: config.billing.anomalies, accountingUsergroups: config.roles.accounting.usergroups } }), config.schedules);
    const runner = createJobRunner({ db, clock, logger, alerts, locale: config.locale, host: `cli:${process.pid}` }, table, config.timezone);
    return await use(runner, config.locale);
  } finally {
    await db.destroy();
  }
}

export function registerJobsCommands(program: Command): void {
  const jobs = program.command('jobs').description('the batch jobs of the schedule table');
  jobs
    .command('list')
    .description('every job with its last run and next run')
    .action(() =>
      withRunner(async (runner, locale) => {
        process.stdout.write(`${renderBlocksAsText(renderJobs(await runner.status(), locale).blocks).text.replace(/\s*\[\d+\][^\n]*/g, '')}\n`);
      }),
    );
  jobs
    .command('run')
    .description('run a job now, recorded as started by you')
    .argument('<name>', 'job name, as `banto jobs list` shows it')
    .action((name: string) =>
      withRunner(async (runner) => {
        const outcome = await runner.runNow(name, `cli:${userInfo().username}`);
        process.stdout.write(`${name}: ${outcome.status} in ${Math.round(outcome.durationMs)} ms${outcome.result ? ` — ${outcome.result}` : ''}${outcome.error ? ` — ${outcome.error}` : ''}\n`);
        if (outcome.status !== 'succeeded') process.exitCode = 1;
      }),
    );
}
