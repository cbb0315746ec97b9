import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { enqueuePrepared, prepareMail } from '../../src/services/mail/outbox.js';
import { toDbTime } from '../../src/db/time.js';
import { demoConfigPath, repoRoot } from '../helpers/banto.js';
import { databaseKinds } from '../helpers/databases.js';
import { createMailFixture, reminderParams, type MailFixture } from '../helpers/mail.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'banto-mail-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The demo config with a short claim lease and no rate limit, for a sender process. */
function writeConfig(): string {
  const config = parse(readFileSync(demoConfigPath, 'utf8')) as { mail: Record<string, unknown> };
  config.mail = { ...config.mail, lease_seconds: 2, rate_per_second: 0 };
  const path = join(dir, 'banto.yml');
  writeFileSync(path, stringify(config));
  return path;
}

function startDrain(f: MailFixture, sink: SmtpSink) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && !/^(SLACK_|BANTO_|DATABASE_URL|PORT|SMTP_URL)/.test(e[0]),
    ),
  );
  return spawn(process.execPath, [join(repoRoot, 'bin/banto.js'), 'mail', 'drain'], {
    cwd: repoRoot,
    env: { ...env, DATABASE_URL: f.database.url, SMTP_URL: sink.url, BANTO_CONFIG: writeConfig(), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function queueMany(f: MailFixture, count: number) {
  const rows = [];
  for (let i = 1; i <= count; i++)
    rows.push(
      await prepareMail(
        f.database.db,
        { template: 'payment-reminder', to: `member${i}@example.jp`, params: reminderParams, dedupeKey: `crash:${i}` },
        f.clock.now(),
      ),
    );
  // The fixture's clock is pinned; the sender process runs on the real one.
  for (const row of rows) row.next_attempt_at = toDbTime(Date.now() - 60_000);
  assert.equal(await enqueuePrepared(f.database.db, rows), count);
}

for (const kind of databaseKinds) {
  describe(`mail outbox: crash and outage (${kind})`, () => {
    it('a sender killed with SIGKILL mid-batch, then restarted: every message arrives exactly once', async () => {
      const sink = await startSmtpSink();
      const f = await createMailFixture(kind, { env: { SMTP_URL: sink.url } });
      try {
        await queueMany(f, 1000);
        const first = startDrain(f, sink);
        await sink.waitForCount(150, 60_000);
        first.kill('SIGKILL');
        await new Promise((resolve) => first.once('exit', resolve));
        const arrivedBeforeKill = sink.count();
        assert.ok(arrivedBeforeKill < 1000, `the kill came too late to test anything (${arrivedBeforeKill} arrived)`);
        // Claims of the killed sender run out after lease_seconds (2 s), on the system clock the sender used;
        // the sign to go on is that no claim in the table still holds (then a new drain reconciles them all).
        await waitFor("the killed sender's claims to run out", async () => {
          const held = await f.database
            .db('banto_mail_outbox')
            .where('state', 'sending')
            .andWhere('lease_until', '>=', toDbTime(Date.now()))
            .count({ n: '*' })
            .first();
          return Number(held?.n) === 0;
        });
        const second = startDrain(f, sink);
        let output = '';
        second.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        second.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const code = await new Promise((resolve) => second.once('exit', resolve));
        assert.equal(code, 0, output);
        // The drain exited once every message had its 250, and the sink records a message before it answers: all are counted.
        const seen = new Map<string, number>();
        for (const id of sink.outboxIds()) seen.set(id, (seen.get(id) ?? 0) + 1);
        const duplicates = [...seen.values()].filter((n) => n > 1).length;
        const ids = (await f.database.db('banto_mail_outbox').select('id', 'state')) as { id: number; state: string }[];
        const losses = ids.filter((row) => !seen.has(String(row.id))).length;
        assert.deepEqual(
          { duplicates, losses, received: sink.count() },
          { duplicates: 0, losses: 0, received: 1000 },
          `killed after ${arrivedBeforeKill}; second run: ${output}`,
        );
        assert.deepEqual([...new Set(ids.map((r) => r.state))], ['sent']);
      } finally {
        await f.close();
        await sink.close();
      }
    });

    it('while the SMTP server is down messages stay queued, are retried, and arrive once it is back', async () => {
      const probe = await startSmtpSink();
      const port = probe.port;
      await probe.close();
      const f = await createMailFixture(kind, { env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
      let sink: SmtpSink | undefined;
      try {
        for (let i = 1; i <= 5; i++)
          await f.mail.enqueue({
            template: 'payment-reminder',
            to: `m${i}@example.jp`,
            params: reminderParams,
            dedupeKey: `outage:${i}`,
          });
        assert.deepEqual(await f.mail.sender.drain(), { sent: 0, failed: 0, retrying: 5 });
        const waiting = (await f.database.db('banto_mail_outbox').select('state', 'attempts', 'last_error')) as {
          state: string;
          attempts: number;
          last_error: string;
        }[];
        assert.equal(waiting.length, 5);
        assert.ok(
          waiting.every(
            (r) =>
              r.state === 'queued' && Number(r.attempts) === 1 && /ECONNREFUSED|ECONNECTION|ESOCKET/.test(r.last_error),
          ),
          JSON.stringify(waiting),
        );
        f.clock.set(f.clock.now().plus({ seconds: 61 }));
        assert.deepEqual(await f.mail.sender.drain(), { sent: 0, failed: 0, retrying: 5 });
        sink = await startSmtpSink({ port });
        f.clock.set(f.clock.now().plus({ seconds: 121 }));
        assert.deepEqual(await f.mail.sender.drain(), { sent: 5, failed: 0, retrying: 0 });
        await sink.waitForCount(5);
        assert.deepEqual((await sink.messages()).map((m) => m.headers.get('x-banto-original-to')).sort(), [
          'm1@example.jp',
          'm2@example.jp',
          'm3@example.jp',
          'm4@example.jp',
          'm5@example.jp',
        ]);
      } finally {
        await f.close();
        await sink?.close();
      }
    });

    it('reconciles what a stopped sender left in sending: not handed over is sent, handed over is not sent again', async () => {
      const sink = await startSmtpSink();
      const f = await createMailFixture(kind, { env: { SMTP_URL: sink.url } });
      try {
        const before = await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'a@example.jp',
          params: reminderParams,
          dedupeKey: 'r:1',
        });
        const handed = await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'b@example.jp',
          params: reminderParams,
          dedupeKey: 'r:2',
        });
        const stale = toDbTime(f.clock.now().minus({ seconds: 5 }));
        await f.database
          .db('banto_mail_outbox')
          .where({ id: before.id })
          .update({ state: 'sending', claim_token: 'dead', lease_until: stale, attempts: 1 });
        await f.database
          .db('banto_mail_outbox')
          .where({ id: handed.id })
          .update({ state: 'sending', claim_token: 'dead', lease_until: stale, attempts: 1, handed_over_at: stale });
        assert.deepEqual(await f.mail.sender.drain(), { sent: 1, failed: 0, retrying: 0 });
        await sink.waitForCount(1);
        assert.deepEqual(sink.outboxIds(), [String(before.id)]);
        const taken = await f.mail.find(handed.id);
        assert.equal(taken?.state, 'sent');
        assert.match(taken?.lastError ?? '', /taken as sent, not sent again/);
        // The drain is over and the sink records before it answers 250: a second message would be counted by now.
        assert.equal(sink.count(), 1);
      } finally {
        await f.close();
        await sink.close();
      }
    });
  });
}
