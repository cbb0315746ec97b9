import knex from 'knex';
import { DateTime } from 'luxon';
import mysql from 'mysql2/promise';
import { createFixedClock } from '../src/clock.js';
import { defaultBillingSchema } from '../src/config-file.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateLatest } from '../src/db/migrate.js';
import { createPaymentsService, type PaymentsService, type Period } from '../src/services/payments/index.js';

const sizes = (process.env.BENCH_PAYMENTS ?? '2000000,20000000').split(',').map(Number);
const zone = 'Asia/Tokyo';
/** The data covers 400 days from 2025-10-01 up to "now", noon of the last one. */
const now = DateTime.fromISO('2026-11-04T12:00:00', { zone });
const dataStart = DateTime.fromISO('2025-10-01T00:00:00', { zone });
const span = Math.floor(now.diff(dataStart).as('seconds'));

/**
 * Fills `rows` payments over 400 days (one subscription per 100 payments) from MariaDB's sequence engine, in chunks.
 * Ids follow time, as a web app's auto-increment ids do when it writes a payment as it is charged.
 */
async function fill(db: ReturnType<typeof openDatabase>, rows: number) {
  const people = Math.max(1000, Math.floor(rows / 100));
  await db.raw(`INSERT INTO users (id, email, name, password_hash, plan, created_at)
    SELECT seq, CONCAT('u', seq, '@example.com'), CONCAT('user ', seq), 'x', 'paid', '2025-01-01' FROM seq_1_to_${people}`);
  await db.raw(`INSERT INTO subscriptions (id, user_id, plan, amount, status, next_payment_date)
    SELECT seq, seq, ELT(1 + seq % 3, 'basic', 'standard', 'premium'), ELT(1 + seq % 3, 980, 1980, 4980), 'active', '2026-12-01' FROM seq_1_to_${people}`);
  const chunk = 2_000_000;
  for (let from = 1; from <= rows; from += chunk) {
    const to = Math.min(rows, from + chunk - 1);
    await db.raw(`INSERT INTO payments (user_id, subscription_id, amount, currency, status, paid_at, due_date)
      SELECT 1 + seq % ${people}, 1 + seq % ${people}, ELT(1 + seq % 3, 980, 1980, 4980), 'JPY',
        CASE WHEN seq % 25 = 0 THEN 'failed' WHEN seq % 97 = 0 THEN 'refunded' WHEN seq % 211 = 0 THEN 'pending' ELSE 'succeeded' END,
        CASE WHEN seq % 211 = 0 AND seq % 25 <> 0 AND seq % 97 <> 0 THEN NULL
             ELSE TIMESTAMPADD(SECOND, (seq - 1) * ${span} DIV ${rows}, '2025-09-30 15:00:00') END,
        DATE(TIMESTAMPADD(SECOND, (seq - 1) * ${span} DIV ${rows} + 9 * 3600, '2025-09-30 15:00:00'))
      FROM seq_${from}_to_${to}`);
  }
  await db.raw('ANALYZE TABLE payments, subscriptions');
}

const utc = (dt: DateTime) => dt.toUTC().toFormat('yyyy-MM-dd HH:mm:ss.SSS');

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

async function medianMs(times: number, run: () => Promise<unknown>): Promise<number> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push((await timed(run)).ms);
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

function periodOf(service: PaymentsService, text: string): Period {
  const parsed = service.parsePeriod(text);
  if ('problem' in parsed) throw new Error(`${text}: ${parsed.problem}`);
  return parsed.period;
}

/** One size: fill, rebuild, refreshes, then each summary against the single raw aggregate of its period. */
async function benchSize(server: URL, rows: number): Promise<string[]> {
  const url = new URL(server);
  const name = `banto_bench_payments_${process.pid}`;
  const connection = {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
  const admin = knex({ client: 'mysql2', connection });
  await admin.raw(`CREATE DATABASE \`${name}\``);
  url.pathname = `/${name}`;
  const db = openDatabase(url.toString());
  const conn = await mysql.createConnection({ ...connection, database: name, timezone: 'Z', dateStrings: true });
  try {
    await migrateLatest(db);
    const filled = await timed(() => fill(db, rows));
    const service = createPaymentsService({
      db,
      clock: createFixedClock(now, zone),
      schema: defaultBillingSchema,
      paymentDayRule: 'next',
    });
    const rebuild = await timed(() => service.rebuildRollups({}));
    const idle = await timed(() => service.refreshRollups());
    // 1,000 old payments change (refunds, spread over the look-back window's closed days).
    const old = (await db('payments')
      .where('paid_at', '>=', utc(now.startOf('day').minus({ days: 59 })))
      .andWhere('paid_at', '<', utc(now.startOf('day')))
      .andWhere({ status: 'succeeded' })
      .whereRaw('id % 97 = 13')
      .limit(1000)
      .pluck('id')) as number[];
    await db('payments').whereIn('id', old).update({ status: 'refunded' });
    const changed = await timed(() => service.refreshRollups());
    const raw = (p: Period) =>
      conn.query(
        "SELECT COUNT(*) n, SUM(amount) total FROM payments WHERE paid_at >= ? AND paid_at < ? AND status = 'succeeded'",
        [utc(p.start), utc(p.end)],
      );
    const cases = [
      { label: 'day 2026-06-15', text: '2026-06-15', times: 21 },
      { label: 'month 2026-06', text: '2026-06', times: 11 },
      { label: 'year 2025-11-04..2026-11-03 (closed days)', text: '2025-11-04..2026-11-03', times: 5 },
      { label: 'today (rolled to 11:55, checked, the rest live)', text: 'today', times: 11 },
      { label: 'last 365 days with today', text: '2025-11-05..2026-11-04', times: 5 },
    ];
    const lines: string[] = [];
    for (const c of cases) {
      const period = periodOf(service, c.text);
      const summary = await medianMs(c.times, () => service.summarize(period));
      const single = await medianMs(c.times, () => raw(period));
      lines.push(
        `| ${rows.toLocaleString('en')} | ${c.label} | ${summary.toFixed(1)} | ${single.toFixed(1)} | ${(summary / single).toFixed(2)}x |`,
      );
    }
    // A payment of this morning refunded after the refresh: today's rolled part no longer matches, all of it is live.
    await db('payments')
      .where('paid_at', '>=', utc(now.startOf('day').plus({ hours: 9 })))
      .andWhere({ status: 'succeeded' })
      .orderBy('paid_at')
      .limit(1)
      .update({ status: 'refunded' });
    const today = periodOf(service, 'today');
    lines.push(
      `| ${rows.toLocaleString('en')} | today, a payment refunded since the refresh (all live) | ${(await medianMs(11, () => service.summarize(today))).toFixed(1)} | ${(await medianMs(11, () => raw(today))).toFixed(1)} | |`,
    );
    const s = (ms: number) => (ms / 1000).toFixed(1);
    lines.push(
      '',
      `${rows.toLocaleString('en')} payments: filled in ${s(filled.ms)} s; full rebuild ${s(rebuild.ms)} s (${rebuild.value.days} days, ${rebuild.value.firsts.toLocaleString('en')} first payments); refresh with nothing changed ${s(idle.ms)} s (${idle.value.checked} days checked); refresh after ${old.length.toLocaleString('en')} old payments changed ${s(changed.ms)} s (${changed.value.rolled.paid} paid days rolled).`,
    );
    return lines;
  } finally {
    await conn.end();
    await db.destroy();
    await admin.raw(`DROP DATABASE \`${name}\``);
    await admin.destroy();
  }
}

/** Summaries over 2M and 20M payments on MariaDB, read from the rollups, next to the single raw aggregate of the same period. */
export async function benchPaymentsSummary(): Promise<string> {
  const server = process.env.BANTO_BENCH_MYSQL_URL ?? process.env.BANTO_TEST_MYSQL_URL;
  if (!server)
    return '### payments-summary\n\nskipped: set BANTO_BENCH_MYSQL_URL (or BANTO_TEST_MYSQL_URL) to a MariaDB server';
  const table: string[] = [];
  const notes: string[] = [];
  for (const rows of sizes) {
    const lines = await benchSize(new URL(server), rows);
    const at = lines.indexOf('');
    table.push(...lines.slice(0, at));
    notes.push(...lines.slice(at + 1));
  }
  return [
    '### Billing summaries from the rollups on MariaDB (median ms), against one raw count+sum of the same period',
    '',
    '| payments | period | Banto summary: ms | one raw count(*)/sum(amount) of succeeded: ms | summary / raw |',
    '|---|---|---|---|---|',
    ...table,
    '',
    ...notes.map((n) => `- ${n}`),
  ].join('\n');
}
