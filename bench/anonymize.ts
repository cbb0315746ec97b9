import { openDatabase } from '../src/db/connect.js';
import { anonymize, prove } from '../src/services/refresh/anonymize.js';
import { mysqlEngine } from '../src/services/refresh/engine.js';
import { rulesSchema } from '../src/services/refresh/rules.js';
import { createBenchMysql } from './signed-load.js';

const users = Number(process.env.BENCH_USERS ?? 1_000_000);
const fixedHash = '$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i';
const rules = rulesSchema.parse({
  test_domain: 'example.co.jp',
  tables: {
    users: {
      email: { template: 'developer+{id}@example.co.jp' },
      name: { template: '{id} テスト太郎' },
      password_hash: { fixed: fixedHash },
    },
  },
});

const seconds = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

/**
 * Anonymizing N users in MariaDB (e-mail, name, password: templates and a fixed value) with Banto's rules and
 * chunked UPDATEs, next to one hand-written set-based UPDATE of the same columns in the same run.
 */
export async function benchAnonymize(): Promise<string> {
  const mysql = await createBenchMysql('banto_bench_anon');
  if (!mysql) return '### anonymize: skipped (set BENCH_MYSQL_URL)';
  const db = openDatabase(mysql.url);
  const database = new URL(mysql.url).pathname.slice(1);
  try {
    const fill = async () => {
      await db.schema.dropTableIfExists('users');
      await db.raw(
        `create table users (id bigint unsigned primary key, email varchar(255) not null, name varchar(255) not null,
           password_hash varchar(255) not null, plan varchar(16) not null) character set utf8mb4`,
      );
      await db.raw(
        `insert into users select seq, concat('customer', seq, '@gmail.com'), concat('山田 ', seq), concat('$2b$10$', md5(seq)), if(seq % 3, 'paid', 'free') from seq_1_to_${users}`,
      );
    };
    const bare = async () =>
      db.raw(
        "update users set email = concat('developer+', id, '@example.co.jp'), name = concat(id, ' テスト太郎'), password_hash = ?",
        [fixedHash],
      );
    const engine = mysqlEngine(db, database);
    const runs: { banto: number; bare: number; rss: number }[] = [];
    let proofSeconds = 0;
    for (let round = 0; round < 2; round++) {
      let banto = 0;
      let bareTime = 0;
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const order = round % 2 === 0 ? ['banto', 'bare'] : ['bare', 'banto'];
      for (const who of order) {
        await fill();
        if (who === 'banto') {
          banto = await seconds(() => anonymize(engine, rules, undefined));
          proofSeconds = await seconds(async () => {
            const failures = await prove(engine, rules, undefined);
            if (failures.length > 0) throw new Error(failures.join('; '));
          });
        } else bareTime = await seconds(bare);
      }
      clearInterval(sampler);
      runs.push({ banto, bare: bareTime, rss: peak });
    }
    const best = (pick: (r: (typeof runs)[number]) => number) => Math.min(...runs.map(pick));
    const mb = (bytes: number) => Math.round(bytes / 1e6);
    return [
      `### ${users.toLocaleString('en')} users, MariaDB, ${rules.chunk_rows.toLocaleString('en')} rows an UPDATE, best of 2 rounds (order alternating)`,
      '',
      '| Banto anonymize (s) | one hand-written UPDATE (s) | Banto / bare | proof queries after (s) | peak RSS of the process (MB) | each round, Banto / bare s |',
      '|---|---|---|---|---|---|',
      `| ${best((r) => r.banto).toFixed(2)} | ${best((r) => r.bare).toFixed(2)} | **${(best((r) => r.banto) / best((r) => r.bare)).toFixed(2)}x** | ${proofSeconds.toFixed(2)} | ${mb(Math.max(...runs.map((r) => r.rss)))} | ${runs.map((r) => `${r.banto.toFixed(2)} / ${r.bare.toFixed(2)}`).join('; ')} |`,
    ].join('\n');
  } finally {
    await db.destroy();
    await mysql.drop();
  }
}
