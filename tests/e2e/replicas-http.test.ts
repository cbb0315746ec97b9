import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { seedDemo } from '../../seeds/demo.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/local/emulator.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { repoRoot } from '../helpers/banto.js';
import { testNow } from '../helpers/clock.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';
import { createEffectsTable, effects } from '../helpers/jobs.js';
import { reminderParams } from '../helpers/mail.js';
import { cleanEnv } from '../helpers/process.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { startLoad } from '../helpers/load.js';
import { waitFor } from '../helpers/wait.js';

const signingSecret = 'replicas-signing-secret-0123';
const apiToken = 'replicas-api-token-0123456789';
const webhookSecret = 'whsec_replicas_0123456789';
const mails = 60;
const refunds = 30;

interface Replica {
  child: ChildProcess;
  port: number;
  exited: Promise<unknown>;
}

async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const script = join(repoRoot, 'tests/helpers/http-replica.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, name], { cwd: repoRoot, env: cleanEnv(env) });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = await waitFor(
    `${name} to be ready`,
    () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${out}`);
      return /ready (\S+)/.exec(out)?.[1];
    },
    60_000,
  );
  return { child, port: Number(new URL(url).port), exited };
}

describe(
  'three replicas in HTTP mode behind a round-robin proxy, one killed mid-load (mariadb)',
  { skip: !databaseKinds.includes('mariadb') && 'needs BANTO_TEST_MYSQL_URL' },
  () => {
    let database: TestDatabase;
    let slack: SlackEmulator;
    let sink: SmtpSink;
    let proxy: TcpProxy;
    let replicas: Replica[] = [];
    before(async () => {
      database = await createTestDatabase('mariadb');
      await migrateLatest(database.db);
      await seedDemo(database.db, { now: testNow, zone: 'Asia/Tokyo', users: 100 });
      await createEffectsTable(database.db);
      slack = await startSlackEmulator({ workspace: demoWorkspace, signingSecret, transport: 'http' });
      sink = await startSmtpSink();
      const env = {
        DATABASE_URL: database.url,
        SLACK_BOT_TOKEN: 'xoxb-replicas',
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.apiUrl,
        BANTO_API_TOKEN: apiToken,
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        SMTP_URL: sink.url,
        PORT: '0',
      };
      replicas = await Promise.all(['r1', 'r2', 'r3'].map((name) => startReplica(name, env)));
      // The replicas imported the templates as drafts: approved here, as an executive would.
      await database.db('banto_mail_templates').update({ state: 'approved', decided_by: 'test' });
      proxy = await startTcpProxy(replicas.map((r) => r.port));
      slack.setTarget(`http://127.0.0.1:${proxy.port}/slack/events`);
    });
    after(async () => {
      for (const r of replicas) r.child.kill('SIGTERM');
      await Promise.all(replicas.map((r) => r.exited));
      await proxy.close();
      await sink.close();
      await slack.stop();
      await database.drop();
    });

    it('audits every command, sends every mail and runs every job slot once, and the survivors finish the killed one’s work', async (ctx) => {
      let presses = 0;
      // A web app that retries a mail request until it is taken: the same dedupe key each time.
      const queueMail = async (i: number) => {
        for (;;) {
          try {
            const response = await fetch(`http://127.0.0.1:${proxy.port}/api/mail`, {
              method: 'POST',
              headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({
                template: 'payment-reminder',
                to: `r${i}@example.jp`,
                params: reminderParams,
                dedupeKey: `replicas:${i}`,
              }),
            });
            if (response.ok) return;
          } catch {
            // cut by the kill: try again, as a web app does
          }
        }
      };
      // Stripe, which sends an event until it gets a 2xx: a refund of a different amount each.
      const sendRefund = async (i: number) => {
        const payload = JSON.stringify({
          id: `evt_replicas_${i}`,
          object: 'event',
          type: 'charge.refunded',
          created: Math.floor(testNow.toSeconds()),
          data: { object: { id: `ch_${i}`, amount_refunded: 10_000 + i, currency: 'jpy', customer: `cus_${i}` } },
        });
        for (;;) {
          try {
            const response = await fetch(`http://127.0.0.1:${proxy.port}/webhooks/stripe`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }),
              },
              body: payload,
            });
            if (response.ok) return;
          } catch {
            // cut by the kill: Stripe tries again
          }
        }
      };
      // Every fourth request a button press, the rest commands; a request cut by the kill counts as failed.
      const send = (i: number) =>
        i % 4 === 0
          ? (presses++,
            slack.pressButton({
              userId: 'U04ENG',
              actionId: 'jobs_run_now',
              value: 'no-such-job',
              channelId: 'C0GENERAL',
            }))
          : slack.sendCommand({ userId: 'U04ENG', channelId: 'C0GENERAL', command: '/banto', text: 'whoami' });
      const load = startLoad(20, send);
      const mailWork = (async () => {
        for (let i = 1; i <= mails; i++) await queueMail(i);
      })();
      const webhookWork = (async () => {
        for (let i = 1; i <= refunds; i++) await sendRefund(i);
      })();
      await load.answers(300, '300 answers through the proxy');
      replicas[0]!.child.kill('SIGKILL');
      await replicas[0]!.exited;
      const slotsBeforeKill = (await effects(database.db, 'every-second')).length;
      await load.answers(300, '300 more answers from the two left');
      await mailWork;
      await webhookWork;
      await load.stop();
      const { statuses } = load;

      const answered = statuses.filter((s) => s === 200).length;
      assert.deepEqual(
        statuses.filter((s) => s !== 200 && s !== 'failed'),
        [],
        'no answer but 200',
      );
      // Every mail the web app handed over is queued once and sent once; the killed replica's claims expire to the others.
      await sink.waitForCount(mails, 60_000);
      const ids = sink.outboxIds();
      assert.equal(new Set(ids).size, mails, 'every mail delivered');
      assert.equal((await database.db('banto_mail_outbox').count({ n: '*' }).first())?.n, mails, 'queued once each');
      // Every refund stored once and posted to the billing channel once; one the killed replica stored but had
      // not posted goes out with a survivor's provider-events job once its claim runs out.
      assert.equal(
        (await database.db('banto_provider_events').count({ n: '*' }).first())?.n,
        refunds,
        'stored once each',
      );
      await waitFor(
        'every refund posted',
        async () =>
          Number(
            (await database.db('banto_provider_events').where({ post_state: 'posted' }).count({ n: '*' }).first())?.n,
          ) === refunds,
        150_000,
      );
      const refundPosts = slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === 'C0BILLING' && c.response.ok === true)
        .map((c) => /¥10,0(\d\d)/.exec(String(c.args.text))?.[1]);
      assert.deepEqual(
        refundPosts.map(Number).sort((a, b) => a - b),
        Array.from({ length: refunds }, (_, i) => i + 1),
        'each refund posted once',
      );
      // Every job slot ran once, whichever replica claimed it.
      // Which replica claims a slot is a race, so the test does not ask for a spread; it asks that the job goes on
      // after the kill, on a survivor.
      const rows = await waitFor(
        'a survivor to run a slot after the kill',
        async () => {
          const all = await effects(database.db, 'every-second');
          return all.slice(slotsBeforeKill).some((r) => r.host !== 'r1') ? all : undefined;
        },
        30_000,
      );
      assert.equal(new Set(rows.map((r) => r.slot)).size, rows.length, 'no slot ran twice');
      // Every answered command is audited once by the replica that answered it. The killed one can lose what was
      // still in its 20-ms audit batch: at most one request per connection.
      const audited = await waitFor(
        'the survivors’ audit rows',
        async () => {
          const row = await database.db('banto_audit').count({ n: '*' }).first();
          return Number(row?.n) >= answered - 20 ? Number(row?.n) : undefined;
        },
        30_000,
      );
      const cut = statuses.length - answered;
      assert.ok(audited <= answered + cut, `${audited} audited for ${answered} answered and ${cut} cut`);
      ctx.diagnostic(
        `${answered} answered (${presses} button presses), ${cut} cut by the kill, ${audited} audited; ${mails} mails sent once (${ids.length} deliveries); ${rows.length} job slots from ${new Set(rows.map((r) => r.host)).size} replicas; connections per replica ${proxy.connectionsPerTarget().join('/')}`,
      );
    });
  },
);
