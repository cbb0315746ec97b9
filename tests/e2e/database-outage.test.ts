import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { seedDemo } from '../../seeds/demo.js';
import { startBanto, type Banto } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { createFileTransport } from '../../src/services/mail/transport.js';
import { repoRoot, testEnv } from '../helpers/banto.js';
import { createRunningClock, testNow } from '../helpers/clock.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';
import { createEffectsTable, effectJob, effects } from '../helpers/jobs.js';
import { reminderParams } from '../helpers/mail.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait.js';

const EXEC = 'U01EXEC';
const ENGINEER = 'U04ENG';
const mails = 40;

/**
 * MariaDB "restarts" under Banto: a proxy between them cuts every connection
 * and refuses new ones for a while, as a restart does, then lets them through
 * again. Only a server reached over TCP can be cut this way: MariaDB only.
 */
describe(
  'the database goes away under load and comes back (mariadb)',
  { skip: !databaseKinds.includes('mariadb') && 'needs BANTO_TEST_MYSQL_URL' },
  () => {
    let database: TestDatabase;
    let proxy: TcpProxy;
    let banto: Banto;
    const clock = createRunningClock();
    const mailDir = mkdtempSync(join(tmpdir(), 'banto-outage-mail-'));
    before(async () => {
      database = await createTestDatabase('mariadb');
      await migrateLatest(database.db);
      await seedDemo(database.db, { now: testNow, zone: 'Asia/Tokyo', users: 100 });
      await createEffectsTable(database.db);
      const url = new URL(database.url);
      proxy = await startTcpProxy([Number(url.port)]);
      url.port = String(proxy.port);
      const config = loadConfig({
        env: testEnv({ DATABASE_URL: url.toString(), BANTO_LOCAL_RECEIVER: 'http' }),
        cwd: repoRoot,
      });
      banto = await startBanto({
        config,
        clock,
        logger: pino({ level: 'silent' }),
        seedIfEmpty: false,
        mailTransport: createFileTransport(mailDir),
        // A job due every second, whose run writes one row for its slot (to a table reached without the proxy).
        extraJobs: [effectJob(database.db, { name: 'every-second', cron: '* * * * * *' })],
      });
      await banto.mail.approveAllDrafts('test');
    });
    after(async () => {
      await banto.stop();
      await proxy.close();
      await database.drop();
      rmSync(mailDir, { recursive: true, force: true });
    });

    it('acknowledges every command, says "try again" where the database is needed, and loses and repeats nothing', async (ctx) => {
      const emulator = banto.emulator!;
      for (let i = 1; i <= mails; i++)
        await banto.mail.enqueue({
          template: 'payment-reminder',
          to: `m${i}@example.jp`,
          params: reminderParams,
          dedupeKey: `outage:${i}`,
        });

      const statuses: number[] = [];
      let sent = 0;
      let running = true;
      const send = (i: number) =>
        i % 5 === 0
          ? emulator.sendCommand({ userId: EXEC, channelId: 'C0GENERAL', command: '/payments', text: '2026-11-30' })
          : emulator.sendCommand({ userId: ENGINEER, channelId: 'C0GENERAL', command: '/banto', text: 'whoami' });
      const loops = Array.from({ length: 10 }, async () => {
        while (running) {
          const reply = await send(sent++);
          statuses.push(reply.status);
        }
      });
      await waitFor('100 answers before the outage', () => statuses.length >= 100, 30_000);
      proxy.cut();
      const atCut = statuses.length;
      await waitFor('200 answers while the database is away', () => statuses.length >= atCut + 200, 30_000);
      const tryAgain = await emulator.waitForCall('response_url', (c) =>
        /データベースに一時的に接続できません/.test(String(c.args.text)),
      );
      assert.ok(tryAgain);
      proxy.restore();
      const restoredAt = clock.now().toUTC().toISO()!;
      const atRestore = statuses.length;
      await waitFor('100 answers after it is back', () => statuses.length >= atRestore + 100, 30_000);
      running = false;
      await Promise.all(loops);

      assert.deepEqual(
        statuses.filter((s) => s !== 200),
        [],
        'every command acknowledged in time',
      );
      // Every command reached the gate: its audit row is written once the database is back, none twice.
      const audited = await waitFor(
        `${sent} audit rows`,
        async () => {
          await banto.audit.flush().catch(() => undefined);
          const row = await database.db('banto_audit').count({ n: '*' }).first();
          return Number(row?.n) === sent ? Number(row?.n) : undefined;
        },
        30_000,
      );
      // The outbox recovers: every mail sent once, none twice.
      await waitFor(
        'every mail sent',
        async () =>
          (await database.db('banto_mail_outbox').where({ state: 'sent' }).count({ n: '*' }).first())?.n == mails,
        60_000,
      );
      assert.equal(readdirSync(mailDir).filter((f) => f.endsWith('.eml')).length, mails);
      // The job runs again after the outage, and no slot ran twice. (A run cut while recording its end keeps
      // its effect; its row is left `running` until the lease marks it crashed, and its slot is not run again.)
      await waitFor('a job run after the outage', async () =>
        (await effects(database.db, 'every-second')).some((r) => r.slot > restoredAt),
      );
      const rows = await effects(database.db, 'every-second');
      assert.equal(new Set(rows.map((r) => r.slot)).size, rows.length, 'no slot ran twice');
      ctx.diagnostic(
        `${sent} commands (${atCut} before, ${atRestore - atCut} during, ${sent - atRestore} after the outage), ${audited} audited; ${mails} mails sent once; ${rows.length} job runs`,
      );
    });
  },
);
