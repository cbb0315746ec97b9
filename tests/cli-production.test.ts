import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../src/db/connect.js';
import { runBanto } from './helpers/cli.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from './helpers/databases.js';
import { cleanEnv } from './helpers/process.js';

interface JobJson {
  name: string;
  lastRun?: { status: string; startedBy: string | null };
}

for (const kind of databaseKinds) {
  describe(`a production profile in the CLI (${kind})`, () => {
    let database: TestDatabase;
    let empty: TestDatabase;
    before(async () => {
      database = await createTestDatabase(kind);
      empty = await createTestDatabase(kind);
      const seeded = await runBanto(['db', 'seed', '--users', '30'], { env: cleanEnv({ DATABASE_URL: database.url }) });
      assert.equal(seeded.status, 0, seeded.stderr);
    });
    after(async () => {
      await database.drop();
      await empty.drop();
    });

    // What `eval "$(banto env use shop/prod)"` leaves in the shell for a profile marked production.
    const prod = (extra: Record<string, string> = {}) =>
      cleanEnv({ DATABASE_URL: database.url, BANTO_PROFILE: 'shop/prod', BANTO_PROFILE_PRODUCTION: '1', ...extra });
    const lastPrune = async () => {
      const list = await runBanto(['jobs', 'list', '--json'], { env: prod() });
      assert.equal(list.status, 0, list.stderr);
      return (JSON.parse(list.stdout) as JobJson[]).find((j) => j.name === 'prune-job-runs')?.lastRun;
    };

    it('reads through a session the database itself reports as read-only', async () => {
      const status = await runBanto(['db', 'status', '--json'], { env: prod() });
      assert.equal(status.status, 0, status.stderr);
      assert.deepEqual(JSON.parse(status.stdout), {
        database: database.url,
        server: JSON.parse(status.stdout).server,
        migrations: 15,
        readOnly: true,
        profile: 'shop/prod',
        production: true,
      });
      const dev = await runBanto(['db', 'status', '--json'], { env: cleanEnv({ DATABASE_URL: database.url }) });
      assert.equal(JSON.parse(dev.stdout).readOnly, false, 'the same database outside the profile is writable');
    });

    it('refuses a write without the typed name, and --yes without BANTO_ALLOW_PROD_WRITES=1', async () => {
      const wrong = await runBanto(['jobs', 'run', 'prune-job-runs'], { env: prod(), input: 'shop/dev\n' });
      assert.deepEqual([wrong.status, wrong.stdout], [1, '']);
      assert.match(
        wrong.stderr,
        /Type shop\/prod to go on: banto: shop\/prod was not typed; nothing was done \[PROD_WRITE_REFUSED\]/,
      );
      const silent = await runBanto(['jobs', 'run', 'prune-job-runs'], { env: prod() });
      assert.equal(silent.status, 1);
      const yes = await runBanto(['mail', 'drain', '--yes'], { env: prod() });
      assert.equal(yes.status, 1);
      assert.match(yes.stderr, /--yes writes there only with BANTO_ALLOW_PROD_WRITES=1; nothing was done/);
      assert.equal(await lastPrune(), undefined, 'no run was recorded');
    });

    it('writes when the name is typed, or with --yes and BANTO_ALLOW_PROD_WRITES=1', async () => {
      const typed = await runBanto(['jobs', 'run', 'prune-job-runs'], { env: prod(), input: 'shop/prod\n' });
      assert.equal(typed.status, 0, typed.stderr);
      assert.match(typed.stdout, /prune-job-runs: succeeded after 1 attempt/);
      assert.equal((await lastPrune())?.status, 'succeeded');
      const scripted = await runBanto(['db', 'migrate', '--yes'], { env: prod({ BANTO_ALLOW_PROD_WRITES: '1' }) });
      assert.deepEqual([scripted.status, scripted.stdout], [0, 'already up to date\n']);
    });

    it('does not migrate a database it may only read: it says so, and creates nothing', async () => {
      const run = await runBanto(['jobs', 'list'], { env: prod({ DATABASE_URL: empty.url }) });
      assert.deepEqual([run.status, run.stdout], [1, '']);
      // SQLite's file does not exist yet (nothing opened it); MariaDB's database is there, without tables.
      assert.match(
        run.stderr,
        kind === 'sqlite'
          ? /there is no database at .*, and a production profile creates none \[NO_DATABASE\]/
          : /the database has no Banto tables; .* \[SCHEMA_BEHIND\]/,
      );
      assert.equal(await empty.db.schema.hasTable('banto_migrations'), false);
    });

    it('a read-only connection refuses a write at the database, whatever the code above it does', async () => {
      const readOnly = openDatabase(database.url, { readOnly: true });
      try {
        await assert.rejects(readOnly('users').where({ id: 1 }).update({ name: 'x' }), (error: { code?: string }) =>
          ['ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', 'SQLITE_READONLY'].includes(String(error.code)),
        );
      } finally {
        await readOnly.destroy();
      }
      const [row] = (await database.db('users').where({ id: 1 }).select('name')) as { name: string }[];
      assert.notEqual(row?.name, 'x');
    });
  });
}
