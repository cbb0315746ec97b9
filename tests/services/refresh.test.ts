import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { seedDemo } from '../../seeds/demo.js';
import { createFixedClock } from '../../src/clock.js';
import type { DataSettings } from '../../src/config-data.js';
import { openDatabase } from '../../src/db/connect.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { createBackupService } from '../../src/services/backup/index.js';
import { checkHealth } from '../../src/services/health/check-health.js';
import { createRefreshService, readRefreshMark } from '../../src/services/refresh/index.js';
import { repoRoot } from '../helpers/banto.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';
import { createMailFixture, reminderParams, type MailFixture } from '../helpers/mail.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { backupSettingsIn } from '../helpers/backups.js';

const zone = 'Asia/Tokyo';
const fixedHash = '$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i';
const shippedRules = readFileSync(join(repoRoot, 'config/anonymize.yml'), 'utf8');

for (const kind of databaseKinds) {
  describe(`the development refresh (${kind})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'banto-refresh-'));
    const rulesFile = join(dir, 'anonymize.yml');
    const clock = createFixedClock(DateTime.fromISO('2026-12-01T06:00', { zone }), zone);
    let prod: TestDatabase;
    let dev: MailFixture;
    let sink: SmtpSink;
    let data: DataSettings;
    const backupSettings = backupSettingsIn(join(dir, 'backups'));
    const backups = () => createBackupService({ backup: backupSettings, data, clock });
    const refresher = (overrides: Partial<DataSettings> = {}) =>
      createRefreshService({
        data: { ...data, ...overrides },
        backup: backupSettings,
        anonymize: { file: rulesFile, secret: 'test-secret' },
        clock,
      });
    /** A fresh connection: a refreshed SQLite file is a new file under the old name. */
    const withDev = async <T>(use: (db: ReturnType<typeof openDatabase>) => Promise<T>) => {
      const db = openDatabase(dev.database.url);
      try {
        return await use(db);
      } finally {
        await db.destroy();
      }
    };

    before(async () => {
      sink = await startSmtpSink();
      prod = await createTestDatabase(kind);
      await migrateLatest(prod.db);
      await seedDemo(prod.db, { now: clock.now(), zone, users: 60, days: 40 });
      await prod.db('banto_audit').insert({
        at: '2026-11-30 01:00:00.000',
        user_id: 'U03CLERK',
        kind: 'command',
        name: '/resend-mail',
        arguments: 'taro@example.com',
        outcome: 'ok',
        latency_ms: 12,
      });
      dev = await createMailFixture(kind, { env: { SMTP_URL: sink.url } });
      data = {
        production: { urlEnv: 'BANTO_PROD_DATABASE_URL', url: prod.url },
        development: { urlEnv: 'BANTO_DEV_DATABASE_URL', url: dev.database.url },
        neverWrite: [],
      };
      writeFileSync(rulesFile, shippedRules);
      await backups().run();
      assert.equal((await backups().verify()).problem, undefined);
    });
    after(async () => {
      await dev?.close();
      await prod?.drop();
      await sink?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a failed proof leaves development marked unusable: /healthz says so and no mail leaves it', async () => {
      // The mail sender works on this database before the refresh...
      sink.clear();
      await dev.mail.enqueue({
        template: 'payment-reminder',
        to: 'a@example.jp',
        userId: '1',
        params: reminderParams,
        dedupeKey: 'before',
      });
      assert.deepEqual(await dev.mail.sender.drain(), { sent: 1, failed: 0, retrying: 0 });
      // ...then a rule that leaves real-looking addresses makes the proof fail.
      writeFileSync(rulesFile, shippedRules.replace('developer+{id}@example.co.jp', 'customer{id}@gmail.com'));
      const outcome = await refresher().refresh();
      assert.equal(outcome.status, 'unusable');
      assert.match(outcome.failures.join('\n'), /users\.email: 60 e-mail addresses outside example\.co\.jp/);
      const mark = await readRefreshMark(dev.database.db);
      assert.equal(mark?.status, 'unusable');
      assert.match(mark?.reason ?? '', /outside example\.co\.jp/);
      const health = await checkHealth({
        db: dev.database.db,
        slack: () => 'http',
        mode: 'http',
        env: 'development',
        version: 't',
      });
      assert.deepEqual([health.status, health.copy?.status], ['degraded', 'unusable']);

      const queued = await dev.mail.enqueue({
        template: 'payment-reminder',
        to: 'b@example.jp',
        userId: '2',
        params: reminderParams,
        dedupeKey: 'after',
      });
      assert.deepEqual(await dev.mail.sender.drain(), { sent: 0, failed: 0, retrying: 0 });
      const row = await dev.database.db('banto_mail_outbox').where({ id: queued.id }).first();
      assert.equal(row.state, 'queued', 'the message waits; it was not sent');
      assert.equal((await sink.messages()).length, 1, 'only the message from before the refresh arrived');
      // The copy was never put in place: development still holds its own data.
      assert.equal(
        await dev.database
          .db('users')
          .count({ n: '*' })
          .first()
          .then((r) => Number(r?.n)),
        0,
      );
    });

    it('backup, verify, refresh: every address, password and name anonymized, truncations empty, keys still join', async () => {
      writeFileSync(rulesFile, shippedRules);
      const outcome = await refresher().refresh();
      assert.deepEqual([outcome.status, outcome.failures], ['usable', []]);
      assert.deepEqual(outcome.report.truncated.includes('banto_audit'), true);
      await withDev(async (db) => {
        const users = (await db('users').orderBy('id').select('id', 'email', 'name', 'password_hash')) as {
          id: number;
          email: string;
          name: string;
          password_hash: string;
        }[];
        assert.equal(users.length, 60);
        for (const u of users) {
          assert.equal(u.email, `developer+${u.id}@example.co.jp`);
          assert.equal(u.name, `${u.id} テスト太郎`);
          assert.equal(u.password_hash, fixedHash);
        }
        for (const table of ['banto_audit', 'banto_mail_outbox', 'banto_job_runs'])
          assert.equal(Number((await db(table).count({ n: '*' }).first())?.n), 0, `${table} is empty`);
        const joined = await db('payments').join('users', 'users.id', 'payments.user_id').count({ n: '*' }).first();
        const all = await db('payments').count({ n: '*' }).first();
        assert.ok(Number(all?.n) > 0);
        assert.equal(Number(joined?.n), Number(all?.n), 'every payment still joins its user');
        assert.equal((await readRefreshMark(db))?.status, 'usable');
        const health = await checkHealth({ db, slack: () => 'http', mode: 'http', env: 'development', version: 't' });
        assert.deepEqual([health.status, health.copy?.status], ['ok', 'usable']);
      });
      const original = await prod.db('users').where({ id: 1 }).first();
      assert.doesNotMatch(original.email, /example\.co\.jp/, 'production is untouched');
    });

    it('refuses the production database and anything on data.never_write, writing nothing', async () => {
      await assert.rejects(refresher().refresh({ to: prod.url }), { code: 'REFRESH_TARGET_IS_PRODUCTION' });
      const name =
        kind === 'sqlite' ? dev.database.url.slice('sqlite:'.length) : new URL(dev.database.url).pathname.slice(1);
      await assert.rejects(refresher({ neverWrite: [name] }).refresh(), { code: 'DATA_NEVER_WRITE' });
      const noSecret = createRefreshService({ data, backup: backupSettings, anonymize: { file: rulesFile }, clock });
      await assert.rejects(noSecret.refresh(), { code: 'REFRESH_NO_SECRET', message: /BANTO_ANONYMIZE_SECRET/ });
      await withDev(async (db) => assert.equal((await readRefreshMark(db))?.status, 'usable', 'no new mark'));
    });

    it('a backup changed after its verification is never restored', async () => {
      const newest = (await backups().list()).backups[0]!.backup;
      const path = join(backupSettings.dir, newest.file);
      const original = readFileSync(path);
      const bytes = Buffer.from(original);
      bytes[100] = bytes[100]! ^ 0xff;
      writeFileSync(path, bytes);
      try {
        await assert.rejects(refresher().refresh(), { code: 'REFRESH_BACKUP_CHANGED' });
      } finally {
        writeFileSync(path, original);
      }
    });

    it('refuses a personal column without a rule (schema drift) before writing anything', async () => {
      await prod.db.schema.alterTable('users', (t) => t.string('phone', 32).nullable());
      clock.set(DateTime.fromISO('2026-12-02T06:00', { zone }));
      await backups().run();
      assert.equal((await backups().verify()).problem, undefined);
      const marks = await withDev((db) => db('banto_dev_refresh').count({ n: '*' }).first());
      await assert.rejects(refresher().refresh(), { code: 'REFRESH_UNCOVERED', message: /users\.phone/ });
      await withDev(async (db) => {
        assert.deepEqual(await db('banto_dev_refresh').count({ n: '*' }).first(), marks, 'not even a mark');
        assert.equal((await db('users').where({ id: 1 }).first()).email, 'developer+1@example.co.jp');
      });
    });
  });
}
