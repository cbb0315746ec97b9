import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { createFixedClock } from '../../../src/clock.js';
import { createBackupService } from '../../../src/services/backup/index.js';
import { createRefreshService } from '../../../src/services/refresh/index.js';
import { sha256OfFile } from '../../../src/services/backup/manifest.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.js';
import { backupSettingsIn } from '../../helpers/backups.js';

const zone = 'Asia/Tokyo';

const hasMydumper = spawnSync('mydumper', ['--version']).status === 0;

for (const tool of ['auto', 'mydumper'] as const)
  describe(
    `backups of a MariaDB production database (${tool})`,
    {
      skip: !process.env.BANTO_TEST_MYSQL_URL
        ? 'no BANTO_TEST_MYSQL_URL'
        : tool === 'mydumper' && !hasMydumper
          ? 'mydumper is not installed (CI installs it)'
          : false,
    },
    () => {
      let prod: TestDatabase;
      let scratch: TestDatabase;
      const dir = mkdtempSync(join(tmpdir(), 'banto-backup-mysql-'));
      const clock = createFixedClock(DateTime.fromISO('2026-12-01T02:00', { zone }), zone);
      const service = (overrides: { neverWrite?: string[] } = {}) =>
        createBackupService({
          backup: backupSettingsIn(dir, tool),
          data: {
            production: { urlEnv: 'BANTO_PROD_DATABASE_URL', url: prod.url },
            development: { urlEnv: 'BANTO_DEV_DATABASE_URL', url: scratch.url },
            neverWrite: overrides.neverWrite ?? [],
          },
          clock,
        });
      const scratchDatabases = async () =>
        ((await scratch.db.raw("show databases like 'banto\\_verify\\_%'")) as [Record<string, string>[]])[0].length;

      before(async () => {
        prod = await createTestDatabase('mariadb');
        scratch = await createTestDatabase('mariadb');
        await prod.db.schema.createTable('users', (t) => {
          t.increments('id');
          t.string('email').notNullable();
          t.text('note').nullable();
          t.binary('avatar').nullable();
        });
        await prod.db.schema.createTable('sessions', (t) => t.string('token').primary());
        // Values that could fool a reader of the dump: quotes, parentheses, backslashes, newlines, Japanese, bytes.
        const tricky = ["it's (not) a tuple", 'back\\slash), (', 'line\nbreak', '山田 太郎 (ヤマダ)', null];
        const rows = Array.from({ length: 1200 }, (_, i) => ({
          email: `user${i}@example.jp`,
          note: tricky[i % tricky.length] ?? null,
          avatar: i % 7 === 0 ? Buffer.from([0, 39, 40, 41, 92, 10, 255]) : null,
        }));
        for (let i = 0; i < rows.length; i += 500) await prod.db('users').insert(rows.slice(i, i + 500));
      });
      after(async () => {
        await prod?.drop();
        await scratch?.drop();
        rmSync(dir, { recursive: true, force: true });
      });

      it('dumps with the dump tool through gzip, counts every row, and verifies by a restore on the scratch server', async () => {
        const made = await service().run();
        assert.match(
          made.file,
          tool === 'mydumper'
            ? /^banto-banto_test_\w+-20261130T170000000Z\.mydumper$/
            : /^banto-banto_test_\w+-20261130T170000000Z\.sql\.gz$/,
        );
        assert.equal(made.engine, 'mysql');
        assert.match(made.tool.name, tool === 'mydumper' ? /^mydumper$/ : /^(mariadb-dump|mysqldump)$/);
        assert.match(made.serverVersion, /MariaDB|^\d+\.\d+/);
        assert.deepEqual(
          made.tables.map((t) => [t.name, t.rows]),
          [
            ['sessions', 0],
            ['users', 1200],
          ],
        );
        if (tool === 'auto') assert.equal(await sha256OfFile(join(dir, made.file)), made.sha256);
        const verified = await service().verify();
        assert.equal(verified.problem, undefined);
        assert.equal(verified.backup.verification?.state, 'verified');
        assert.equal(await scratchDatabases(), 0, 'the scratch database is dropped');

        // The verified backup becomes the development copy, restored by the tool's own loader.
        const rules = join(dir, 'anonymize.yml');
        writeFileSync(
          rules,
          "test_domain: example.co.jp\ntables: { users: { email: { template: 'developer+{id}@example.co.jp' } } }\ntruncate: [sessions]\n",
        );
        const refreshed = await createRefreshService({
          data: {
            production: { urlEnv: 'BANTO_PROD_DATABASE_URL', url: prod.url },
            development: { urlEnv: 'BANTO_DEV_DATABASE_URL', url: scratch.url },
            neverWrite: [],
          },
          backup: backupSettingsIn(dir, tool),
          anonymize: { file: rules },
          clock,
        }).refresh();
        assert.equal(refreshed.status, 'usable', refreshed.failures.join('; '));
        const copied = (await scratch.db('users').orderBy('id').select('id', 'email', 'note')) as {
          id: number;
          email: string;
          note: string | null;
        }[];
        assert.equal(copied.length, 1200);
        assert.equal(copied[6]!.email, `developer+${copied[6]!.id}@example.co.jp`);
        assert.deepEqual(
          copied.slice(0, 5).map((u) => u.note),
          ["it's (not) a tuple", 'back\\slash), (', 'line\nbreak', '山田 太郎 (ヤマダ)', null],
        );
      });

      it('a backup with one byte changed fails verification and is never restored', async () => {
        clock.set(DateTime.fromISO('2026-12-02T02:00', { zone }));
        const made = await service().run();
        // One byte changed: in the gzip, or in one table's file of the mydumper folder.
        const path =
          tool === 'mydumper'
            ? join(
                dir,
                made.file,
                readdirSync(join(dir, made.file)).find((n) => n.endsWith('.users.sql.gz'))!,
              )
            : join(dir, made.file);
        const bytes = readFileSync(path);
        const middle = Math.floor(bytes.length / 2);
        bytes[middle] = bytes[middle]! ^ 0xff;
        writeFileSync(path, bytes);
        const outcome = await service().verify(made.file);
        assert.match(outcome.problem ?? '', /sha256 differs/);
        assert.equal(await scratchDatabases(), 0);
        assert.deepEqual(
          readdirSync(dir).filter((n) => n.endsWith('.partial')),
          [],
        );
      });

      it('will not restore for verification on a server named in data.never_write', async () => {
        const host = new URL(scratch.url).hostname;
        const good = (await service().list()).backups.find((b) => b.backup.verification?.state === 'verified');
        await assert.rejects(service({ neverWrite: [host] }).verify(good?.backup.file), { code: 'DATA_NEVER_WRITE' });
      });
    },
  );
