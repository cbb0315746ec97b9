// What the HTTP benchmarks share: signed `/banto help` commands from autocannon, and a scratch MariaDB database.
import autocannon from 'autocannon';
import { openDatabase } from '../src/db/connect.js';
import { signSlackRequest } from '../src/local/signature.js';
import { benchCommand } from './child-server.js';

export const signingSecret = 'bench-signing-secret-0123456789';
export const connections = 50;

export interface Load {
  requests: number;
  cpuPerRequestUs?: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Signed slash commands to POST /slack/events on `port`, from `connections` connections, for `durationSeconds`. */
export async function loadSignedCommands(port: number, durationSeconds: number): Promise<Load> {
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
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** BENCH_MYSQL_URL (a server, e.g. mysql://root@127.0.0.1:33306/): a fresh database on it, dropped after. */
export async function createBenchMysql(prefix: string): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const server = process.env.BENCH_MYSQL_URL;
  if (!server) return undefined;
  const name = `${prefix}_${process.pid}`;
  const admin = openDatabase(server);
  await admin.raw(`create database ${name} character set utf8mb4`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.raw(`drop database ${name}`);
      await admin.destroy();
    },
  };
}
