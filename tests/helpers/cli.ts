import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './banto.js';

const bin = join(repoRoot, 'bin/banto.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The compiled CLI as a child process that does not block this one, so a fake server here can answer it. The
 * environment is exactly `env`; `input` is written to its stdin (else stdin is closed).
 */
export function runBanto(
  args: string[],
  { env, cwd = repoRoot, input = '' }: { env: Record<string, string>; cwd?: string; input?: string },
): Promise<CliResult> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}
