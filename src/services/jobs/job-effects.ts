import type { Knex } from 'knex';
import type { Clock } from '../../clock.js';
import { toDbTime } from '../../db/time.js';

/** The effects of one run, shared by all its attempts. */
export interface JobEffects {
  /**
   * Does `perform` once per run under `effect` and records its result; a
   * later attempt of the same run gets the recorded result back and does not
   * perform it again. The result must be JSON (a message's ts, a file id).
   */
  once<T>(effect: string, perform: () => Promise<T>): Promise<T>;
}

/**
 * The rule for every job with effects outside the database: each one goes
 * through `once`, in the order the job does them, so an attempt that fails
 * half-way is retried from the step that failed. The one window left is a
 * process that dies between Slack's answer and this row's insert; the row is
 * written at once, before the job's next step.
 */
export function createJobEffects(db: Knex, runId: number, clock: Clock): JobEffects {
  return {
    async once<T>(effect: string, perform: () => Promise<T>): Promise<T> {
      const done = (await db('banto_job_effects').where({ run_id: runId, effect }).first()) as
        { result: string } | undefined;
      if (done) return JSON.parse(done.result) as T;
      const result = await perform();
      await db('banto_job_effects').insert({
        run_id: runId,
        effect,
        result: JSON.stringify(result ?? null),
        created_at: toDbTime(clock.now()),
      });
      return result;
    },
  };
}

/** The newest recorded result of `effect` in any run of `job` (the last daily chart's file id, say). */
export async function findLastEffect<T>(db: Knex, job: string, effect: string): Promise<T | undefined> {
  const row = (await db('banto_job_effects as e')
    .join('banto_job_runs as r', 'r.id', 'e.run_id')
    .where({ 'r.job': job, 'e.effect': effect })
    .orderBy('e.id', 'desc')
    .first('e.result')) as { result: string } | undefined;
  return row ? (JSON.parse(row.result) as T) : undefined;
}
