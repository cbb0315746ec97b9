import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase } from '../src/db/connect.js';
import { startSlackEmulator, type SlackEmulator } from '../src/local/emulator.js';
import { demoWorkspace } from '../src/local/workspace.js';
import { benchCommand, rounds, seconds, serverCpu, startServer, stopServer } from './child-server.js';

const root = resolve(import.meta.dirname, '..');
const appToken = 'xapp-bench-socket-mode';
const inFlight = 50;

interface SocketLoad {
  acked: number;
  cps: number;
  p50: number;
  p99: number;
  timeouts: number;
  cpuPerCommandUs?: number;
}

/** `inFlight` slash-command envelopes kept in flight over the emulator's WebSocket for `durationSeconds`. */
async function load(emulator: SlackEmulator, durationSeconds: number): Promise<SocketLoad> {
  const fields = benchCommand;
  const latencies: number[] = [];
  let timeouts = 0;
  const end = performance.now() + durationSeconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      const ack = await emulator.socketMode.deliver('slash_commands', fields);
      if (ack) latencies.push(performance.now() - sent);
      else timeouts += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0);
  return { acked: latencies.length, cps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), timeouts };
}

/** Slash commands through the emulator's Socket Mode: a bare Bolt app on SocketModeReceiver, then Banto, alternating. */
export async function benchSocketModeCommands(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'banto-bench-socket-'));
  const databaseUrl = `sqlite:${join(dir, 'bench.sqlite3')}`;
  const emulator = await startSlackEmulator({
    workspace: demoWorkspace,
    signingSecret: 'unused',
    appToken,
    transport: 'socket',
  });
  const servers = [
    {
      name: 'bare Bolt app on SocketModeReceiver, command only acks',
      script: 'bare-bolt-socket.ts',
      args: [emulator.apiUrl, appToken],
    },
    {
      name: 'Banto in Socket Mode, `/banto help` (roles, permission check, audit row)',
      script: 'banto.ts',
      args: ['0', 'unused-secret', databaseUrl, join(root, 'config/banto.yml'), emulator.apiUrl, appToken],
    },
  ];
  const measured: Record<string, SocketLoad[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const server of servers) {
      const child = await startServer(server.script, server.args);
      await load(emulator, 2); // JIT, caches
      const cpuBefore = await serverCpu(child);
      const run = await load(emulator, seconds);
      run.cpuPerCommandUs = ((await serverCpu(child)) - cpuBefore) / run.acked;
      (measured[server.script] ??= []).push(run);
      await stopServer(child);
    }
  }
  await emulator.stop();
  const db = openDatabase(databaseUrl);
  const audited = Number((await db('banto_audit').count({ n: '*' }).first())?.n);
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });

  const median = (runs: SocketLoad[]) => [...runs].sort((a, b) => a.cps - b.cps)[Math.floor(runs.length / 2)]!;
  const rows = servers.map((server) => {
    const runs = measured[server.script]!;
    const m = median(runs);
    const cpu = median(runs.map((r) => ({ ...r, cps: r.cpuPerCommandUs ?? 0 }))).cps;
    const all = runs.map((r) => Math.round(r.cps).toLocaleString('en')).join(' / ');
    return `| ${server.name} | ${Math.round(m.cps).toLocaleString('en')} | ${all} | ${m.p50} | ${m.p99} | ${Math.round(cpu)} | ${runs.reduce((n, r) => n + r.timeouts, 0)} |`;
  });
  const bare = median(measured['bare-bolt-socket.ts']!);
  const banto = median(measured['banto.ts']!);
  return [
    `### Slash commands over Socket Mode through the emulator's WebSocket, ${inFlight} envelopes in flight, ${rounds} alternating rounds of ${seconds} s (each after a 2 s warm-up)`,
    '',
    '| app | commands/s (median round) | commands/s (each round) | p50 ms | p99 ms | app CPU µs per command | unacknowledged in 3 s |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Banto / bare in Socket Mode: **${(banto.cps / bare.cps).toFixed(2)}x** commands per second, p99 ${banto.p99} ms against ${bare.p99} ms.`,
    `Audit rows written by Banto: ${audited.toLocaleString('en')} (warm-ups included).`,
  ].join('\n');
}
