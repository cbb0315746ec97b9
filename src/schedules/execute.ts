import type { Knex } from 'knex';
import { Duration } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { createJobEffects } from '../services/jobs/job-effects.js';
import { finishRun, renewLease, type RunStatus } from '../services/jobs/job-runs.js';
import { JobTimeoutError, type JobContext, type JobDefinition } from './job.js';

export interface ExecuteDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  lease: Duration;
  onRetry?: ((attempt: number, error: string, retryInMs: number) => void) | undefined;
}

export interface RunOutcome {
  status: Extract<RunStatus, 'succeeded' | 'failed' | 'timed_out'>;
  attempts: number;
  durationMs: number;
  error?: string | undefined;
  result?: string | undefined;
}

const isRetryable = (error: unknown) =>
  !(error instanceof JobTimeoutError) && (error as { retryable?: unknown } | null)?.retryable !== false;
const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One attempt, bounded by the timeout even if the job ignores its signal. */
async function attemptOnce(job: JobDefinition, context: Omit<JobContext, 'signal'>): Promise<string | void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new JobTimeoutError(`${job.name} ran longer than ${job.timeout.toHuman()}`);
      // Settle the race first: a job that returns as soon as it sees the abort has still timed out.
      reject(error);
      controller.abort(error);
    }, job.timeout.toMillis());
  });
  try {
    return await Promise.race([job.run({ ...context, signal: controller.signal }), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a claimed slot to its end: attempts with a doubling backoff for errors a
 * retry can fix, the lease renewed while it runs (so a crash is told apart from
 * a long run), and the outcome written on the run's row.
 */
export async function executeClaimedRun(
  deps: ExecuteDeps,
  job: JobDefinition,
  runId: number,
  input: Pick<JobContext, 'slot' | 'trigger' | 'startedBy'>,
): Promise<RunOutcome> {
  const { db, clock, logger, lease } = deps;
  const started = performance.now();
  const log = logger.child({ job: job.name, slot: input.slot.toISO(), trigger: input.trigger });
  let attempt = 1;
  const effects = createJobEffects(db, runId, clock);
  const heartbeat = setInterval(
    () => {
      renewLease(db, runId, clock.now().plus(lease)).catch((error: unknown) =>
        log.warn({ err: error }, 'could not renew the lease'),
      );
    },
    Math.max(250, lease.toMillis() / 3),
  );
  let outcome: RunOutcome;
  try {
    for (;;) {
      try {
        const result = await attemptOnce(job, { ...input, attempt, logger: log, effects });
        outcome = {
          status: 'succeeded',
          attempts: attempt,
          durationMs: performance.now() - started,
          result: result ?? undefined,
        };
        break;
      } catch (error) {
        const timedOut = error instanceof JobTimeoutError;
        if (!timedOut && isRetryable(error) && attempt < job.retry.attempts) {
          const wait = job.retry.backoff.toMillis() * 2 ** (attempt - 1);
          log.warn({ err: error, attempt, retryInMs: wait }, 'job failed; retrying');
          deps.onRetry?.(attempt, describe(error), wait);
          await sleep(wait);
          attempt += 1;
          await renewLease(db, runId, clock.now().plus(lease), attempt);
          continue;
        }
        log.error({ err: error, attempt }, timedOut ? 'job timed out' : 'job failed');
        outcome = {
          status: timedOut ? 'timed_out' : 'failed',
          attempts: attempt,
          durationMs: performance.now() - started,
          error: describe(error),
        };
        break;
      }
    }
  } finally {
    clearInterval(heartbeat);
  }
  await finishRun(db, runId, {
    status: outcome.status,
    finishedAt: clock.now(),
    durationMs: outcome.durationMs,
    error: outcome.error,
    result: outcome.result,
  });
  return outcome;
}

export const defaultLease = Duration.fromObject({ seconds: 30 });
