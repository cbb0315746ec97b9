import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { loadConfig } from '../config.js';
import { BantoError } from '../errors.js';
import type { RebuildProgress } from '../services/payments/index.js';
import { paymentsServiceOf } from './payments.js';
import { openCliDatabase, yesOption } from './database.js';
import { printLines } from './table.js';

/** A bar of days on a terminal; nothing when stderr is not one (a log, a pipe). */
function progressBar(): { onProgress(p: RebuildProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { onProgress: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: '{bar} {percentage}% | {value}/{total} days | {day}', stream: process.stderr });
  let started = false;
  return {
    onProgress({ done, total, day }) {
      if (!started) bar.start(total, 0, { day });
      started = true;
      bar.update(done, { day });
    },
    stop: () => bar.stop(),
  };
}

export function registerBillingCommands(billing: Command): void {
  billing
    .command('rebuild')
    .description('roll up every billing day again from DAY (default: the first payment) to yesterday; resumable')
    .option('--from <day>', 'the first day to roll again, YYYY-MM-DD in the business zone')
    .option(...yesOption)
    .action(async (options: { from?: string; yes?: boolean }) => {
      const config = await loadConfig();
      const from =
        options.from === undefined
          ? undefined
          : DateTime.fromISO(options.from, { zone: config.timezone }).startOf('day');
      if (from && (!/^\d{4}-\d{2}-\d{2}$/.test(options.from ?? '') || !from.isValid))
        throw new BantoError('USAGE', `--from: a day as YYYY-MM-DD, not "${options.from}"`);
      const db = await openCliDatabase(config, { writes: true, yes: options.yes });
      const bar = progressBar();
      try {
        const service = paymentsServiceOf(config, db);
        const done = await service.rebuildRollups({ from, onProgress: bar.onProgress });
        bar.stop();
        printLines(
          done.days === 0
            ? 'nothing to roll up: there are no payments'
            : `rolled up ${done.days} days${done.resumedAfter > 0 ? ` (continued after ${done.resumedAfter} rolled by an earlier run)` : ''}; ${done.firsts} subscriptions' first payments`,
        );
      } finally {
        bar.stop();
        await db.destroy();
      }
    });
}
