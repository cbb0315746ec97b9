import type { Knex } from 'knex';
import type { DateTime, Duration } from 'luxon';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { BantoError } from '../errors.js';
import {
  claimSlot,
  lastScheduledSlot,
  lastSuccessAt,
  latestRuns,
  markExpiredRuns,
  recordSkip,
  type JobRun,
  type RunTrigger,
} from '../services/jobs/job-runs.js';
import { nextSlot, slotsBetween } from '../services/jobs/slots.js';
import { defaultLease, executeClaimedRun, type RunOutcome } from './execute.js';
import type { JobDefinition } from './job.js';
import type { RunnerHooks } from './job-alerts.js';

export interface JobRunnerDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  /** Where outcomes go (alerts, in the app). */
  hooks: RunnerHooks;
  /** This replica's name on each run row. */
  host: string;
  lease?: Duration;
  /** How often the sweep looks for slots a timer missed, expired leases and silent jobs. */
  sweepCron?: string;
}

export interface JobStatus {
  name: string;
  cron: string;
  zone: string;
  enabled: boolean;
  lastRun: JobRun | undefined;
  nextRun: DateTime | undefined;
}

export interface JobRunner {
  readonly jobs: readonly JobDefinition[];
  /** Marks crashed runs, catches up what was missed while down, then starts the timers. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Runs every slot due since the last look (what the timers call). */
  tick(): Promise<void>;
  catchUp(): Promise<void>;
  sweep(): Promise<void>;
  runNow(name: string, startedBy: string): Promise<RunOutcome>;
  /**
   * Runs the job for exactly this slot, unless it is claimed already (a second press of the same button, another
   * replica): then undefined, and nothing runs.
   */
  runOnce(name: string, slot: DateTime, startedBy: string): Promise<RunOutcome | undefined>;
  /** Whether the table has this job (switched off or not). */
  knows(name: string): boolean;
  nextRun(name: string): DateTime | undefined;
  zoneOf(job: JobDefinition): string;
  /** Every job of the table (switched off ones too) with its last run and next slot. */
  status(): Promise<JobStatus[]>;
}

const maxSkipsRecorded = 100;

/** What the runner's parts share. */
interface RunnerContext extends Omit<JobRunnerDeps, 'lease' | 'sweepCron'> {
  lease: Duration;
  zoneOf(job: JobDefinition): string;
  /** Until when each job's slots have been looked at (moved forward only). */
  lastLook: Map<string, DateTime>;
  /** Keeps a run in the set stop() waits for. */
  track<T>(promise: Promise<T>): Promise<T>;
}

/** Claims the slot and runs it if this replica won the claim; undefined when another one did. */
async function runSlot(
  ctx: RunnerContext,
  job: JobDefinition,
  slot: DateTime,
  trigger: RunTrigger,
  startedBy?: string,
): Promise<RunOutcome | undefined> {
  const { db, clock, logger, lease, host } = ctx;
  const runId = await claimSlot(db, { job: job.name, slot, trigger, host, now: clock.now(), lease, startedBy });
  if (runId === undefined) return undefined;
  const onRetry = ctx.hooks.attemptFailed?.bind(undefined, job.name);
  const outcome = await executeClaimedRun({ db, clock, logger, lease, onRetry }, job, runId, {
    slot,
    trigger,
    startedBy,
  });
  await ctx.hooks.finished(job.name, outcome, slot);
  return outcome;
}

/**
 * A timer's work that failed (the database away, say) goes to Banto's log;
 * node-cron would print it to the console. The next tick or sweep tries again.
 */
function logFailure(ctx: RunnerContext, task: string, work: Promise<void>): Promise<void> {
  return work.catch((error: unknown) =>
    ctx.logger.error({ err: error, task }, 'a scheduled tick failed; the next one tries again'),
  );
}

async function tickJob(ctx: RunnerContext, job: JobDefinition): Promise<void> {
  const now = ctx.clock.now();
  const from = ctx.lastLook.get(job.name) ?? now;
  // Moved forward only: a clock that goes back finds nothing new to run.
  if (now > from) ctx.lastLook.set(job.name, now);
  for (const slot of slotsBetween(job.cron, ctx.zoneOf(job), from, now))
    await ctx.track(runSlot(ctx, job, slot, 'schedule'));
}

/** The slots missed while Banto was down: run or skipped (and recorded) as the job's catch-up policy says. */
async function catchUpJob(ctx: RunnerContext, job: JobDefinition): Promise<void> {
  const { db, host } = ctx;
  const now = ctx.clock.now();
  const last = await lastScheduledSlot(db, job.name);
  ctx.lastLook.set(job.name, now);
  if (!last) return;
  const missed = slotsBetween(job.cron, ctx.zoneOf(job), last, now);
  const { catchUp } = job;
  const toRun =
    catchUp.policy === 'latest'
      ? missed.slice(-1)
      : catchUp.policy === 'all'
        ? missed.filter((s) => s >= now.minus(catchUp.window))
        : [];
  const toSkip = missed.filter((s) => !toRun.includes(s));
  const reason = `missed while Banto was down; catch-up policy ${catchUp.policy}`;
  for (const slot of toSkip.slice(-maxSkipsRecorded)) await recordSkip(db, { job: job.name, slot, host, now, reason });
  if (toSkip.length > maxSkipsRecorded)
    ctx.logger.warn({ job: job.name, skipped: toSkip.length }, 'many slots missed; only the latest skips are recorded');
  for (const slot of toRun) await ctx.track(runSlot(ctx, job, slot, 'catch-up'));
}

async function checkDeadMen(ctx: RunnerContext, jobs: readonly JobDefinition[], startedAt: DateTime): Promise<void> {
  const now = ctx.clock.now();
  for (const job of jobs) {
    if (!job.deadMan) continue;
    const since = (await lastSuccessAt(ctx.db, job.name)) ?? startedAt;
    if (since.plus(job.deadMan.period).plus(job.deadMan.grace) < now)
      await ctx.hooks.silent(job.name, since, ctx.zoneOf(job));
  }
}

/** A manual run's slot is the instant it was asked for; two asks in one millisecond take the next one. */
async function runManually(ctx: RunnerContext, job: JobDefinition, startedBy: string): Promise<RunOutcome> {
  const asked = ctx.clock.now();
  for (let nudge = 0; nudge < 10; nudge++) {
    const outcome = await ctx.track(runSlot(ctx, job, asked.plus({ milliseconds: nudge }), 'manual', startedBy));
    if (outcome) return outcome;
  }
  throw new BantoError('JOB_ALREADY_CLAIMED', `${job.name} was started ten times within the same few milliseconds`);
}

/**
 * Runs the schedule table. A slot is the instant cron-parser names (one per
 * intended wall-clock time, across DST changes); a run happens only where this
 * replica's `claimSlot` wins, so N replicas, a double timer fire or a clock
 * that went back all give one run per slot. node-cron tasks (one per job, in
 * the job's zone, no overlap) wake the runner on time; a slower sweep catches
 * what a timer cannot see (a slot moved by a DST gap, a stalled loop).
 */
export function createJobRunner(deps: JobRunnerDeps, table: readonly JobDefinition[], defaultZone: string): JobRunner {
  const jobs = table.filter((job) => job.enabled !== false);
  const running = new Set<Promise<unknown>>();
  const ctx: RunnerContext = {
    ...deps,
    lease: deps.lease ?? defaultLease,
    zoneOf: (job) => job.timezone ?? defaultZone,
    lastLook: new Map(),
    track(promise) {
      running.add(promise);
      return promise.finally(() => running.delete(promise));
    },
  };
  const tasks: ScheduledTask[] = [];
  let startedAt = deps.clock.now();
  const jobNamed = (name: string) => {
    const job = table.find((j) => j.name === name);
    if (!job)
      throw new BantoError('UNKNOWN_JOB', `no job named "${name}"; known: ${table.map((j) => j.name).join(', ')}`);
    return job;
  };

  const runner: JobRunner = {
    jobs,
    zoneOf: ctx.zoneOf,
    async tick() {
      await Promise.all(jobs.map((job) => tickJob(ctx, job)));
    },
    async catchUp() {
      for (const job of jobs) await catchUpJob(ctx, job);
    },
    async sweep() {
      for (const run of await markExpiredRuns(deps.db, deps.clock.now())) await deps.hooks.crashed(run.job, run.host);
      await runner.tick();
      await checkDeadMen(ctx, jobs, startedAt);
    },
    async start() {
      startedAt = deps.clock.now();
      await markExpiredRuns(deps.db, deps.clock.now());
      await runner.catchUp();
      for (const job of jobs)
        tasks.push(
          cron.schedule(job.cron, () => logFailure(ctx, job.name, tickJob(ctx, job)), {
            name: job.name,
            timezone: ctx.zoneOf(job),
            noOverlap: true,
          }),
        );
      tasks.push(
        cron.schedule(deps.sweepCron ?? '*/15 * * * * *', () => logFailure(ctx, 'banto-sweep', runner.sweep()), {
          name: 'banto-sweep',
          noOverlap: true,
        }),
      );
    },
    async stop() {
      for (const task of tasks.splice(0)) await task.destroy();
      await Promise.allSettled([...running]);
    },
    async runNow(name, startedBy) {
      return runManually(ctx, jobNamed(name), startedBy);
    },
    async runOnce(name, slot, startedBy) {
      return ctx.track(runSlot(ctx, jobNamed(name), slot, 'manual', startedBy));
    },
    knows: (name) => table.some((job) => job.name === name),
    nextRun(name) {
      const job = jobs.find((j) => j.name === name);
      return job ? nextSlot(job.cron, ctx.zoneOf(job), deps.clock.now()) : undefined;
    },
    async status() {
      const last = await latestRuns(
        deps.db,
        table.map((job) => job.name),
      );
      return table.map((job) => ({
        name: job.name,
        cron: job.cron,
        zone: ctx.zoneOf(job),
        enabled: job.enabled !== false,
        lastRun: last.get(job.name),
        nextRun: runner.nextRun(job.name),
      }));
    },
  };
  return runner;
}

export type { JobDefinition } from './job.js';
