import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { demoConfigPath, repoRoot } from './banto.js';
import { waitFor } from './wait.js';

const bin = join(repoRoot, 'bin/banto.js');

/** The caller's environment without anything that would pick a Slack mode or another database. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && !/^(SLACK_|BANTO_|DEEPL_|DATABASE_URL|PORT)/.test(e[0]),
    ),
  );
  return { ...env, LOG_LEVEL: 'warn', BANTO_CONFIG: demoConfigPath, ...extra };
}

export interface BantoProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  output(): string;
}

/** `banto start` as production runs it, in its own process; resolves once it says it is ready. */
export async function spawnBanto(env: Record<string, string>): Promise<BantoProcess> {
  const child = spawn(process.execPath, [bin, 'start'], { cwd: repoRoot, env: cleanEnv({ PORT: '0', ...env }) });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const ready = /Banto ready in \w+ mode on (\S+)/;
  await waitFor(
    'banto start to say it is ready',
    () => {
      if (child.exitCode !== null) throw new Error(`banto start exited with ${child.exitCode}: ${output}`);
      return ready.test(output);
    },
    60_000,
  );
  return { child, url: ready.exec(output)![1]!, exited, output: () => output };
}
