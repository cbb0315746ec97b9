import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config.js';
import { openDatabase } from '../../src/db/connect.js';
import { applyScheduleOverrides, createScheduleTable } from '../../src/schedules/index.js';
import { scheduleDepsNotRun, fixedClockAt } from '../helpers/jobs.js';

describe('the schedule table and its YAML overrides', () => {
  const db = openDatabase('sqlite::memory:');
  const table = createScheduleTable({ db, clock: fixedClockAt('2026-11-29T00:00:00', 'Asia/Tokyo'), retentionDays: 30, ...scheduleDepsNotRun(db) });

  it('re-times, re-zones or switches off a job by name', () => {
    const [, , prune] = applyScheduleOverrides(table, { 'prune-job-runs': { cron: '0 0 4 * * *', timezone: 'UTC', enabled: false } });
    assert.deepEqual([prune?.cron, prune?.timezone, prune?.enabled], ['0 0 4 * * *', 'UTC', false]);
    assert.equal(table[2]?.cron, '0 30 3 * * *', 'the table itself is left as it was');
  });

  it('stops start-up on an override for a job that does not exist', () => {
    assert.throws(() => applyScheduleOverrides(table, { 'prune-jobs': { enabled: false } }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.details, ['schedules.prune-jobs: no job of that name (jobs: billing-daily-summary, billing-anomalies, prune-job-runs, mail-payment-reminders, mail-article-digest, mail-outbox-health)']);
      return true;
    });
  });
});
