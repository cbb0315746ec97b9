import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase } from '../src/db/connect.js';
import { pin, rounds, seconds, serverCpu, startServer, stopServer } from './child-server.js';
import { connections, createBenchMysql, loadSignedCommands as load, signingSecret, type Load } from './signed-load.js';
import { benchSocketModeCommands } from './socket-mode.js';

const root = resolve(import.meta.dirname, '..');

/** Signed slash commands at 50 connections: a bare acking Bolt app, then Banto (gate, roles, audit), in the same run. */
export async function benchSlackCommands(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'banto-bench-'));
  const databaseUrl = `sqlite:${join(dir, 'bench.sqlite3')}`;
  const rows: string[] = [];
  const mysql = await createBenchMysql('banto_bench');
  const config = join(root, 'config/banto.yml');
  const servers = [
    { id: 'bare', name: 'bare Bolt app, command only acks', script: 'bare-bolt.ts', port: 39101, args: [] as string[] },
    {
      id: 'banto',
      name: 'Banto on SQLite, `/banto help` (roles, permission check, audit row)',
      script: 'banto.ts',
      port: 39102,
      args: [databaseUrl, config],
    },
    ...(mysql
      ? [
          {
            id: 'banto-mariadb',
            name: 'Banto on MariaDB, the same',
            script: 'banto.ts',
            port: 39103,
            args: [mysql.url, config],
          },
        ]
      : []),
  ];
  // Rounds alternate bare and Banto, so a slow spell of the machine hits both; the median round counts.
  const measured: Record<string, Load[]> = {};
  let bantoRequests = 0;
  for (let round = 0; round < rounds; round++) {
    for (const server of servers) {
      const child = await startServer(server.script, [String(server.port), signingSecret, ...server.args]);
      const warmUp = await load(server.port, 2); // JIT, caches, connections
      const cpuBefore = await serverCpu(child);
      const run = await load(server.port, seconds);
      run.cpuPerRequestUs = ((await serverCpu(child)) - cpuBefore) / run.requests;
      (measured[server.id] ??= []).push(run);
      if (server.id === 'banto') bantoRequests += warmUp.requests + run.requests;
      await stopServer(child);
    }
  }
  const db = openDatabase(databaseUrl);
  const audited = Number((await db('banto_audit').count({ n: '*' }).first())?.n);
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
  await mysql?.drop();

  const cpuMedians: Record<string, number> = {};
  const median = (runs: Load[]) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
  const bare = median(measured.bare!);
  const banto = median(measured.banto!);
  const onMariadb = measured['banto-mariadb'] ? median(measured['banto-mariadb']) : undefined;
  for (const server of servers) {
    const runs = measured[server.id]!;
    const m = median(runs);
    const all = runs.map((r) => Math.round(r.rps).toLocaleString('en')).join(' / ');
    const cpu = median(runs.map((r) => ({ ...r, rps: r.cpuPerRequestUs ?? 0 }))).rps;
    rows.push(
      `| ${server.name} | ${Math.round(m.rps).toLocaleString('en')} | ${all} | ${m.p50} | ${m.p99} | ${Math.round(cpu)} | ${runs.reduce((n, r) => n + r.non2xx + r.errors, 0)} |`,
    );
    cpuMedians[server.id] = cpu;
  }
  const http = [
    `### Signed slash commands, ${connections} connections, ${rounds} alternating rounds of ${seconds} s (each after a 2 s warm-up)${pin.length ? ', server pinned to core 0, load to core 1' : ''}`,
    '',
    '| server | req/s (median round) | req/s (each round) | p50 ms | p99 ms | server CPU µs per command | non-2xx or errors |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Banto / bare: **${(banto.rps / bare.rps).toFixed(2)}x** throughput (goal ≥ 1.0x), p99 ${banto.p99} ms against ${bare.p99} ms (goal: no higher); ` +
      `CPU per command ${(cpuMedians.banto! / cpuMedians.bare!).toFixed(2)}x the bare app's.` +
      (onMariadb
        ? ` On MariaDB: **${(onMariadb.rps / bare.rps).toFixed(2)}x**, p99 ${onMariadb.p99} ms against the bare app's ${bare.p99} ms.`
        : ' (No MariaDB row: set BENCH_MYSQL_URL.)'),
    `Audit rows written by Banto: ${audited.toLocaleString('en')}, for ${bantoRequests.toLocaleString('en')} commands sent to it (warm-ups included).`,
  ].join('\n');
  return `${http}\n\n${await benchSocketModeCommands()}`;
}
