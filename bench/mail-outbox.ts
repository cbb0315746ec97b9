import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { createSystemClock } from '../src/clock.js';
import { type Config } from '../src/config.js';
import { parseConfig } from '../src/config-load.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateLatest } from '../src/db/migrate.js';
import { createMailService } from '../src/services/mail/index.js';
import { buildRow, enqueuePrepared, resolveVersion } from '../src/services/mail/outbox.js';
import { renderMail } from '../src/services/mail/render.js';
import { approveAllDrafts, readTemplateFiles } from '../src/services/mail/templates.js';

const root = resolve(import.meta.dirname, '..');
const messages = Number(process.env.BENCH_MESSAGES ?? 10_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = 5;
const params = { name: '佐藤 花子', plan: 'basic', amount: '¥980', due_date: '2026年12月1日(火)', when: '本日' };
const pin = spawnSync('taskset', ['-c', '0', 'true']).status === 0 ? ['taskset', '-c', '0'] : [];

async function startSink(): Promise<{ child: ChildProcess; url: string }> {
  const command = [...pin, process.execPath, '--import', 'tsx', join(root, 'bench/servers/smtp-sink.ts')];
  const child = spawn(command[0]!, command.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<string>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const found = /listening (\d+)/.exec(chunk.toString());
      if (found?.[1]) ready(found[1]);
    });
    child.once('exit', (code) => fail(new Error(`smtp-sink exited with ${code}`)));
  });
  return { child, url: `smtp://127.0.0.1:${port}` };
}

const acceptedBy = (child: ChildProcess) =>
  new Promise<number>((resolve) => {
    child.once('message', (m: { accepted: number }) => resolve(m.accepted));
    child.send('count');
  });

/** The baseline: nodemailer's pool, the same connections, the same rendered message and headers, in a plain loop. */
async function bareLoop(url: string, rendered: { subject: string; text: string; html: string }): Promise<number> {
  const transport = nodemailer.createTransport({ url, pool: true, maxConnections: connections, maxMessages: Infinity });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: messages }, (_, i) =>
      transport.sendMail({
        from: 'Banto <no-reply@banto.local>',
        to: 'developer@example.com',
        messageId: `<bare.${i}@banto.local>`,
        headers: {
          'X-Banto-Outbox-Id': String(i),
          'X-Banto-Template': 'payment-reminder v1',
          'X-Banto-Original-To': `member${i}@example.jp`,
        },
        ...rendered,
      }),
    ),
  );
  const ms = performance.now() - started;
  transport.close();
  return ms;
}

/** The outbox: 10,000 queued rows, claimed, rendered, handed over, sent and marked by the sender. */
async function throughOutbox(url: string, databaseUrl: string): Promise<{ queueMs: number; sendMs: number }> {
  const db = openDatabase(databaseUrl);
  await migrateLatest(db);
  const base = parseConfig({
    env: {
      BANTO_CONFIG: join(root, 'config/banto.yml'),
      DATABASE_URL: databaseUrl,
      SMTP_URL: url,
      LOG_LEVEL: 'silent',
    },
    cwd: root,
  });
  const config: Config = { ...base, mail: { ...base.mail, ratePerSecond: 0, connections } };
  const clock = createSystemClock(config.timezone);
  const mail = createMailService({ db, clock, logger: pino({ level: 'silent' }), config });
  await mail.importTemplates();
  await approveAllDrafts(db, 'bench', DateTime.now());
  const version = await resolveVersion(db, 'payment-reminder');
  const queueStarted = performance.now();
  const rows = Array.from({ length: messages }, (_, i) =>
    buildRow(version, { to: `member${i}@example.jp`, params, dedupeKey: `bench:${Date.now()}:${i}` }, clock.now()),
  );
  await enqueuePrepared(db, rows);
  const queueMs = performance.now() - queueStarted;
  const started = performance.now();
  const counts = await mail.sender.drain();
  const sendMs = performance.now() - started;
  if (counts.sent !== messages) throw new Error(`the outbox sent ${counts.sent} of ${messages}`);
  await mail.sender.stop();
  await db.destroy();
  return { queueMs, sendMs };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const rate = (ms: number) => Math.round((messages / ms) * 1000);

export async function benchMailOutbox(): Promise<string> {
  const { child, url } = await startSink();
  const [template] = readTemplateFiles(join(root, 'templates')).filter((t) => t.name === 'payment-reminder');
  if (!template) throw new Error('templates/payment-reminder.yml is missing');
  const rendered = renderMail(template, params);
  const targets: [string, () => string][] = [
    ['SQLite', () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'banto-bench-mail-')), 'outbox.sqlite3')}`],
  ];
  const mysql = process.env.BENCH_MYSQL_URL;
  if (mysql) targets.push(['MariaDB', () => mysql]);
  const lines: string[] = [];
  try {
    for (const [name, databaseUrl] of targets) {
      const bare: number[] = [];
      const outbox: number[] = [];
      const queue: number[] = [];
      for (let round = 0; round < rounds; round++) {
        // Alternating, so both sides see the same machine.
        bare.push(await bareLoop(url, rendered));
        const target = databaseUrl();
        const result = await throughOutbox(url, target);
        if (target.startsWith('sqlite:'))
          rmSync(resolve(target.slice('sqlite:'.length), '..'), { recursive: true, force: true });
        else {
          const db = openDatabase(target);
          await db('banto_mail_outbox').where('dedupe_key', 'like', 'bench:%').delete();
          await db.destroy();
        }
        outbox.push(result.sendMs);
        queue.push(result.queueMs);
      }
      const ratio = median(outbox) / median(bare);
      lines.push(
        `| ${name} | ${rate(median(outbox))} msg/s (${Math.round(median(outbox))} ms) | ${rate(median(bare))} msg/s (${Math.round(median(bare))} ms) | **${ratio.toFixed(2)}x** | ${Math.round(median(queue))} ms |`,
      );
    }
    const accepted = await acceptedBy(child);
    return [
      `### mail-outbox (${messages.toLocaleString('en')} messages, ${connections} pooled connections, median of ${rounds} alternating rounds)`,
      '',
      '| outbox on | outbox: claim, render, hand over, send, mark | bare nodemailer pool loop | outbox / bare | queueing the rows |',
      '|---|---|---|---|---|',
      ...lines,
      '',
      `The sink (smtp-server, pinned to core 0) accepted ${accepted.toLocaleString('en')} messages in all.`,
    ].join('\n');
  } finally {
    child.kill('SIGTERM');
  }
}
