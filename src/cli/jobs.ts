import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { pino } from 'pino';
import { webApi } from '@slack/bolt';
import { createSystemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import type { JobRunner } from '../schedules/runner.js';
import { createServices } from '../wiring.js';
import { renderJobs } from '../views/jobs.js';
import { renderBlocksAsText } from '../views/text.js';

/** The same runner Banto uses, without timers: alerts go to Slack when a bot token is set, else to the log. */
async function withRunner<T>(use: (runner: JobRunner, locale: 'ja' | 'en') => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    const client = config.slack.botToken ? new webApi.WebClient(config.slack.botToken, { slackApiUrl: config.slack.apiUrl }) : undefined;
    const { jobs: runner } = createServices({ config, db, clock: createSystemClock(config.timezone), logger: pino({ level: config.logLevel }, process.stderr), client, botUserId: () => undefined, host: `cli:${process.pid}` });
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
