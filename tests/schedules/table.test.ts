import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config.js';
import { openDatabase } from '../../src/db/connect.js';
import { applyScheduleOverrides, createScheduleTable } from '../../src/schedules/index.js';
import { messages } from '../../src/views/messages.js';
import { scheduleDepsNotRun, fixedClockAt } from '../helpers/jobs.js';

describe('the schedule table and its YAML overrides', () => {
  const db = openDatabase('sqlite::memory:');
  const table = createScheduleTable({
    db,
    clock: fixedClockAt('2026-11-29T00:00:00', 'Asia/Tokyo'),
    retentionDays: 30,
    ...scheduleDepsNotRun(db),
  });

  it('re-times, re-zones or switches off a job by name', () => {
    const prune = applyScheduleOverrides(table, {
      'prune-job-runs': { cron: '0 0 4 * * *', timezone: 'UTC', enabled: false },
    }).find((job) => job.name === 'prune-job-runs');
    assert.deepEqual([prune?.cron, prune?.timezone, prune?.enabled], ['0 0 4 * * *', 'UTC', false]);
    assert.equal(
      table.find((job) => job.name === 'prune-job-runs')?.cron,
      '0 30 3 * * *',
      'the table itself is left as it was',
    );
  });

  it('describes every job for /jobs in both message languages', () => {
    assert.ok(table.length >= 6);
    for (const job of table)
      for (const locale of ['ja', 'en'] as const)
        assert.ok(messages[locale].jobDescriptions[job.name], `${job.name} (${locale})`);
  });

  it('stops start-up on an override for a job that does not exist', () => {
    assert.throws(
      () => applyScheduleOverrides(table, { 'prune-jobs': { enabled: false } }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(table.length >= 6);
        assert.deepEqual(error.details, [
          `schedules.prune-jobs: no job of that name (jobs: ${table.map((job) => job.name).join(', ')})`,
        ]);
        return true;
      },
    );
  });
});
