import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { createSystemClock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { createBackupService, type BackupProgress } from '../services/backup/index.js';
import { renderBackupList, renderBackupMade, renderPruneOutcome, renderVerifyOutcome } from '../views/backups.js';

const serviceFor = (config: Config) =>
  createBackupService({ backup: config.backup, data: config.data, clock: createSystemClock(config.timezone) });

/** A progress bar of bytes (and the table being read) on a terminal; nothing when stderr is not one. */
function progressBar(): { progress: BackupProgress; stop(): void } {
  if (!process.stderr.isTTY) return { progress: {}, stop: () => undefined };
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {value}/{total} MB | {table}',
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
  return {
    progress: {
      bytes(done, total) {
        if (!started) bar.start(mb(total), 0, { table: '' });
        started = true;
        bar.setTotal(mb(total));
        bar.update(mb(done));
      },
      table(name, done, total) {
        // A dump names its tables as it goes, without a total; SQLite's copy knows it.
        if (started) bar.update({ table: `${name} (${done}${total > 0 ? `/${total}` : ''})` });
      },
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

export function registerBackupCommands(backup: Command): void {
  backup
    .command('run')
    .description('make a backup now: gzipped, with a sha256 and a JSON manifest beside it in backup.dir')
    .action(async () => {
      const config = await loadConfig();
      const bar = progressBar();
      try {
        const made = await serviceFor(config).run(bar.progress);
        bar.stop();
        process.stdout.write(`${renderBackupMade(made, config.locale)}\n`);
      } finally {
        bar.stop();
      }
    });
  backup
    .command('list')
    .description('every backup, newest first: size, age, verification state, and why retention keeps it')
    .action(async () => {
      const config = await loadConfig();
      const clock = createSystemClock(config.timezone);
      const listed = await serviceFor(config).list();
      process.stdout.write(
        `${renderBackupList(listed, { zone: config.timezone, locale: config.locale, now: clock.now() })}\n`,
      );
    });
  backup
    .command('prune')
    .description('remove (or archive) the backups that fall out of backup.keep; the newest and newest verified stay')
    .option('--dry-run', 'only say what would be removed', false)
    .action(async (options: { dryRun: boolean }) => {
      const config = await loadConfig();
      const outcome = await serviceFor(config).prune({ dryRun: options.dryRun });
      process.stdout.write(`${renderPruneOutcome(outcome, config.locale)}\n`);
    });
  backup
    .command('verify')
    .description('restore a backup (the newest by default) into a scratch copy and compare it with its manifest')
    .argument('[file]', 'a backup file name, as `banto backup list` shows it')
    .action(async (file: string | undefined) => {
      const config = await loadConfig();
      const outcome = await serviceFor(config).verify(file);
      process.stdout.write(`${renderVerifyOutcome(outcome, config.locale)}\n`);
      if (outcome.problem) process.exitCode = 1;
    });
}
