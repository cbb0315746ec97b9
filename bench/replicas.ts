import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { startTcpProxy } from '../tests/helpers/tcp-proxy.js';
import { seconds, startServer, stopServer } from './child-server.js';
import { connections, createBenchMysql, loadSignedCommands, signingSecret } from './signed-load.js';

const root = resolve(import.meta.dirname, '..');

async function load(port: number, durationSeconds: number) {
  const result = await loadSignedCommands(port, durationSeconds);
  return { rps: result.rps, p99: result.p99, failed: result.non2xx + result.errors };
}

/**
 * Commands per second through a round-robin TCP proxy (the one the replicas
 * test uses) to one Banto and to three, all on one MariaDB: what adding
 * replicas buys on this machine. Needs BENCH_MYSQL_URL.
 */
export async function benchReplicas(): Promise<string> {
  const mysql = await createBenchMysql('banto_bench_replicas');
  if (!mysql) return '### Replicas behind a proxy\n\nSkipped: set BENCH_MYSQL_URL (a MariaDB server).';
  const config = join(root, 'config/banto.yml');
  const rows: string[] = [];
  try {
    for (const count of [1, 3]) {
      const ports = Array.from({ length: count }, (_, i) => 39120 + i);
      const children = [];
      // One after another: each seeds the database as it starts.
      for (const port of ports)
        children.push(
          await startServer('banto.ts', [String(port), signingSecret, mysql.url, config], { pinned: false }),
        );
      const proxy = await startTcpProxy(ports);
      await load(proxy.port, 2);
      const run = await load(proxy.port, seconds);
      rows.push(`| ${count} | ${Math.round(run.rps).toLocaleString('en')} | ${run.p99} | ${run.failed} |`);
      await proxy.close();
      for (const child of children) await stopServer(child);
    }
  } finally {
    await mysql.drop();
  }
  return [
    `### Replicas behind a round-robin proxy, one MariaDB, ${connections} connections, ${seconds} s after a 2 s warm-up (nothing pinned; ${cpus().length} cores shared by the replicas, the proxy and the load)`,
    '',
    '| replicas | commands/s | p99 ms | non-2xx or errors |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}
