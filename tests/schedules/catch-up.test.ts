import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime, Duration } from 'luxon';
import type { CatchUpPolicy } from '../../src/schedules/job.js';
import { createTestRunner, useJobsDatabase, effectJob, effects, fixedClockAt } from '../helpers/jobs.js';
import { databaseKinds } from '../helpers/databases.js';

const zone = 'Asia/Tokyo';
const at = (iso: string) => DateTime.fromISO(iso, { zone });

for (const kind of databaseKinds) {
  describe(`catch-up after downtime (${kind})`, () => {
    const t = useJobsDatabase(kind);

    /** Runs the 10:00 slot, stops, and starts again at 12:30: the 11:00 and 12:00 slots were missed. */
    async function stopAcrossTwoSlots(catchUp: CatchUpPolicy) {
      const job = effectJob(t.db, { name: `hourly-${catchUp.policy}`, cron: '0 0 * * * *', catchUp });
      const clock = fixedClockAt('2026-11-29T09:59:00', zone);
      const before = createTestRunner(t.db, clock, [job]);
      await before.catchUp();
      clock.set(at('2026-11-29T10:00:00'));
      await before.tick();
      clock.set(at('2026-11-29T12:30:00'));
      const after = createTestRunner(t.db, clock, [job], { host: 'after-restart' });
      await after.catchUp();
      await after.tick();
      const runs = await t.db('banto_job_runs').where({ job: job.name }).orderBy('slot');
      return {
        effects: (await effects(t.db, job.name)).map((e) => DateTime.fromISO(e.slot, { zone }).toFormat('HH:mm')),
        runs: runs.map(
          (r) =>
            `${DateTime.fromSQL(r.slot, { zone: 'utc' }).setZone(zone).toFormat('HH:mm')} ${r.trigger} ${r.status}`,
        ),
      };
    }

    it('latest: runs the newest missed slot once and records the older one as skipped', async () => {
      const result = await stopAcrossTwoSlots({ policy: 'latest' });
      assert.deepEqual(result.effects, ['10:00', '12:00']);
      assert.deepEqual(result.runs, ['10:00 schedule succeeded', '11:00 catch-up skipped', '12:00 catch-up succeeded']);
    });

    it('all: runs both missed slots, oldest first', async () => {
      const result = await stopAcrossTwoSlots({ policy: 'all', window: Duration.fromObject({ hours: 6 }) });
      assert.deepEqual(result.effects, ['10:00', '11:00', '12:00']);
      assert.deepEqual(result.runs, [
        '10:00 schedule succeeded',
        '11:00 catch-up succeeded',
        '12:00 catch-up succeeded',
      ]);
    });

    it('all within a window: slots older than the window are skipped', async () => {
      const result = await stopAcrossTwoSlots({ policy: 'all', window: Duration.fromObject({ hours: 1 }) });
      assert.deepEqual(result.effects, ['10:00', '12:00']);
      assert.deepEqual(result.runs, ['10:00 schedule succeeded', '11:00 catch-up skipped', '12:00 catch-up succeeded']);
    });

    it('none: runs neither and records both skips', async () => {
      const result = await stopAcrossTwoSlots({ policy: 'none' });
      assert.deepEqual(result.effects, ['10:00']);
      assert.deepEqual(result.runs, ['10:00 schedule succeeded', '11:00 catch-up skipped', '12:00 catch-up skipped']);
      const skip = await t.db('banto_job_runs').where({ status: 'skipped' }).first();
      assert.equal(skip.result, 'missed while Banto was down; catch-up policy none');
    });

    it('catches up nothing on a first start (no history) and nothing twice on two replicas', async () => {
      const job = effectJob(t.db, {
        name: 'fresh',
        cron: '0 0 * * * *',
        catchUp: { policy: 'all', window: Duration.fromObject({ days: 1 }) },
      });
      const clock = fixedClockAt('2026-11-29T12:30:00', zone);
      const first = createTestRunner(t.db, clock, [job]);
      await first.catchUp();
      assert.equal((await t.db('banto_job_runs').where({ job: 'fresh' })).length, 0);
      clock.set(at('2026-11-29T13:00:00'));
      await first.tick();
      const a = createTestRunner(t.db, fixedClockAt('2026-11-29T15:10:00', zone), [job], { host: 'a' });
      const b = createTestRunner(t.db, fixedClockAt('2026-11-29T15:10:00', zone), [job], { host: 'b' });
      await Promise.all([a.catchUp(), b.catchUp()]);
      // Each replica may take a different missed slot, so the effects can land in either order; each slot once is the point.
      assert.deepEqual(
        (await effects(t.db, 'fresh')).map((e) => DateTime.fromISO(e.slot, { zone }).toFormat('HH:mm')).sort(),
        ['13:00', '14:00', '15:00'],
      );
    });
  });
}
