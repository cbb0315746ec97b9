import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { createFixedClock } from '../src/clock.js';
import { openDatabase } from '../src/db/connect.js';
import { createBackupService } from '../src/services/backup/index.js';
import { createBenchMysql } from './signed-load.js';

const rows = Number(process.env.BENCH_ROWS ?? 3_000_000);

/**
 * A backup of N payment rows in MariaDB by Banto (mariadb-dump through the row-counting reader, Node's gzip and a
 * sha256), next to the bare `mariadb-dump --single-transaction --quick | gzip` of the same database in the same run.
 */
export async function benchBackup(): Promise<string> {
  const mysql = await createBenchMysql('banto_bench_backup');
  if (!mysql) return '### backup: skipped (set BENCH_MYSQL_URL)';
  const dir = mkdtempSync(join(tmpdir(), 'banto-bench-backup-'));
  const db = openDatabase(mysql.url);
  const url = new URL(mysql.url);
  const database = url.pathname.slice(1);
  try {
    await db.raw(
      `create table payments (id bigint unsigned primary key, user_id bigint unsigned not null, subscription_id bigint unsigned,
         amount int not null, currency char(3) not null, status varchar(16) not null, paid_at datetime(3), due_date date)`,
    );
    await db.raw(
      `insert into payments select seq, seq % 50000, seq % 40000, 980 + seq % 7 * 100, 'JPY',
         elt(1 + seq % 4, 'succeeded', 'failed', 'refunded', 'pending'),
         timestamp('2024-01-01') + interval seq second, date('2024-01-01') + interval (seq % 900) day from seq_1_to_${rows}`,
    );
    const serviceWith = (tool: 'auto' | 'mydumper') =>
      createBackupService({
        backup: { dir, tool, keep: { daily: 7, weekly: 4, monthly: 6 }, pruned: 'delete', archiveDir: join(dir, 'a') },
        data: { production: { urlEnv: 'BENCH', url: mysql.url }, neverWrite: [] },
        clock: createFixedClock(DateTime.fromISO('2026-12-01T02:00:00Z'), 'Asia/Tokyo'),
      });
    const service = serviceWith('auto');
    const withMydumper = spawnSync('mydumper', ['--version']).status === 0 ? serviceWith('mydumper') : undefined;
    const connect = `--host=${url.hostname} --port=${url.port || 3306} --user=${decodeURIComponent(url.username)}`;
    const bareFile = join(dir, 'bare.sql.gz');
    const bare = () => {
      const started = performance.now();
      const run = spawnSync(
        'bash',
        [
          '-c',
          `set -o pipefail; mariadb-dump ${connect} --single-transaction --quick ${database} | gzip > ${bareFile}`,
        ],
        { stdio: 'inherit', env: { PATH: process.env.PATH, MYSQL_PWD: decodeURIComponent(url.password) } },
      );
      if (run.status !== 0) throw new Error('the bare dump failed');
      return (performance.now() - started) / 1000;
    };
    const runs: { banto: number; bare: number; mydumper: number }[] = [];
    let bytes = { banto: 0, bare: 0 };
    for (let round = 0; round < 2; round++) {
      const order = round % 2 === 0 ? ['banto', 'bare', 'mydumper'] : ['mydumper', 'bare', 'banto'];
      const r = { banto: 0, bare: 0, mydumper: 0 };
      for (const who of order) {
        if (who === 'bare') r.bare = bare();
        else if (who === 'mydumper') {
          const made = withMydumper && (await withMydumper.run());
          if (made && made.tables[0]?.rows !== rows)
            throw new Error(`mydumper: counted ${made.tables[0]?.rows} rows of ${rows}`);
          r.mydumper = made ? made.durationMs / 1000 : Number.NaN;
          if (made) rmSync(join(dir, made.file), { recursive: true });
        } else {
          const made = await service.run();
          if (made.tables[0]?.rows !== rows) throw new Error(`counted ${made.tables[0]?.rows} rows of ${rows}`);
          r.banto = made.durationMs / 1000;
          bytes = { banto: made.bytes, bare: statSync(bareFile, { throwIfNoEntry: false })?.size ?? 0 };
          rmSync(join(dir, made.file));
        }
      }
      runs.push(r);
    }
    bytes.bare = statSync(bareFile).size;
    const best = (pick: (r: (typeof runs)[number]) => number) => Math.min(...runs.map(pick));
    const mb = (n: number) => (n / 1e6).toFixed(1);
    return [
      `### ${rows.toLocaleString('en')} payment rows, MariaDB, best of 2 rounds (order alternating)`,
      '',
      '| Banto backup (s) | bare `mariadb-dump --single-transaction --quick \\| gzip` (s) | Banto / bare | Banto with mydumper, 2 threads (s) | mydumper / bare | gzip size Banto / bare (MB) | each round, Banto / bare / mydumper s |',
      '|---|---|---|---|---|---|---|',
      `| ${best((r) => r.banto).toFixed(2)} | ${best((r) => r.bare).toFixed(2)} | **${(best((r) => r.banto) / best((r) => r.bare)).toFixed(2)}x** | ${best((r) => r.mydumper).toFixed(2)} | **${(best((r) => r.mydumper) / best((r) => r.bare)).toFixed(2)}x** | ${mb(bytes.banto)} / ${mb(bytes.bare)} | ${runs.map((r) => `${r.banto.toFixed(2)} / ${r.bare.toFixed(2)} / ${r.mydumper.toFixed(2)}`).join('; ')} |`,
    ].join('\n');
  } finally {
    await db.destroy();
    await mysql.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
