import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime, Duration } from 'luxon';
import { slotsBetween } from '../../src/services/jobs/slots.js';
import { createTestRunner, useJobsDatabase, effectJob, effects, fixedClockAt } from '../helpers/jobs.js';
import { databaseKinds } from '../helpers/databases.js';

for (const kind of databaseKinds) {
  describe(`schedules at exact instants (${kind})`, () => {
    const t = useJobsDatabase(kind);

    it('runs a daily 06:00 Asia/Tokyo job once at 06:00, not before, not twice for the same slot', async () => {
      const clock = fixedClockAt('2026-11-29T05:59:59', 'Asia/Tokyo');
      const job = effectJob(t.db, { name: 'morning', cron: '0 0 6 * * *' });
      const runner = createTestRunner(t.db, clock, [job]);
      const replica = createTestRunner(t.db, clock, [job], { host: 'replica-b' });
      await runner.catchUp();
      await replica.catchUp();
      await runner.tick();
      assert.equal((await effects(t.db)).length, 0, 'nothing before 06:00');

      clock.set(DateTime.fromISO('2026-11-29T06:00:00', { zone: 'Asia/Tokyo' }));
      await runner.tick();
      await runner.tick(); // the same slot twice
      await replica.tick(); // and from another replica
      assert.deepEqual(await effects(t.db), [{ job: 'morning', slot: '2026-11-28T21:00:00.000Z', host: 'test' }]);

      // The clock goes back an hour, then forward over 06:00 again: no second run.
      clock.set(DateTime.fromISO('2026-11-29T05:00:00', { zone: 'Asia/Tokyo' }));
      await runner.tick();
      clock.set(DateTime.fromISO('2026-11-29T06:00:30', { zone: 'Asia/Tokyo' }));
      await runner.tick();
      await replica.tick();
      // Even a restarted replica that never saw the slot finds it claimed.
      const restarted = createTestRunner(t.db, clock, [job], { host: 'replica-c' });
      await restarted.catchUp();
      await restarted.tick();
      assert.equal((await effects(t.db)).length, 1);
      const runs = await t.db('banto_job_runs').where({ job: 'morning' });
      assert.equal(runs.length, 1);
      assert.equal(runs[0].status, 'succeeded');
      assert.equal(runs[0].host, 'replica-a');

      clock.set(DateTime.fromISO('2026-11-30T06:00:00', { zone: 'Asia/Tokyo' }));
      await replica.tick();
      assert.deepEqual(
        (await effects(t.db)).map((e) => e.slot),
        ['2026-11-28T21:00:00.000Z', '2026-11-29T21:00:00.000Z'],
      );
    });

    it('runs America/New_York jobs exactly once per intended day across both DST changes', async () => {
      const zone = 'America/New_York';
      const jobs = [
        effectJob(t.db, { name: 'at-0130', cron: '0 30 1 * * *', timezone: zone }), // repeated on the fall-back day
        effectJob(t.db, { name: 'at-0230', cron: '0 30 2 * * *', timezone: zone }), // missing on the spring-forward day
        effectJob(t.db, { name: 'at-0600', cron: '0 0 6 * * *', timezone: zone }),
      ];
      for (const [fromIso, toIso] of [
        ['2026-03-07T00:00:00', '2026-03-10T00:00:00'],
        ['2026-10-31T00:00:00', '2026-11-03T00:00:00'],
      ] as const) {
        const clock = fixedClockAt(fromIso, zone);
        const runner = createTestRunner(t.db, clock, jobs);
        await runner.catchUp();
        const end = DateTime.fromISO(toIso, { zone });
        // Tick every 5 minutes of real (UTC) time through the change, as the timers would.
        for (let at = clock.now(); at <= end; at = at.plus({ minutes: 5 })) {
          clock.set(at);
          await runner.tick();
        }
      }
      const local = async (job: string) =>
        (await effects(t.db, job)).map((e) => DateTime.fromISO(e.slot, { zone }).toFormat('MM-dd HH:mm ZZZZ'));
      assert.deepEqual(await local('at-0130'), [
        '03-07 01:30 EST',
        '03-08 01:30 EST',
        '03-09 01:30 EDT',
        '10-31 01:30 EDT',
        '11-01 01:30 EDT',
        '11-02 01:30 EST',
      ]);
      assert.deepEqual(await local('at-0230'), [
        '03-07 02:30 EST',
        '03-08 03:30 EDT',
        '03-09 02:30 EDT',
        '10-31 02:30 EDT',
        '11-01 02:30 EST',
        '11-02 02:30 EST',
      ]);
      assert.deepEqual(await local('at-0600'), [
        '03-07 06:00 EST',
        '03-08 06:00 EDT',
        '03-09 06:00 EDT',
        '10-31 06:00 EDT',
        '11-01 06:00 EST',
        '11-02 06:00 EST',
      ]);
    });

    it('honours a six-field cron with seconds and a switched-off job', async () => {
      const clock = fixedClockAt('2026-11-29T10:00:00', 'Asia/Tokyo');
      const runner = createTestRunner(t.db, clock, [
        effectJob(t.db, { name: 'every-20s', cron: '*/20 * * * * *' }),
        effectJob(t.db, { name: 'off', cron: '* * * * * *', enabled: false }),
      ]);
      await runner.catchUp();
      clock.set(clock.now().plus({ seconds: 61 }));
      await runner.tick();
      assert.deepEqual(
        (await effects(t.db)).map((e) => `${e.job} ${DateTime.fromISO(e.slot).toUTC().toFormat('HH:mm:ss')}`),
        ['every-20s 01:00:20', 'every-20s 01:00:40', 'every-20s 01:01:00'],
      );
    });
  });
}

describe('slotsBetween', () => {
  it('is half-open: (from, to]', () => {
    const from = DateTime.fromISO('2026-11-29T06:00:00', { zone: 'Asia/Tokyo' });
    assert.deepEqual(
      slotsBetween('0 0 6 * * *', 'Asia/Tokyo', from, from.plus(Duration.fromObject({ days: 1 }))).map((d) =>
        d.toISO(),
      ),
      ['2026-11-30T06:00:00.000+09:00'],
    );
  });
});
