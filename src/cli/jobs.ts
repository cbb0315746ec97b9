import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { JobRunner } from '../schedules/runner.js';
import { renderJobs } from '../views/jobs.js';
import { renderBlocksAsText } from '../views/text.js';
import { withServices } from './services.js';

const withRunner = <T>(use: (runner: JobRunner, locale: 'ja' | 'en') => Promise<T>) =>
  withServices(({ jobs }, config) => use(jobs, config.locale));

export function registerJobsCommands(program: Command): void {
  const jobs = program.command('jobs').description('the batch jobs of the schedule table');
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
    .description('run a job now, recorded as started by you')
    .argument('<name>', 'job name, as `banto jobs list` shows it')
    .action((name: string) =>
      withRunner(async (runner) => {
        const outcome = await runner.runNow(name, `cli:${userInfo().username}`);
        process.stdout.write(
          `${name}: ${outcome.status} in ${Math.round(outcome.durationMs)} ms${outcome.result ? ` — ${outcome.result}` : ''}${outcome.error ? ` — ${outcome.error}` : ''}\n`,
        );
        if (outcome.status !== 'succeeded') process.exitCode = 1;
      }),
    );
}
