import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { DateTime } from 'luxon';
import { describeJob } from '../views/jobs.js';
import { formatTable, printJson, printLines } from './table.js';
import { withServices } from './services.js';
import { yesOption } from './database.js';

const formatWait = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`);

export function registerJobsCommands(jobs: Command): void {
  jobs
    .command('list')
    .description('every job with its schedule, last run and next run')
    .option('--json', 'the same as JSON')
    .action((options: { json?: boolean }) =>
      withServices({ writes: false }, async ({ jobs: runner }, config) => {
        const status = await runner.status();
        if (options.json) return printJson(status);
        const at = (t: DateTime | null | undefined) =>
          t ? t.setZone(config.timezone).toFormat('yyyy-MM-dd HH:mm') : '-';
        printLines(
          formatTable(
            ['job', 'schedule', 'last run', 'status', 'took', 'started by', 'next run', 'does'],
            status.map((job) => [
              job.name,
              job.enabled ? job.cron : `${job.cron} (off)`,
              at(job.lastRun?.startedAt ?? job.lastRun?.slot),
              job.lastRun?.status ?? 'never run',
              job.lastRun?.durationMs == null ? '-' : formatWait(job.lastRun.durationMs),
              job.lastRun?.startedBy ?? (job.lastRun ? 'schedule' : '-'),
              job.enabled ? at(job.nextRun) : 'off',
              describeJob(job.name, config.locale) ?? '',
            ]),
            ['left', 'left', 'left', 'left', 'right', 'left', 'left'],
          ),
          `times in ${config.timezone}`,
        );
      }),
    );
  jobs
    .command('run')
    .description(
      'run a job now, recorded as started by you; each failed attempt is shown with the wait before the next',
    )
    .argument('<name>', 'job name, as `banto jobs list` shows it')
    .option(...yesOption)
    .action((name: string, options: { yes?: boolean }) =>
      withServices(
        { writes: true, yes: options.yes },
        async ({ jobs: runner }) => {
          const outcome = await runner.runNow(name, `cli:${userInfo().username}`);
          const seconds = (outcome.durationMs / 1000).toFixed(1);
          const tries = outcome.attempts === 1 ? '1 attempt' : `${outcome.attempts} attempts`;
          const detail = outcome.error ?? outcome.result;
          process.stdout.write(
            `${name}: ${outcome.status} after ${tries} in ${seconds} s${detail ? ` — ${detail}` : ''}\n`,
          );
          if (outcome.status !== 'succeeded') process.exitCode = 1;
        },
        {
          onJobAttemptFailed: (job, attempt, error, retryInMs) =>
            process.stdout.write(
              `${job}: attempt ${attempt} failed — ${error}; next attempt in ${formatWait(retryInMs)}\n`,
            ),
        },
      ),
    );
}
