import type { Knex } from 'knex';
import type { DateTime, Duration } from 'luxon';
import { isUniqueViolation } from '../../db/errors.js';
import { insertReturningId } from '../../db/insert.js';
import { fromDbTime, toDbTime } from '../../db/time.js';

export type RunTrigger = 'schedule' | 'catch-up' | 'manual';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'crashed' | 'skipped';

export interface JobRun {
  id: number;
  job: string;
  slot: DateTime;
  trigger: RunTrigger;
  status: RunStatus;
  attempt: number;
  host: string;
  startedBy: string | null;
  startedAt: DateTime | null;
  finishedAt: DateTime | null;
  durationMs: number | null;
  error: string | null;
  result: string | null;
}

interface JobRunRow {
  id: number;
  job: string;
  slot: string;
  trigger: RunTrigger;
  status: RunStatus;
  attempt: number;
  host: string;
  started_by: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  error: string | null;
  result: string | null;
}

const table = 'banto_job_runs';
const time = (v: string | null) => (v === null ? null : fromDbTime(v));

function toJobRun(row: JobRunRow): JobRun {
  return {
    id: Number(row.id),
    job: row.job,
    slot: fromDbTime(row.slot),
    trigger: row.trigger,
    status: row.status,
    attempt: Number(row.attempt),
    host: row.host,
    startedBy: row.started_by,
    startedAt: time(row.started_at),
    finishedAt: time(row.finished_at),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    error: row.error,
    result: row.result,
  };
}

export interface ClaimInput {
  job: string;
  slot: DateTime;
  trigger: RunTrigger;
  host: string;
  now: DateTime;
  lease: Duration;
  startedBy?: string | undefined;
}

/** Inserts the run's row; the unique (job, slot) key makes this the claim. Undefined: another replica has it. */
export async function claimSlot(db: Knex, input: ClaimInput): Promise<number | undefined> {
  try {
    return await insertReturningId(db, table, {
      job: input.job,
      slot: toDbTime(input.slot),
      trigger: input.trigger,
      status: 'running',
      attempt: 1,
      host: input.host.slice(0, 128),
      started_by: input.startedBy ?? null,
      started_at: toDbTime(input.now),
      lease_until: toDbTime(input.now.plus(input.lease)),
    });
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
}

/** A slot that was not run on purpose (catch-up policy), recorded once whichever replica gets there first. */
export async function recordSkip(
  db: Knex,
  input: { job: string; slot: DateTime; host: string; now: DateTime; reason: string },
): Promise<boolean> {
  try {
    const at = toDbTime(input.now);
    await db(table).insert({
      job: input.job,
      slot: toDbTime(input.slot),
      trigger: 'catch-up',
      status: 'skipped',
      attempt: 0,
      host: input.host.slice(0, 128),
      started_at: at,
      finished_at: at,
      duration_ms: 0,
      result: input.reason.slice(0, 255),
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function renewLease(db: Knex, id: number, until: DateTime, attempt?: number): Promise<void> {
  await db(table)
    .where({ id, status: 'running' })
    .update({ lease_until: toDbTime(until), ...(attempt === undefined ? {} : { attempt }) });
}

export async function finishRun(
  db: Knex,
  id: number,
  outcome: {
    status: RunStatus;
    finishedAt: DateTime;
    durationMs: number;
    error?: string | undefined;
    result?: string | undefined;
  },
): Promise<void> {
  await db(table)
    .where({ id })
    .update({
      status: outcome.status,
      finished_at: toDbTime(outcome.finishedAt),
      duration_ms: Math.round(outcome.durationMs),
      lease_until: null,
      error: outcome.error?.slice(0, 4000) ?? null,
      result: outcome.result?.slice(0, 255) ?? null,
    });
}

/** Runs whose holder stopped renewing the lease (a crash, a kill): marked, never run again. */
export async function markExpiredRuns(db: Knex, now: DateTime): Promise<JobRun[]> {
  const expired = (await db(table)
    .where('status', 'running')
    .andWhere('lease_until', '<', toDbTime(now))) as JobRunRow[];
  const marked: JobRun[] = [];
  for (const row of expired) {
    const changed = await db(table)
      .where({ id: row.id, status: 'running' })
      .update({
        status: 'crashed',
        finished_at: toDbTime(now),
        lease_until: null,
        error: `lease expired: ${row.host} stopped renewing it (crash or kill)`,
      });
    if (changed === 1) marked.push(toJobRun({ ...row, status: 'crashed' }));
  }
  return marked;
}

/** The newest slot the schedule (not a person) produced for this job, run or skipped. */
export async function lastScheduledSlot(db: Knex, job: string): Promise<DateTime | undefined> {
  const row = await db(table).where({ job }).whereIn('trigger', ['schedule', 'catch-up']).max({ slot: 'slot' }).first();
  return row?.slot ? fromDbTime(row.slot as string) : undefined;
}

/** The slot of the job's newest successful run before `before` (a digest's "since the last one"). */
export async function lastSucceededSlotBefore(db: Knex, job: string, before: DateTime): Promise<DateTime | undefined> {
  const row = await db(table)
    .where({ job, status: 'succeeded' })
    .andWhere('slot', '<', toDbTime(before))
    .max({ slot: 'slot' })
    .first();
  return row?.slot ? fromDbTime(row.slot as string) : undefined;
}

export async function lastSuccessAt(db: Knex, job: string): Promise<DateTime | undefined> {
  const row = await db(table).where({ job, status: 'succeeded' }).max({ at: 'finished_at' }).first();
  return row?.at ? fromDbTime(row.at as string) : undefined;
}

/** The newest run of each job (one indexed query per job: a handful of jobs). */
export async function latestRuns(db: Knex, jobs: readonly string[]): Promise<Map<string, JobRun>> {
  const runs = new Map<string, JobRun>();
  for (const job of jobs) {
    const row = (await db(table)
      .where({ job })
      .whereNot('status', 'skipped')
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .first()) as JobRunRow | undefined;
    if (row) runs.set(job, toJobRun(row));
  }
  return runs;
}

export async function pruneRuns(db: Knex, finishedBefore: DateTime): Promise<number> {
  return db(table).whereNot('status', 'running').andWhere('finished_at', '<', toDbTime(finishedBefore)).delete();
}
