import knex from 'knex';
import { DateTime } from 'luxon';
import mysql from 'mysql2/promise';
import { defaultBillingSchema } from '../src/config-file.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateLatest } from '../src/db/migrate.js';
import { createPeriodSummarizer } from '../src/services/payments/summarize.js';
import type { Period } from '../src/services/payments/period.js';

const rows = Number(process.env.BENCH_PAYMENTS ?? 2_000_000);
const zone = 'Asia/Tokyo';

/** Fills payments with `rows` rows over 400 days in one INSERT … SELECT from MariaDB's sequence engine. */
async function fill(db: ReturnType<typeof openDatabase>) {
  await db.raw(`INSERT INTO users (id, email, name, password_hash, plan, created_at)
    SELECT seq, CONCAT('u', seq, '@example.com'), CONCAT('user ', seq), 'x', 'paid', '2025-01-01' FROM seq_1_to_20000`);
  await db.raw(`INSERT INTO subscriptions (id, user_id, plan, amount, status, next_payment_date)
    SELECT seq, seq, ELT(1 + seq % 3, 'basic', 'standard', 'premium'), ELT(1 + seq % 3, 980, 1980, 4980), 'active', '2026-12-01' FROM seq_1_to_20000`);
  await db.raw(`INSERT INTO payments (user_id, subscription_id, amount, currency, status, paid_at, due_date)
    SELECT 1 + seq % 20000, 1 + seq % 20000, ELT(1 + seq % 3, 980, 1980, 4980), 'JPY',
      CASE WHEN seq % 25 = 0 THEN 'failed' WHEN seq % 97 = 0 THEN 'refunded' ELSE 'succeeded' END,
      TIMESTAMPADD(SECOND, seq * 17 % (400 * 86400), '2025-10-01 00:00:00'),
      DATE(TIMESTAMPADD(SECOND, seq * 17 % (400 * 86400), '2025-10-01 00:00:00'))
    FROM seq_1_to_${rows}`);
  await db.raw('ANALYZE TABLE payments, subscriptions');
}

function day(iso: string): Period {
  const start = DateTime.fromISO(iso, { zone });
  return { kind: 'day', start, end: start.plus({ days: 1 }), label: iso };
}

function month(iso: string): Period {
  const start = DateTime.fromISO(`${iso}-01`, { zone });
  return { kind: 'month', start, end: start.plus({ months: 1 }), label: iso };
}

const utc = (dt: DateTime) => dt.toUTC().toFormat('yyyy-MM-dd HH:mm:ss.SSS');

/** The same figures as `summarize`, written by hand and sent straight through mysql2. */
async function rawSummary(conn: mysql.Connection, period: Period, previous: Period, lastWeek: Period | undefined) {
  const [from, to] = [utc(period.start), utc(period.end)];
  const totals = (p: Period) =>
    conn.query(
      'SELECT status, COUNT(*) n, SUM(amount) total FROM payments WHERE paid_at >= ? AND paid_at < ? GROUP BY status',
      [utc(p.start), utc(p.end)],
    );
  await Promise.all([
    totals(period),
    conn.query(
      "SELECT COUNT(*) n, SUM(amount) total FROM payments WHERE status = 'pending' AND due_date >= ? AND due_date < ?",
      [period.start.toISODate(), period.end.toISODate()],
    ),
    conn.query(
      "SELECT s.plan, COUNT(*) n, SUM(p.amount) total FROM payments p JOIN subscriptions s ON s.id = p.subscription_id WHERE p.paid_at >= ? AND p.paid_at < ? AND p.status = 'succeeded' GROUP BY s.plan ORDER BY s.plan",
      [from, to],
    ),
    conn.query(
      `SELECT SUM(CASE WHEN EXISTS (SELECT 1 FROM payments e WHERE e.subscription_id = p.subscription_id AND e.status = 'succeeded' AND e.paid_at < p.paid_at) THEN 0 ELSE 1 END) new_n,
              SUM(CASE WHEN EXISTS (SELECT 1 FROM payments e WHERE e.subscription_id = p.subscription_id AND e.status = 'succeeded' AND e.paid_at < p.paid_at) THEN 0 ELSE p.amount END) new_total,
              COUNT(*) n, SUM(p.amount) total
       FROM payments p WHERE p.paid_at >= ? AND p.paid_at < ? AND p.status = 'succeeded'`,
      [from, to],
    ),
    totals(previous),
    lastWeek ? totals(lastWeek) : undefined,
    period.kind === 'day' ? rawPaymentDay(conn, period) : undefined,
  ]);
}

/** Expected against paid for a business day whose charges cover the nominal dates [from, to) (here: the weekend before it too). */
async function rawPaymentDay(conn: mysql.Connection, period: Period) {
  const from = period.start.minus({ days: 2 }).toISODate();
  const to = period.end.toISODate();
  await conn.query(
    `SELECT COUNT(*) n, SUM(s.amount) total FROM subscriptions s
     WHERE EXISTS (SELECT 1 FROM payments d WHERE d.subscription_id = s.id AND d.due_date >= ? AND d.due_date < ?)
        OR (s.status = 'active' AND s.next_payment_date >= ? AND s.next_payment_date < ?)`,
    [from, to, from, to],
  );
  await conn.query(
    "SELECT COUNT(*) n, SUM(p.amount) total FROM payments p WHERE p.status = 'succeeded' AND p.due_date >= ? AND p.due_date < ?",
    [from, to],
  );
  await conn.query(
    `SELECT DISTINCT p.user_id user FROM payments p WHERE p.status = 'failed' AND p.due_date >= ? AND p.due_date < ?
       AND NOT EXISTS (SELECT 1 FROM payments ok WHERE ok.subscription_id = p.subscription_id AND ok.status = 'succeeded' AND ok.due_date >= ? AND ok.due_date < ?)
     ORDER BY user`,
    [from, to, from, to],
  );
}

async function medianMs(times: number, run: () => Promise<unknown>): Promise<number> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

/** Day and month summaries over 2,000,000 payments on MariaDB, next to the same SQL by hand and to the single raw aggregate. */
export async function benchPaymentsSummary(): Promise<string> {
  const server = process.env.BANTO_BENCH_MYSQL_URL ?? process.env.BANTO_TEST_MYSQL_URL;
  if (!server)
    return '### payments-summary\n\nskipped: set BANTO_BENCH_MYSQL_URL (or BANTO_TEST_MYSQL_URL) to a MariaDB server';
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
    const filled = performance.now();
    await fill(db);
    const fillSeconds = (performance.now() - filled) / 1000;
    const summarizer = createPeriodSummarizer(db, defaultBillingSchema, 'next');
    const cases = [
      {
        label: 'day 2026-06-15',
        period: day('2026-06-15'),
        previous: day('2026-06-14'),
        lastWeek: day('2026-06-08'),
        times: 21,
      },
      { label: 'month 2026-06', period: month('2026-06'), previous: month('2026-05'), lastWeek: undefined, times: 5 },
    ];
    const lines: string[] = [];
    for (const c of cases) {
      const banto = await medianMs(c.times, () => summarizer.summarize(c.period));
      const raw = await medianMs(c.times, () => rawSummary(conn, c.period, c.previous, c.lastWeek));
      const single = await medianMs(c.times, () =>
        conn.query(
          "SELECT COUNT(*) n, SUM(amount) total FROM payments WHERE paid_at >= ? AND paid_at < ? AND status = 'succeeded'",
          [utc(c.period.start), utc(c.period.end)],
        ),
      );
      lines.push(
        `| ${c.label} | ${banto.toFixed(1)} | ${raw.toFixed(1)} | **${(banto / raw).toFixed(2)}x** | ${single.toFixed(1)} |`,
      );
    }
    return [
      `### Billing summaries over ${rows.toLocaleString('en')} payments on MariaDB (filled in ${fillSeconds.toFixed(0)} s; median of 21 day / 5 month runs)`,
      '',
      "| period | Banto's summary (knex): ms | the same SQL by hand (mysql2): ms | Banto / by hand | one raw count+sum of succeeded: ms |",
      '|---|---|---|---|---|',
      ...lines,
    ].join('\n');
  } finally {
    await conn.end();
    await db.destroy();
    await admin.raw(`DROP DATABASE \`${name}\``);
    await admin.destroy();
  }
}
