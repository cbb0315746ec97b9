import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import knex from 'knex';
import { Duration } from 'luxon';
import cron from 'node-cron';
import { pino } from 'pino';
import { createSystemClock } from '../src/clock.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateLatest } from '../src/db/migrate.js';
import { createLogNotifier } from '../src/notifier/log.js';
import { createJobAlerts } from '../src/schedules/job-alerts.js';
import { createJobRunner } from '../src/schedules/runner.js';
import { createAlerts } from '../src/services/alerts/alerts.js';
import { claimSlot, finishRun } from '../src/services/jobs/job-runs.js';

const runs = 2_000;
const lease = Duration.fromObject({ seconds: 30 });

async function timeUs(n: number, step: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await step(-1 - i); // warm-up
  const started = performance.now();
  for (let i = 0; i < n; i++) await step(i);
  return ((performance.now() - started) * 1000) / n;
}

async function measure(db: Knex) {
  await migrateLatest(db);
  const clock = createSystemClock('Asia/Tokyo');
  const base = clock.now().startOf('day');
  const logger = pino({ level: 'silent' });
  const claimFinish = await timeUs(runs, async (i) => {
    const id = await claimSlot(db, {
      job: 'bench',
      slot: base.plus({ seconds: i + 100 }),
      trigger: 'schedule',
      host: 'bench',
      now: clock.now(),
      lease,
    });
    await finishRun(db, id!, { status: 'succeeded', finishedAt: clock.now(), durationMs: 0 });
  });
  const runner = createJobRunner(
    {
      db,
      clock,
      logger,
      hooks: createJobAlerts({
        alerts: createAlerts({ db, notifier: createLogNotifier(logger), clock, logger }),
        locale: 'en',
        logger,
      }),
      host: 'bench',
    },
    [
      {
        name: 'noop',
        cron: '0 0 0 1 1 *',
        timeout: lease,
        retry: { attempts: 1, backoff: lease },
        catchUp: { policy: 'none' },
        run: async () => undefined,
      },
    ],
    'Asia/Tokyo',
  );
  const fullRun = await timeUs(runs, () => runner.runNow('noop', 'bench'));
  return { claimFinish, fullRun };
}

/** What the database coordinator adds to each run, next to node-cron's own tick. */
export async function benchJobCoordinator(): Promise<string> {
  const task = cron.createTask('* * * * * *', () => undefined, { name: 'bare' });
  const bareTick = await timeUs(runs * 5, () => task.execute());
  await task.destroy();

  const dir = mkdtempSync(join(tmpdir(), 'banto-bench-jobs-'));
  const sqlite = openDatabase(`sqlite:${join(dir, 'jobs.sqlite3')}`);
  const s = await measure(sqlite);
  await sqlite.destroy();
  rmSync(dir, { recursive: true, force: true });
  const results = [`| SQLite (WAL) | ${bareTick.toFixed(1)} | ${s.claimFinish.toFixed(0)} | ${s.fullRun.toFixed(0)} |`];

  const server = process.env.BANTO_BENCH_MYSQL_URL ?? process.env.BANTO_TEST_MYSQL_URL;
  if (server) {
    const url = new URL(server);
    const name = `banto_bench_${process.pid}`;
    const admin = knex({
      client: 'mysql2',
      connection: {
        host: url.hostname,
        port: Number(url.port || 3306),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      },
    });
    await admin.raw(`CREATE DATABASE \`${name}\``);
    url.pathname = `/${name}`;
    const mysql = openDatabase(url.toString());
    const m = await measure(mysql);
    await mysql.destroy();
    await admin.raw(`DROP DATABASE \`${name}\``);
    await admin.destroy();
    results.push(
      `| MariaDB (loopback) | ${bareTick.toFixed(1)} | ${m.claimFinish.toFixed(0)} | ${m.fullRun.toFixed(0)} |`,
    );
  } else {
    results.push('| MariaDB | — | skipped: set BANTO_BENCH_MYSQL_URL (or BANTO_TEST_MYSQL_URL) | — |');
  }
  return [
    `### One job run: node-cron's own tick vs the database coordinator (${runs.toLocaleString('en')} runs, one after another)`,
    '',
    '| database | bare node-cron tick (`task.execute()` of a no-op): µs | claim + finish (`claimSlot` + `finishRun`): µs per run | full run through the runner (claim, lease timer, finish, alert check): µs per run |',
    '|---|---|---|---|',
    ...results,
  ].join('\n');
}
