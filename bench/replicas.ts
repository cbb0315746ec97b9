import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '../src/db/connect.js';
import { signSlackRequest } from '../src/local/signature.js';
import { startTcpProxy } from '../tests/helpers/tcp-proxy.js';
import { benchCommand, seconds, startServer, stopServer } from './child-server.js';

const root = resolve(import.meta.dirname, '..');
const signingSecret = 'bench-signing-secret-0123456789';
const connections = 50;

async function load(port: number, durationSeconds: number) {
  const body = new URLSearchParams(benchCommand).toString();
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    ...signSlackRequest(signingSecret, body, Math.floor(Date.now() / 1000)),
  };
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/slack/events`,
    method: 'POST',
    headers,
    body,
    connections,
    duration: durationSeconds,
  });
  return { rps: result.requests.average, p99: result.latency.p99, failed: result.non2xx + result.errors };
}

/**
 * Commands per second through a round-robin TCP proxy (the one the replicas
 * test uses) to one Banto and to three, all on one MariaDB: what adding
 * replicas buys on this machine. Needs BENCH_MYSQL_URL.
 */
export async function benchReplicas(): Promise<string> {
  const server = process.env.BENCH_MYSQL_URL;
  if (!server) return '### Replicas behind a proxy\n\nSkipped: set BENCH_MYSQL_URL (a MariaDB server).';
  const name = `banto_bench_replicas_${process.pid}`;
  const admin = openDatabase(server);
  await admin.raw(`create database ${name} character set utf8mb4`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const config = join(root, 'config/banto.yml');
  const rows: string[] = [];
  try {
    for (const count of [1, 3]) {
      const ports = Array.from({ length: count }, (_, i) => 39120 + i);
      const children = [];
      // One after another: each seeds the database as it starts.
      for (const port of ports)
        children.push(
          await startServer('banto.ts', [String(port), signingSecret, url.toString(), config], { pinned: false }),
        );
      const proxy = await startTcpProxy(ports);
      await load(proxy.port, 2);
      const run = await load(proxy.port, seconds);
      rows.push(`| ${count} | ${Math.round(run.rps).toLocaleString('en')} | ${run.p99} | ${run.failed} |`);
      await proxy.close();
      for (const child of children) await stopServer(child);
    }
  } finally {
    await admin.raw(`drop database ${name}`);
    await admin.destroy();
  }
  return [
    `### Replicas behind a round-robin proxy, one MariaDB, ${connections} connections, ${seconds} s after a 2 s warm-up (nothing pinned; ${(await import('node:os')).cpus().length} cores shared by the replicas, the proxy and the load)`,
    '',
    '| replicas | commands/s | p99 ms | non-2xx or errors |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}
