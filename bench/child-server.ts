// Benchmark servers run as child processes: started, asked for their CPU time, stopped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

export const seconds = Number(process.env.BENCH_SECONDS ?? 10);

export const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
// The server gets core 0 and the load generator (this process, see package.json) core 1, so
// the two do not take turns on one core; figures then vary less from run to run.
export const pin = spawnSync('taskset', ['-c', '0', 'true']).status === 0 ? ['taskset', '-c', '0'] : [];

// BENCH_PROFILE=DIR writes each server's CPU profile there (open it in Chrome's DevTools) to see where time goes.
const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

export async function startServer(script: string, args: string[], { pinned = true } = {}): Promise<ChildProcess> {
  const command = [
    ...(pinned ? pin : []),
    process.execPath,
    ...profile,
    '--import',
    'tsx',
    join(root, 'bench/servers', script),
    ...args,
  ];
  const child = spawn(command[0]!, command.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  await new Promise<void>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && ready());
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code}`)));
  });
  return child;
}

/** CPU time (user + system, µs) the server process has used so far: steadier than req/s on a shared machine. */
export function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (usage: { user: number; system: number }) => resolve(usage.user + usage.system));
    child.send('cpu');
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** The slash command every Slack benchmark sends: `/banto help` from the exec user in the billing channel. */
export const benchCommand = {
  team_id: 'T0DEMO',
  channel_id: 'C0BILLING',
  user_id: 'U01EXEC',
  user_name: 'sato',
  command: '/banto',
  text: 'help',
  response_url: 'http://127.0.0.1:9/response',
  trigger_id: 'T1',
  api_app_id: 'A0BANTO',
};
