import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { waitFor } from './wait.js';

/** Whether this machine can run a MariaDB server of its own (CI installs it; .ci/run). */
export const canRunMariadb = spawnSync('mariadbd', ['--version']).status === 0;

export interface PrivateMariadb {
  /** The server's URL with a database `banto` created on it. */
  url: string;
  /** Shuts the server down cleanly and starts it again on the same data and port, as an operator's restart does. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A MariaDB server of the test's own (the recipe of NOTES.md), which the test
 * may restart without disturbing the server other tests share.
 */
export async function startPrivateMariadb(): Promise<PrivateMariadb> {
  const dir = mkdtempSync(join(tmpdir(), 'banto-private-mariadb-'));
  const socket = join(dir, 'mysql.sock');
  const port = await freePort();
  const install = spawnSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${dir}/data`,
      '--user=root',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`);
  let server: ChildProcess | undefined;
  const admin = knex({
    client: 'mysql2',
    connection: { host: '127.0.0.1', port, user: 'root' },
    pool: { min: 0, max: 1 },
  });
  const answers = () =>
    admin.raw('select 1').then(
      () => true,
      () => false,
    );
  const start = async () => {
    server = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${dir}/data`,
        `--port=${port}`,
        `--socket=${socket}`,
        '--bind-address=127.0.0.1',
        '--user=root',
        `--pid-file=${dir}/mariadb.pid`,
        '--skip-log-bin',
      ],
      { stdio: 'ignore' },
    );
    await waitFor('the private MariaDB to answer', answers, 30_000);
  };
  const shutdown = async () => {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    spawnSync('mariadb-admin', ['--no-defaults', '-uroot', `--socket=${socket}`, 'shutdown']);
    await exited;
  };
  await start();
  await admin.raw('create database banto character set utf8mb4');
  return {
    url: `mysql://root@127.0.0.1:${port}/banto`,
    async restart() {
      await shutdown();
      await start();
    },
    async stop() {
      await admin.destroy();
      await shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
