import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDemo } from '../../seeds/demo.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/local/emulator.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { testNow } from '../helpers/clock.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';
import { spawnBanto } from '../helpers/process.js';
import { startLoad } from '../helpers/load.js';

const signingSecret = 'stop-under-load-signing-secret';

for (const kind of databaseKinds) {
  describe(`SIGTERM while 50 connections send commands (${kind})`, () => {
    let database: TestDatabase;
    let slack: SlackEmulator;
    before(async () => {
      database = await createTestDatabase(kind);
      await migrateLatest(database.db);
      await seedDemo(database.db, { now: testNow, zone: 'Asia/Tokyo', users: 50 });
      slack = await startSlackEmulator({ workspace: demoWorkspace, signingSecret, transport: 'http' });
    });
    after(async () => {
      await slack.stop();
      await database.drop();
    });

    it('answers what is in flight, audits every answered command, releases its claims and exits 0 within 10 s', async (ctx) => {
      const banto = await spawnBanto({
        DATABASE_URL: database.url,
        SLACK_BOT_TOKEN: 'xoxb-stop-test',
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.apiUrl,
      });
      slack.setTarget(`${banto.url}/slack/events`);
      // Each connection sends until it finds the port closed.
      const whoami = () =>
        slack.sendCommand({ userId: 'U04ENG', channelId: 'C0GENERAL', command: '/banto', text: 'whoami' });
      const load = startLoad(50, whoami, { untilFailed: true });
      // The positive sign that the load is running: answers coming back.
      await load.answers(300, '300 answers under load');
      banto.child.kill('SIGTERM');
      assert.equal(await banto.exited, 0, banto.output());
      await load.stop();

      const answered = load.statuses.filter((s) => s === 200).length;
      assert.deepEqual(
        load.statuses.filter((s) => s !== 200 && s !== 'failed'),
        [],
        'no answer but 200; the rest found the port closed',
      );
      const rows = await database.db('banto_audit').where({ name: '/banto whoami' }).count({ n: '*' }).first();
      // Every answered command is audited; a request cut while in flight may be audited without its answer arriving.
      const audited = Number(rows?.n);
      ctx.diagnostic(
        `${answered} answered, ${audited} audited, ${load.statuses.length - answered} refused after close`,
      );
      assert.ok(audited >= answered && audited <= answered + 50, `${audited} audited for ${answered} answered`);
      const claimed = await database.db('banto_mail_outbox').where({ state: 'sending' }).count({ n: '*' }).first();
      assert.equal(Number(claimed?.n), 0, 'no mail claim left behind');
    });
  });
}
