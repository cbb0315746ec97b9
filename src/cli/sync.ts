import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { DateTime } from 'luxon';
import { syncJobName } from '../services/sync/index.js';
import { yesOption } from './database.js';
import { withServices } from './services.js';
import { formatTable, printJson, printLines } from './table.js';

const minutes = (seconds: number | undefined) => (seconds === undefined ? '-' : `${Math.round(seconds / 60)} min`);

export function registerSyncCommands(sync: Command): void {
  sync
    .command('status')
    .description('each source: health, last success, lag, failures in a row, next run, records synced today')
    .option('--json', 'the same as JSON')
    .action((options: { json?: boolean }) =>
      withServices({ writes: false }, async (services, config) => {
        const status = await services.sync.status();
        if (options.json) return printJson(status);
        if (status.length === 0) return printLines('no partner sources are configured (YAML sync.sources)');
        const at = (t: DateTime | undefined) => (t ? t.setZone(config.timezone).toFormat('yyyy-MM-dd HH:mm') : '-');
        printLines(
          formatTable(
            ['source', 'health', 'last success', 'lag', 'allowed', 'failures in a row', 'next run', 'synced today'],
            status.map((s) => [
              s.name,
              s.health,
              at(s.lastSuccessAt),
              minutes(s.lagSeconds),
              minutes(s.maxLagSeconds),
              String(s.failureStreak),
              at(s.nextRun),
              String(s.syncedToday),
            ]),
            ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'right'],
          ),
          `times in ${config.timezone}`,
        );
      }),
    );
  sync
    .command('run')
    .description("sync a source now (a claimed run, like the schedule's); exit 1 unless the run succeeded")
    .argument('<name>', 'source name, as `banto sync status` shows it')
    .option(...yesOption)
    .action((name: string, options: { yes?: boolean }) =>
      withServices({ writes: true, yes: options.yes }, async ({ sync: service, jobs }) => {
        if (!service.knows(name)) {
          const known = service.sources.map((s) => s.name).join(', ') || '(none configured)';
          process.stderr.write(`banto: no sync source named "${name}"; known: ${known}\n`);
          process.exitCode = 2;
          return;
        }
        const outcome = await jobs.runNow(syncJobName(name), `cli:${userInfo().username}`);
        const run = await service.lastRun(name);
        const seconds = (outcome.durationMs / 1000).toFixed(1);
        process.stdout.write(
          `${name}: ${run?.status ?? outcome.status} in ${seconds} s — ${outcome.result ?? outcome.error ?? ''}\n`,
        );
        if (outcome.status !== 'succeeded' || run?.status !== 'succeeded') process.exitCode = 1;
      }),
    );
}
