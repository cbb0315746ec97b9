import { Duration } from 'luxon';
import type { BackupManifest, createBackupService } from '../../services/backup/index.js';
import type { Publisher } from '../../services/publish.js';
import type { RefreshOutcome, createRefreshService } from '../../services/refresh/index.js';
import {
  renderBackupMade,
  renderDataOpsFailure,
  renderPruneOutcome,
  renderVerifyOutcome,
} from '../../views/backups.js';
import type { Locale } from '../../views/messages.js';
import { renderRefreshOutcome } from '../../views/refresh.js';
import { PermanentJobError, type JobDefinition } from '../job.js';

export interface DataOpsJobsDeps {
  backup: ReturnType<typeof createBackupService>;
  /** Undefined without a development connection: no refresh job then. */
  refresh: ReturnType<typeof createRefreshService> | undefined;
  publisher: Publisher;
  alertsChannel: string;
  locale: Locale;
}

const line = (text: string) => ({ text, blocks: [] });

/**
 * Backups at 02:00, their pruning at 02:30 and the verification of the newest at 03:00 (business zone), the
 * development refresh at 06:00. Each posts one line to the alerts channel when it went well; a failure fails the
 * run, so the job alerts mention the on-call group once, with what to do.
 */
export function createDataOpsJobs(deps: DataOpsJobsDeps): JobDefinition[] {
  const { backup, refresh, publisher, alertsChannel, locale } = deps;
  // Said once per run: a retry after a failed post posts it, and never twice.
  const report = (effects: { once<T>(e: string, p: () => Promise<T>): Promise<T> }, text: string) =>
    effects.once('report', () => publisher.post(alertsChannel, line(text)));
  const failing = (job: 'backup' | 'verify' | 'prune' | 'refresh', run: () => Promise<string>) => async () => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof PermanentJobError) throw error;
      throw new Error(renderDataOpsFailure(job, (error as Error).message, locale), { cause: error });
    }
  };
  const daily = { period: Duration.fromObject({ days: 1 }), grace: Duration.fromObject({ hours: 2 }) };
  const jobs: JobDefinition[] = [
    {
      name: 'backup',
      cron: '0 0 2 * * *',
      timeout: Duration.fromObject({ hours: 4 }),
      retry: { attempts: 2, backoff: Duration.fromObject({ minutes: 10 }) },
      catchUp: { policy: 'latest' },
      deadMan: daily,
      run: ({ effects }) =>
        failing('backup', async () => {
          // One backup per run: a retry after a failed post does not take another.
          const made = await effects.once<BackupManifest>('backup', () => backup.run());
          await report(effects, renderBackupMade(made, locale));
          return `${made.file}: ${made.bytes} bytes`;
        })(),
    },
    {
      name: 'backup-prune',
      cron: '0 30 2 * * *',
      timeout: Duration.fromObject({ minutes: 30 }),
      retry: { attempts: 3, backoff: Duration.fromObject({ minutes: 1 }) },
      catchUp: { policy: 'latest' },
      run: ({ effects }) =>
        failing('prune', async () => {
          const outcome = await backup.prune({ dryRun: false });
          await report(effects, renderPruneOutcome(outcome, locale).split('\n')[0]!);
          return `removed ${outcome.removed.length}, kept ${outcome.kept.length}`;
        })(),
    },
    {
      name: 'backup-verify',
      cron: '0 0 3 * * *',
      timeout: Duration.fromObject({ hours: 4 }),
      retry: { attempts: 2, backoff: Duration.fromObject({ minutes: 10 }) },
      catchUp: { policy: 'latest' },
      deadMan: daily,
      run: ({ effects }) =>
        failing('verify', async () => {
          const outcome = await backup.verify();
          if (outcome.problem)
            throw new PermanentJobError(renderDataOpsFailure('verify', renderVerifyOutcome(outcome, locale), locale));
          await report(effects, renderVerifyOutcome(outcome, locale));
          return `${outcome.backup.file} verified`;
        })(),
    },
  ];
  if (refresh)
    jobs.push({
      name: 'dev-refresh',
      cron: '0 0 6 * * *',
      timeout: Duration.fromObject({ hours: 4 }),
      retry: { attempts: 1, backoff: Duration.fromObject({ minutes: 1 }) },
      catchUp: { policy: 'latest' },
      run: ({ effects }) =>
        failing('refresh', async () => {
          const outcome = await effects.once<RefreshOutcome>('refresh', () => refresh.refresh());
          const text = renderRefreshOutcome(outcome, locale);
          if (outcome.status !== 'usable') throw new PermanentJobError(renderDataOpsFailure('refresh', text, locale));
          await report(effects, text);
          return `${outcome.target} from ${outcome.backup.file}`;
        })(),
    });
  return jobs;
}
