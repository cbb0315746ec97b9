import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { syncJobName } from '../services/sync/index.js';
import { renderSyncStatus } from '../views/sync.js';
import { renderBlocksAsText } from '../views/text.js';
import { withServices } from './services.js';

export function registerSyncCommands(sync: Command): void {
  sync
    .command('status')
    .description('each source: health, last success, lag, failures in a row, next run, records synced today')
    .action(() =>
      withServices(async (services, config) => {
        const view = renderSyncStatus(await services.sync.status(), {
          zone: config.timezone,
          locale: config.locale,
          withButtons: false,
        });
        process.stdout.write(`${renderBlocksAsText(view.blocks).text}\n`);
      }),
    );
  sync
    .command('run')
    .description("sync a source now (a claimed run, like the schedule's); exit 1 unless the run succeeded")
    .argument('<name>', 'source name, as `banto sync status` shows it')
    .action((name: string) =>
      withServices(async ({ sync: service, jobs }) => {
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
