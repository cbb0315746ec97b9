import type { Command } from 'commander';
import { createSystemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { createRefreshService } from '../services/refresh/index.js';
import { renderRefreshOutcome } from '../views/refresh.js';

export function registerDevCommands(dev: Command): void {
  dev
    .command('refresh')
    .description('restore the newest verified backup into development, anonymize it by the rules and prove it')
    .option('--to <url>', 'the database to refresh instead of data.development, e.g. sqlite:var/dev.sqlite3')
    .action(async (options: { to?: string }) => {
      const config = await loadConfig();
      const service = createRefreshService({
        data: config.data,
        backup: config.backup,
        anonymize: config.anonymize,
        clock: createSystemClock(config.timezone),
      });
      const outcome = await service.refresh(options.to ? { to: options.to } : {});
      process.stdout.write(`${renderRefreshOutcome(outcome, config.locale)}\n`);
      if (outcome.status !== 'usable') process.exitCode = 1;
    });
}
