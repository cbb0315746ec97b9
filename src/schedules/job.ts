import type { JobEffects } from '../services/jobs/job-effects.js';
import type { DateTime, Duration } from 'luxon';
import type { Logger } from 'pino';
import type { RunTrigger } from '../services/jobs/job-runs.js';

export interface JobContext {
  /** The scheduled instant this run is for (for a manual run: when it was asked for). */
  slot: DateTime;
  trigger: RunTrigger;
  attempt: number;
  /** Aborted when the run's timeout passes; long jobs should check it between steps. */
  signal: AbortSignal;
  startedBy?: string | undefined;
  logger: Logger;
  /** Effects outside the database (posts, uploads) done once per run, whatever the attempt: see job-effects.ts. */
  effects: JobEffects;
}

export type CatchUpPolicy = { policy: 'none' } | { policy: 'latest' } | { policy: 'all'; window: Duration };

/** One row of the schedule table. */
export interface JobDefinition {
  name: string;
  /** Five fields, or six with seconds first; in `timezone` (default BANTO_TIMEZONE). */
  cron: string;
  timezone?: string | undefined;
  enabled?: boolean | undefined;
  timeout: Duration;
  /** `attempts` in all (1 = no retry); the wait doubles from `backoff` after each failure. */
  retry: { attempts: number; backoff: Duration };
  catchUp: CatchUpPolicy;
  /** Dead-man: alert when no run has succeeded for `period` + `grace`. */
  deadMan?: { period: Duration; grace: Duration } | undefined;
  /** Returns a short summary for the run's row, e.g. "deleted 120 rows". */
  run(context: JobContext): Promise<string | void>;
}

/** A job's error that another attempt cannot fix (bad input, missing config): fail at once. */
export class PermanentJobError extends Error {
  readonly code = 'JOB_PERMANENT';
  readonly retryable = false;
}

export class JobTimeoutError extends Error {
  readonly code = 'JOB_TIMEOUT';
}
