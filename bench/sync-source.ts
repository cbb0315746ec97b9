import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { createFixedClock } from '../src/clock.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateLatest } from '../src/db/migrate.js';
import { fetchPage } from '../src/services/sync/fetch-page.js';
import { runSync } from '../src/services/sync/run-sync.js';
import { defineSyncSource } from '../src/config-sync.js';
import { createRecordReader, type SyncRow, type SyncSource } from '../src/services/sync/source.js';
import { prepareSyncTable } from '../src/services/sync/sync-table.js';
import { pin, rounds } from './child-server.js';
import { createBenchMysql } from './signed-load.js';
import { benchRecord } from './sync-records.js';

const root = resolve(import.meta.dirname, '..');
const records = Number(process.env.BENCH_RECORDS ?? 100_000);
const pageSize = 1000;

async function startPartner(): Promise<{ child: ChildProcess; url: string }> {
  const command = [
    ...pin,
    process.execPath,
    '--import',
    'tsx',
    join(root, 'bench/servers/partner.ts'),
    String(records),
  ];
  const child = spawn(command[0]!, command.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const found = /listening (\S+)/.exec(chunk.toString());
      if (found?.[1]) ready(found[1]);
    });
    child.once('exit', (code) => fail(new Error(`partner exited with ${code}`)));
  });
  return { child, url };
}

const source = (url: string, table: string): SyncSource =>
  defineSyncSource('bench', {
    url,
    page_size: pageSize,
    timeout_seconds: 30,
    retry: { attempts: 1 },
    table,
    key: 'id',
    fields: {
      id: { type: 'string', max: 32 },
      email: { type: 'string' },
      plan: { type: 'string', max: 16 },
      amount: { type: 'integer' },
      updated_at: { type: 'datetime' },
    },
    updated_at_field: 'updated_at',
    max_lag_minutes: 60 * 24 * 3650,
  });

/** The baseline: the same rows, already in memory, upserted with knex in 500-row statements, 1,000 a transaction. */
async function bareUpsert(db: Knex, table: string, rows: SyncRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += pageSize) {
    await db.transaction(async (trx) => {
      for (let j = i; j < Math.min(i + pageSize, rows.length); j += 500)
        await trx(table)
          .insert(rows.slice(j, j + 500))
          .onConflict('id')
          .merge();
    });
  }
}

/** Only the HTTP side of a run: every page fetched and parsed, nothing checked or written. */
async function fetchAll(src: SyncSource): Promise<number> {
  let cursor: string | undefined;
  let fetched = 0;
  for (;;) {
    const page = await fetchPage(src, cursor);
    fetched += page.records.length;
    if (!page.hasMore || !page.nextCursor) return fetched;
    cursor = page.nextCursor;
  }
}

const seconds = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

async function measure(db: Knex, url: string) {
  const clock = createFixedClock(DateTime.fromISO('2026-12-02T00:00:00Z'), 'Asia/Tokyo');
  const deps = { db, clock, logger: pino({ level: 'silent' }) };
  const read = createRecordReader(source(url, 'x'));
  const rows = Array.from({ length: records }, (_, i) => {
    const reading = read(benchRecord(i + 1));
    if (!('row' in reading)) throw new Error(reading.problem);
    return reading.row;
  });
  const runs: { banto: number; bare: number; http: number }[] = [];
  // Every run writes into a table of its own, and the tables are dropped only after the last round: InnoDB
  // cleans a dropped 100,000-row table up in the background, which would slow whichever run came next.
  const tables: string[] = [];
  const runBanto = async (round: number) => {
    const table = `banto_sync_bench_${round}`;
    tables.push(table);
    await db('banto_sync_runs').delete();
    await db('banto_sync_state').delete();
    return seconds(async () => {
      const outcome = await runSync(deps, source(url, table), { trigger: 'manual' });
      if (outcome.inserted !== records)
        throw new Error(`sync wrote ${outcome.inserted} of ${records}: ${outcome.errorMessage}`);
    });
  };
  const runBare = async (round: number) => {
    const table = `banto_sync_bare_${round}`;
    tables.push(table);
    await prepareSyncTable(db, source(url, table));
    return seconds(() => bareUpsert(db, table, rows));
  };
  try {
    for (let round = 0; round < rounds; round++) {
      // The order alternates, so neither side always runs on a warmer server.
      let banto: number;
      let bare: number;
      if (round % 2 === 0) {
        banto = await runBanto(round);
        bare = await runBare(round);
      } else {
        bare = await runBare(round);
        banto = await runBanto(round);
      }
      const http = await seconds(() => fetchAll(source(url, 'x')));
      runs.push({ banto, bare, http });
    }
  } finally {
    for (const table of tables) await db.schema.dropTableIfExists(table);
  }
  const median = (pick: (r: (typeof runs)[number]) => number) =>
    runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  return { banto: median((r) => r.banto), bare: median((r) => r.bare), http: median((r) => r.http), runs };
}

/** 100,000 records from the loopback partner into SQLite (and MariaDB), next to a bare batched knex upsert. */
export async function benchSyncSource(): Promise<string> {
  const partner = await startPartner();
  const dir = mkdtempSync(join(tmpdir(), 'banto-bench-sync-'));
  const lines: string[] = [
    `### ${records.toLocaleString('en')} records, pages of ${pageSize}, median of ${rounds} rounds${pin.length ? ', partner pinned to core 0, Banto to core 1' : ''}`,
    '',
    "| database | Banto sync run: records/s | bare knex upsert, rows in memory: records/s | Banto / bare | HTTP alone (fetch + parse): s of Banto's s | each round, Banto / bare / HTTP s |",
    '|---|---|---|---|---|---|',
  ];
  const mysql = await createBenchMysql('banto_bench_sync');
  try {
    const targets: [string, string][] = [['SQLite', `sqlite:${join(dir, 'sync.sqlite3')}`]];
    if (mysql) targets.push(['MariaDB', mysql.url]);
    for (const [name, url] of targets) {
      const db = openDatabase(url);
      try {
        await migrateLatest(db);
        const m = await measure(db, partner.url);
        const rate = (s: number) => Math.round(records / s).toLocaleString('en');
        lines.push(
          `| ${name} | ${rate(m.banto)} | ${rate(m.bare)} | **${(m.bare / m.banto).toFixed(2)}x** | ${m.http.toFixed(2)} of ${m.banto.toFixed(2)} | ${m.runs.map((r) => `${r.banto.toFixed(2)} / ${r.bare.toFixed(2)} / ${r.http.toFixed(2)}`).join('; ')} |`,
        );
      } finally {
        await db.destroy();
      }
    }
  } finally {
    partner.child.kill('SIGTERM');
    await mysql?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines.join('\n');
}
