import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { migrateLatest } from '../../src/db/migrate.js';
import { repoRoot } from '../helpers/banto.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';
import { createEffectsTable } from '../helpers/jobs.js';
import { waitFor } from '../helpers/wait.js';

const seconds = { mariadb: 20, sqlite: 8 };

for (const kind of databaseKinds) {
  describe(`three Banto processes, one ${kind} database, a job due every second`, () => {
    let t: TestDatabase;
    const replicas: ChildProcess[] = [];
    before(async () => {
      t = await createTestDatabase(kind);
      await migrateLatest(t.db);
      await createEffectsTable(t.db);
    });
    after(async () => {
      for (const child of replicas) if (child.exitCode === null) child.kill('SIGKILL');
      await t.drop();
    });

    it(`runs every slot of ${seconds[kind]} s exactly once`, async () => {
      for (const name of ['replica-1', 'replica-2', 'replica-3']) {
        replicas.push(
          spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'tests/helpers/replica.ts'), t.url, name], {
            cwd: repoRoot,
            stdio: ['ignore', 'pipe', 'inherit'],
          }),
        );
      }
      await Promise.all(
        replicas.map(
          (child) =>
            new Promise<void>((ready, fail) => {
              child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
              child.once('exit', (code) => fail(new Error(`a replica exited with ${code}`)));
            }),
        ),
      );
      // The window: the next whole second and the ones after it; the sign to stop is its last slot having run.
      const windowStart = DateTime.utc().plus({ seconds: 1 }).startOf('second');
      const windowEnd = windowStart.plus({ seconds: seconds[kind] - 1 });
      await waitFor(
        `the slot of ${windowEnd.toISO()} to run`,
        async () =>
          (await t.db('test_effects').where({ job: 'every-second' }).select('slot')).some(
            (e: { slot: string }) => DateTime.fromISO(e.slot) >= windowEnd,
          ),
        seconds[kind] * 1000 + 30_000,
      );
      await Promise.all(
        replicas.map(
          (child) =>
            new Promise((exited) => {
              child.once('exit', exited);
              child.kill('SIGTERM');
            }),
        ),
      );

      const runs = await t.db('banto_job_runs').where({ job: 'every-second' }).select('slot', 'status', 'host');
      const effects = await t.db('test_effects').where({ job: 'every-second' }).select('slot', 'host');
      const inWindow = (iso: DateTime) => iso >= windowStart && iso <= windowEnd;
      const bySlot = new Map<string, number>();
      for (const e of effects) bySlot.set(e.slot, (bySlot.get(e.slot) ?? 0) + 1);
      const duplicates = [...bySlot].filter(([, n]) => n > 1);
      assert.deepEqual(duplicates, [], 'no slot ran twice');
      assert.equal(runs.length, effects.length, 'one run row per effect');
      assert.ok(runs.length >= seconds[kind], `${runs.length} runs`);
      assert.ok(
        runs.every((r) => r.status === 'succeeded'),
        JSON.stringify(runs.filter((r) => r.status !== 'succeeded')),
      );

      const expected: string[] = [];
      for (let s = windowStart; s <= windowEnd; s = s.plus({ seconds: 1 })) expected.push(s.toISO() ?? '');
      const ran = effects
        .map((e) => DateTime.fromISO(e.slot).toUTC())
        .filter(inWindow)
        .map((d) => d.toISO() ?? '')
        .sort();
      assert.deepEqual(ran, expected, 'every slot in the window ran');
    });
  });
}
