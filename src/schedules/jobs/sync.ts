import type { Knex } from 'knex';
import { Duration } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Alerts } from '../../services/alerts/alerts.js';
import { syncJobName } from '../../services/sync/index.js';
import { runSync, type SyncOutcome } from '../../services/sync/run-sync.js';
import type { SyncSource } from '../../services/sync/source.js';
import type { Locale } from '../../views/messages.js';
import { syncMessages } from '../../views/sync-messages.js';
import type { JobDefinition } from '../job.js';

export interface SyncJobsDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  alerts: Alerts;
  locale: Locale;
  sources: readonly SyncSource[];
  /** Waits between a partner's retries; tests record them instead. */
  wait?: ((ms: number) => Promise<void>) | undefined;
}

const alertKey = (source: string) => `sync:${source}`;

/**
 * What the engineers hear of a run: nothing while it goes well or has failed fewer times than the source
 * allows; one alert (with the on-call mention) when it has failed `alertAfterFailures` times in a row or its
 * data is too old; an edit of that alert, not a new one, for each later failure of the same incident; and one
 * reply in its thread when a run succeeds again.
 */
async function reportOutcome(deps: SyncJobsDeps, source: SyncSource, outcome: SyncOutcome): Promise<void> {
  const m = syncMessages(deps.locale);
  const key = alertKey(source.name);
  if (outcome.status === 'succeeded') {
    await deps.alerts.resolve(key, m.recovered(source.name, outcome.inserted + outcome.updated));
    return;
  }
  const errorClass = outcome.errorClass ?? 'unexpected';
  if (outcome.status === 'failed' && outcome.state.failureStreak < source.alertAfterFailures) return;
  const lastGood = outcome.state.lastSuccessAt?.setZone(deps.clock.zone).toFormat('yyyy-MM-dd HH:mm') ?? m.never;
  const headline =
    outcome.status === 'stale'
      ? m.stale(source.name, Math.round((outcome.lagSeconds ?? 0) / 60), source.maxLag.as('minutes'), lastGood)
      : m.failing(
          source.name,
          `${m.problem[errorClass]} (${outcome.errorMessage ?? errorClass})`,
          outcome.state.failureStreak,
          lastGood,
        );
  const text = `${headline}\n${m.whatToDo(m.hint[errorClass])}`;
  // The first report of an incident posts; the same incident's later reports rewrite that post.
  if (!(await deps.alerts.open(key, text))) await deps.alerts.update(key, text);
}

function summarize(outcome: SyncOutcome): string {
  const counts = `${outcome.pages} pages, ${outcome.fetched} fetched, ${outcome.inserted} inserted, ${outcome.updated} updated, ${outcome.skipped} skipped`;
  return outcome.status === 'succeeded'
    ? counts
    : `${outcome.status} (${outcome.errorClass}): ${outcome.errorMessage}; ${counts}`;
}

/** One row of the schedule table per source: `sync-<name>`, on the source's cron. */
export function createSyncJobs(deps: SyncJobsDeps): JobDefinition[] {
  return deps.sources.map((source) => ({
    name: syncJobName(source.name),
    cron: source.cron,
    // Every page may wait its timeout once per attempt; the whole run still ends in bounded time.
    timeout: Duration.fromObject({ minutes: 10 }),
    // The partner's 429/503 are retried inside the run; a failed run is the next slot's to repeat.
    retry: { attempts: 1, backoff: Duration.fromObject({ seconds: 1 }) },
    catchUp: { policy: 'latest' },
    async run({ trigger, startedBy, signal }) {
      const outcome = await runSync({ db: deps.db, clock: deps.clock, logger: deps.logger, wait: deps.wait }, source, {
        trigger,
        startedBy,
        signal,
      });
      await reportOutcome(deps, source, outcome);
      return summarize(outcome);
    },
  }));
}
