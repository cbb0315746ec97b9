import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 20);

/** Wall time and peak RSS of one process, from GNU time. */
function measure(args: string[], env: Record<string, string | undefined>): { seconds: number; rssMb: number } {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', ...args], { cwd: root, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr}`);
  const [seconds, kb] = run.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { seconds: seconds!, rssMb: kb! / 1024 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The compiled CLI's start against bare Node's, in the same run: median of N runs each, and peak RSS. */
export async function benchCliStart(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'banto-bench-cli-'));
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite3')}`,
  };
  mkdirSync(join(dir, 'config', 'banto'), { recursive: true });
  writeFileSync(
    join(dir, 'config', 'banto', 'profiles.yml'),
    'profiles:\n  acme/dev:\n    env: { GOOGLE_CLOUD_PROJECT: acme-dev, CLOUDSDK_COMPUTE_REGION: asia-northeast1 }\n',
  );
  const banto = join(root, 'bin/banto.js');
  try {
    const seed = spawnSync(process.execPath, [banto, 'db', 'seed', '--users', '3000'], { cwd: root, env });
    if (seed.status !== 0) throw new Error(`seeding failed: ${seed.stderr}`);
    // A cache under a file cannot be made: every run checks the profiles files again, as after an edit.
    const uncached = { ...env, XDG_CACHE_HOME: join(dir, 'cli.sqlite3', 'cache') };
    const cases: [string, string[], Record<string, string | undefined>][] = [
      ['`node -e 0` (bare Node)', [process.execPath, '-e', '0'], env],
      ['`banto --help`', [process.execPath, banto, '--help'], env],
      ['`banto env use acme/dev`', [process.execPath, banto, 'env', 'use', 'acme/dev'], env],
      [
        '`banto env use acme/dev`, files changed since the last run',
        [process.execPath, banto, 'env', 'use', 'acme/dev'],
        uncached,
      ],
      ['`banto translate --help`', [process.execPath, banto, 'translate', '--help'], env],
      ['`banto payments today` (SQLite, 3,000 users)', [process.execPath, banto, 'payments', 'today'], env],
    ];
    const lines = [
      `### median of ${runs} runs each, in the same run`,
      '',
      '| command | median wall time (s) | over bare Node (s) | peak RSS (MB) |',
      '|---|---|---|---|',
    ];
    let bare = 0;
    for (const [name, args, caseEnv] of cases) {
      const samples = Array.from({ length: runs }, () => measure(args, caseEnv));
      const seconds = median(samples.map((s) => s.seconds));
      if (name.startsWith('`node')) bare = seconds;
      lines.push(
        `| ${name} | ${seconds.toFixed(2)} | ${(seconds - bare).toFixed(2)} | ${median(samples.map((s) => s.rssMb)).toFixed(0)} |`,
      );
    }
    return lines.join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
