import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { seedDemo } from '../../seeds/demo.js';
import { startBanto, type Banto } from '../../src/app.js';
import { parseConfig } from '../../src/config-load.js';
import { openDatabase } from '../../src/db/connect.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { createFileTransport } from '../../src/services/mail/transport.js';
import { repoRoot, testEnv } from '../helpers/banto.js';
import { createRunningClock, testNow } from '../helpers/clock.js';
import { createTestDatabase, databaseKinds } from '../helpers/databases.js';
import { createEffectsTable, effectJob, effects } from '../helpers/jobs.js';
import { reminderParams } from '../helpers/mail.js';
import { canRunMariadb, startPrivateMariadb } from '../helpers/private-mariadb.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { startLoad } from '../helpers/load.js';
import { waitFor } from '../helpers/wait.js';

const EXEC = 'U01EXEC';
const ENGINEER = 'U04ENG';
const mails = 40;

interface Setup {
  /** Where Banto connects. */
  bantoUrl: string;
  /** The test's own connection, for preparing and checking (it may go down with the outage). */
  db: Knex;
  /** Takes the database away and brings it back; resolves once it is back. `answers(n)` waits for n more answers. */
  outage(answers: (count: number) => Promise<void>): Promise<void>;
}

/**
 * Commands, a mail drain and a job due every second run while `outage`
 * happens; then: every command acknowledged, "try again" where the database
 * was needed, every audit row written once, every mail sent once, no job slot
 * run twice, and the job running again.
 */
async function driveThroughOutage(ctx: TestContext, setup: Setup): Promise<void> {
  const { db } = setup;
  await migrateLatest(db);
  await seedDemo(db, { now: testNow, zone: 'Asia/Tokyo', users: 100 });
  await createEffectsTable(db);
  const clock = createRunningClock();
  const mailDir = mkdtempSync(join(tmpdir(), 'banto-outage-mail-'));
  const effectsDb = openDatabase(setup.bantoUrl);
  const config = parseConfig({
    env: testEnv({ DATABASE_URL: setup.bantoUrl, BANTO_LOCAL_RECEIVER: 'http' }),
    cwd: repoRoot,
  });
  const banto: Banto = await startBanto({
    config,
    clock,
    logger: pino({ level: 'silent' }),
    seedIfEmpty: false,
    mailTransport: createFileTransport(mailDir),
    // A job due every second whose run writes one row for its slot, through the same way to the database.
    extraJobs: [effectJob(effectsDb, { name: 'every-second', cron: '* * * * * *' })],
  });
  try {
    await banto.mail.approveAllDrafts('test');
    const emulator = banto.emulator!;
    for (let i = 1; i <= mails; i++)
      await banto.mail.enqueue({
        template: 'payment-reminder',
        to: `m${i}@example.jp`,
        params: reminderParams,
        dedupeKey: `outage:${i}`,
      });

    const send = (i: number) =>
      i % 5 === 0
        ? emulator.sendCommand({ userId: EXEC, channelId: 'C0GENERAL', command: '/payments', text: '2026-11-30' })
        : emulator.sendCommand({ userId: ENGINEER, channelId: 'C0GENERAL', command: '/banto', text: 'whoami' });
    const load = startLoad(10, send);
    await load.answers(100, '100 answers before the outage');
    const atOutage = load.statuses.length;
    await setup.outage((count) => load.answers(count, `${count} answers while the database is away`));
    const restoredAt = clock.now().toUTC().toISO()!;
    const atRestore = load.statuses.length;
    await load.answers(100, '100 answers after it is back');
    await load.stop();
    const { statuses } = load;
    const sent = load.sent();

    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
      'every command acknowledged in time',
    );
    const tryAgain = emulator
      .callsTo('response_url')
      .filter((c) => /データベースに一時的に接続できません/.test(String(c.args.text)));
    assert.ok(tryAgain.length > 0, 'someone asking for figures heard "try again shortly"');
    // Every command reached the gate: its audit row is written once the database is back, none twice.
    await waitFor(
      `${sent} audit rows`,
      async () => {
        await banto.audit.flush().catch(() => undefined);
        return Number((await db('banto_audit').count({ n: '*' }).first())?.n) === sent;
      },
      30_000,
    );
    // The outbox recovers: every mail sent once, none twice.
    await waitFor(
      'every mail sent',
      async () =>
        Number((await db('banto_mail_outbox').where({ state: 'sent' }).count({ n: '*' }).first())?.n) === mails,
      60_000,
    );
    assert.equal(readdirSync(mailDir).filter((f) => f.endsWith('.eml')).length, mails);
    // The job runs again after the outage, and no slot ran twice. (A run cut while recording its end keeps
    // its effect; its row stays `running` until the lease marks it crashed, and its slot is not run again.)
    await waitFor('a job run after the outage', async () =>
      (await effects(db, 'every-second')).some((r) => r.slot > restoredAt),
    );
    const rows = await effects(db, 'every-second');
    assert.equal(new Set(rows.map((r) => r.slot)).size, rows.length, 'no slot ran twice');
    ctx.diagnostic(
      `${sent} commands (${atOutage} before, ${atRestore - atOutage} during, ${sent - atRestore} after the outage), ${sent} audited, ${tryAgain.length} told to try again; ${mails} mails sent once; ${rows.length} job runs`,
    );
  } finally {
    await banto.stop();
    await effectsDb.destroy();
    rmSync(mailDir, { recursive: true, force: true });
  }
}

const needsMariadb = { skip: !databaseKinds.includes('mariadb') && 'needs BANTO_TEST_MYSQL_URL' };

describe('the database goes away under load and comes back', () => {
  it(
    'MariaDB restarted (its own server, shut down and started again on the same data)',
    { skip: !canRunMariadb && 'needs mariadbd on this machine (CI installs it)' },
    async (ctx) => {
      const server = await startPrivateMariadb();
      const db = openDatabase(server.url);
      try {
        await driveThroughOutage(ctx, {
          bantoUrl: server.url,
          db,
          outage: () => server.restart(),
        });
      } finally {
        await db.destroy();
        await server.stop();
      }
    },
  );

  it('every connection cut and refused for 200 commands, as a network failure does', needsMariadb, async (ctx) => {
    const database = await createTestDatabase('mariadb');
    const url = new URL(database.url);
    const proxy = await startTcpProxy([Number(url.port)]);
    url.port = String(proxy.port);
    try {
      await driveThroughOutage(ctx, {
        bantoUrl: url.toString(),
        db: database.db,
        async outage(answers) {
          proxy.cut();
          await answers(200);
          proxy.restore();
        },
      });
    } finally {
      await proxy.close();
      await database.drop();
    }
  });
});
