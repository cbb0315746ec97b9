import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { JobRunner } from '../schedules/runner.js';
import { renderJobs } from '../views/jobs.js';
import { renderBlocksAsText } from '../views/text.js';
import { withServices } from './services.js';

const formatWait = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`);

const withRunner = <T>(use: (runner: JobRunner, locale: 'ja' | 'en') => Promise<T>) =>
  withServices(({ jobs }, config) => use(jobs, config.locale));

export function registerJobsCommands(jobs: Command): void {
  jobs
    .command('list')
    .description('every job with its last run and next run')
    .action(() =>
      withRunner(async (runner, locale) => {
        process.stdout.write(
          `${renderBlocksAsText(renderJobs(await runner.status(), locale).blocks).text.replace(/\s*\[\d+\][^\n]*/g, '')}\n`,
        );
      }),
    );
  jobs
    .command('run')
    .description(
      'run a job now, recorded as started by you; each failed attempt is shown with the wait before the next',
    )
    .argument('<name>', 'job name, as `banto jobs list` shows it')
    .action((name: string) =>
      withServices(
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
