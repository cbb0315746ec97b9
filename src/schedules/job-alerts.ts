import type { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Alerts } from '../services/alerts/alerts.js';
import { messagesFor, type Locale } from '../views/messages.js';
import type { RunOutcome } from './execute.js';

/** What the runner reports; it writes no text for people itself. */
export interface RunnerHooks {
  /** A run finished, well or not. */
  finished(job: string, outcome: RunOutcome, slot: DateTime): Promise<void>;
  /** A run's lease ran out: its replica stopped answering midway. */
  crashed(job: string, host: string): Promise<void>;
  /** A job with a dead-man period has not succeeded since `since` (shown in `zone`). */
  silent(job: string, since: DateTime, zone: string): Promise<void>;
  /** An attempt failed and the next one starts in `retryInMs`. */
  attemptFailed?: ((job: string, attempt: number, error: string, retryInMs: number) => void) | undefined;
}

const alertKey = (job: string) => `job:${job}`;

/** One alert per job while it fails, crashes or stays silent; its recovery is a reply in the alert's thread. */
export function createJobAlerts({
  alerts,
  locale,
  logger,
}: {
  alerts: Alerts;
  locale: Locale;
  logger: Logger;
}): RunnerHooks {
  const m = messagesFor(locale);
  const report = (job: string, posting: Promise<unknown>) =>
    posting.then(
      () => undefined,
      (error: unknown) => logger.error({ err: error, job }, 'could not post the job alert'),
    );
  return {
    finished: (job, outcome, slot) =>
      report(
        job,
        outcome.status === 'succeeded'
          ? alerts.resolve(alertKey(job), m.jobRecovered(job, slot.toISO() ?? ''))
          : alerts.open(alertKey(job), m.jobFailed(job, outcome.attempts, outcome.error ?? outcome.status)),
      ),
    crashed: (job, host) => report(job, alerts.open(alertKey(job), m.jobCrashed(job, host))),
    async silent(job, since, zone) {
      if (await alerts.isOpen(alertKey(job))) return;
      await report(
        job,
        alerts.open(alertKey(job), m.jobSilent(job, since.setZone(zone).toFormat('yyyy-MM-dd HH:mm ZZZZ'))),
      );
    },
  };
}
