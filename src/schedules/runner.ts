import type { Knex } from 'knex';
import type { DateTime, Duration } from 'luxon';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { BantoError } from '../errors.js';
import type { Alerts } from '../services/alerts/alerts.js';
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
import { messagesFor, type Locale } from '../views/messages.js';
import { defaultLease, executeClaimedRun, type RunOutcome } from './execute.js';
import type { JobDefinition } from './job.js';

export interface JobRunnerDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  alerts: Alerts;
  locale: Locale;
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
  /** Whether the table has this job (switched off or not). */
  knows(name: string): boolean;
  nextRun(name: string): DateTime | undefined;
  zoneOf(job: JobDefinition): string;
  /** Every job of the table (switched off ones too) with its last run and next slot. */
  status(): Promise<JobStatus[]>;
}

const alertKey = (job: string) => `job:${job}`;
const maxSkipsRecorded = 100;

/**
 * Runs the schedule table. A slot is the instant cron-parser names (one per
 * intended wall-clock time, across DST changes); a run happens only where this
 * replica's `claimSlot` wins, so N replicas, a double timer fire or a clock
 * that went back all give one run per slot. node-cron tasks (one per job, in
 * the job's zone, no overlap) wake the runner on time; a slower sweep catches
 * what a timer cannot see (a slot moved by a DST gap, a stalled loop).
 */
export function createJobRunner(deps: JobRunnerDeps, table: readonly JobDefinition[], defaultZone: string): JobRunner {
  const { db, clock, logger, alerts, host } = deps;
  const lease = deps.lease ?? defaultLease;
  const m = messagesFor(deps.locale);
  const jobs = table.filter((job) => job.enabled !== false);
  const zoneOf = (job: JobDefinition) => job.timezone ?? defaultZone;
  const lastLook = new Map<string, DateTime>();
  const running = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = [];
  let startedAt = clock.now();

  const track = <T>(promise: Promise<T>): Promise<T> => {
    running.add(promise);
    return promise.finally(() => running.delete(promise));
  };

  const afterRun = async (job: JobDefinition, outcome: RunOutcome, slot: DateTime) => {
    if (outcome.status === 'succeeded') {
      await alerts.resolve(alertKey(job.name), m.jobRecovered(job.name, slot.toISO() ?? ''));
    } else {
      await alerts.open(alertKey(job.name), m.jobFailed(job.name, outcome.attempts, outcome.error ?? outcome.status));
    }
  };

  const runSlot = async (
    job: JobDefinition,
    slot: DateTime,
    trigger: RunTrigger,
    startedBy?: string,
  ): Promise<RunOutcome | undefined> => {
    const runId = await claimSlot(db, { job: job.name, slot, trigger, host, now: clock.now(), lease, startedBy });
    if (runId === undefined) return undefined;
    const outcome = await executeClaimedRun({ db, clock, logger, lease }, job, runId, { slot, trigger, startedBy });
    await afterRun(job, outcome, slot).catch((error: unknown) =>
      logger.error({ err: error, job: job.name }, 'could not post the alert'),
    );
    return outcome;
  };

  const tickJob = async (job: JobDefinition) => {
    const now = clock.now();
    const from = lastLook.get(job.name) ?? now;
    // Moved forward only: a clock that goes back finds nothing new to run.
    if (now > from) lastLook.set(job.name, now);
    for (const slot of slotsBetween(job.cron, zoneOf(job), from, now)) await track(runSlot(job, slot, 'schedule'));
  };

  const catchUpJob = async (job: JobDefinition) => {
    const now = clock.now();
    const last = await lastScheduledSlot(db, job.name);
    lastLook.set(job.name, now);
    if (!last) return;
    const missed = slotsBetween(job.cron, zoneOf(job), last, now);
    if (missed.length === 0) return;
    const { catchUp } = job;
    const toRun =
      catchUp.policy === 'latest'
        ? missed.slice(-1)
        : catchUp.policy === 'all'
          ? missed.filter((s) => s >= now.minus(catchUp.window))
          : [];
    const toSkip = missed.filter((s) => !toRun.includes(s));
    for (const slot of toSkip.slice(-maxSkipsRecorded)) {
      await recordSkip(db, {
        job: job.name,
        slot,
        host,
        now,
        reason: `missed while Banto was down; catch-up policy ${catchUp.policy}`,
      });
    }
    if (toSkip.length > maxSkipsRecorded)
      logger.warn({ job: job.name, skipped: toSkip.length }, 'many slots missed; only the latest skips are recorded');
    for (const slot of toRun) await track(runSlot(job, slot, 'catch-up'));
  };

  const checkDeadMen = async () => {
    const now = clock.now();
    for (const job of jobs) {
      if (!job.deadMan) continue;
      const since = (await lastSuccessAt(db, job.name)) ?? startedAt;
      if (since.plus(job.deadMan.period).plus(job.deadMan.grace) < now && !(await alerts.isOpen(alertKey(job.name)))) {
        await alerts.open(
          alertKey(job.name),
          m.jobSilent(job.name, since.setZone(zoneOf(job)).toFormat('yyyy-MM-dd HH:mm ZZZZ')),
        );
      }
    }
  };

  const runner: JobRunner = {
    jobs,
    zoneOf,
    async tick() {
      await Promise.all(jobs.map((job) => tickJob(job)));
    },
    async catchUp() {
      for (const job of jobs) await catchUpJob(job);
    },
    async sweep() {
      for (const run of await markExpiredRuns(db, clock.now())) {
        await alerts
          .open(alertKey(run.job), m.jobCrashed(run.job, run.host))
          .catch((error: unknown) => logger.error({ err: error }, 'could not post the alert'));
      }
      await runner.tick();
      await checkDeadMen();
    },
    async start() {
      startedAt = clock.now();
      await markExpiredRuns(db, clock.now());
      await runner.catchUp();
      for (const job of jobs) {
        tasks.push(
          cron.schedule(job.cron, () => tickJob(job), { name: job.name, timezone: zoneOf(job), noOverlap: true }),
        );
      }
      tasks.push(
        cron.schedule(deps.sweepCron ?? '*/15 * * * * *', () => runner.sweep(), {
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
      const job = table.find((j) => j.name === name);
      if (!job)
        throw new BantoError('UNKNOWN_JOB', `no job named "${name}"; known: ${table.map((j) => j.name).join(', ')}`);
      // A manual run's slot is the instant it was asked for; two asks in one millisecond take the next one.
      const asked = clock.now();
      for (let nudge = 0; nudge < 10; nudge++) {
        const outcome = await track(runSlot(job, asked.plus({ milliseconds: nudge }), 'manual', startedBy));
        if (outcome) return outcome;
      }
      throw new BantoError('JOB_ALREADY_CLAIMED', `${name} was started ten times within the same few milliseconds`);
    },
    knows: (name) => table.some((job) => job.name === name),
    nextRun(name) {
      const job = jobs.find((j) => j.name === name);
      return job ? nextSlot(job.cron, zoneOf(job), clock.now()) : undefined;
    },
    async status() {
      const last = await latestRuns(
        db,
        table.map((job) => job.name),
      );
      return table.map((job) => ({
        name: job.name,
        cron: job.cron,
        zone: zoneOf(job),
        enabled: job.enabled !== false,
        lastRun: last.get(job.name),
        nextRun: runner.nextRun(job.name),
      }));
    },
  };
  return runner;
}

export type { JobDefinition } from './job.js';
