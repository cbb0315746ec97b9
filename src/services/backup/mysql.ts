import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { BackupSettings } from '../../config-data.js';
import type { DatabaseLocation } from '../../db/location.js';
import { BantoError } from '../../errors.js';
import { createDumpReader } from './dump-reader.js';
import { createHashTap, type TableFacts } from './manifest.js';
import type { BackupProgress } from './sqlite.js';

type MysqlLocation = Extract<DatabaseLocation, { engine: 'mysql' }>;

/** The dump tool and the client that restores its output: the configured one, or mariadb-dump, else mysqldump. */
export interface DumpTool {
  dump: string;
  client: string;
  version: string;
}

/**
 * The dump tool and the client that restores its output: the configured one, or mariadb-dump, else mysqldump.
 * mydumper (parallel, compressed, a folder a backup) is restored by myloader.
 */
export function chooseDumpTool(tool: BackupSettings['tool']): DumpTool {
  const candidates = tool === 'auto' ? ['mariadb-dump', 'mysqldump'] : [tool];
  for (const dump of candidates) {
    const found = spawnSync(dump, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (found.status !== 0) continue;
    const client = { 'mariadb-dump': 'mariadb', mysqldump: 'mysql', mydumper: 'myloader' }[dump] ?? 'mysql';
    if (spawnSync(client, ['--version'], { timeout: 10_000 }).status !== 0) continue;
    return { dump, client, version: found.stdout.trim().replace(/^\S+\s+/, '') };
  }
  throw new BantoError(
    'BACKUP_TOOL',
    `no ${candidates.join(' or ')} (and its restore tool) on PATH: install it (Debian: apt-get install ${tool === 'mydumper' ? 'mydumper' : 'mariadb-client'})`,
  );
}

/** The tool that made a backup, to restore it and to read a restored copy the same way. */
export const toolOfBackup = (name: string): BackupSettings['tool'] =>
  name === 'mydumper' || name === 'mysqldump' || name === 'mariadb-dump' ? name : 'auto';

/** Connection arguments; the password goes in an option file (runTool), never on the command line (ps shows it). */
const connectArgs = (l: MysqlLocation) => [`--host=${l.host}`, `--port=${l.port}`, `--user=${l.user}`];

/** A private option file with the password, as MySQL's manual advises; its path is the tool's first argument. */
async function writeOptionFile(location: MysqlLocation): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'banto-mysql-'));
  const path = join(dir, 'client.cnf');
  const quoted = location.password.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  await writeFile(path, `[client]\npassword="${quoted}"\n`, { mode: 0o600 });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

const toolTimeoutMs = 4 * 3600_000;

const dumpArgs = (l: MysqlLocation) => [
  ...connectArgs(l),
  '--single-transaction',
  '--quick',
  '--hex-blob',
  '--no-tablespaces',
  '--default-character-set=utf8mb4',
  '--skip-dump-date',
  l.database,
];

/**
 * Runs a tool, its stdout into `sink`; fails with the tool's own last words when it exits non-zero. mydumper and
 * myloader 0.10 take `--defaults-file`; the MySQL and MariaDB tools `--defaults-extra-file`.
 */
export async function runTool(
  command: string,
  args: string[],
  location: MysqlLocation,
  streams: { stdin?: NodeJS.ReadableStream; through?: NodeJS.ReadWriteStream[]; sink?: NodeJS.WritableStream } = {},
): Promise<void> {
  const options = await writeOptionFile(location);
  const flag = command === 'mydumper' || command === 'myloader' ? '--defaults-file' : '--defaults-extra-file';
  try {
    return await runWithOptions(command, [`${flag}=${options.path}`, ...args], streams);
  } finally {
    await options.remove();
  }
}

async function runWithOptions(
  command: string,
  args: string[],
  streams: { stdin?: NodeJS.ReadableStream; through?: NodeJS.ReadWriteStream[]; sink?: NodeJS.WritableStream },
): Promise<void> {
  // A dump or restore that is still running after this long is stopped (a lock it waits on, a hung server).
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: toolTimeoutMs,
    killSignal: 'SIGTERM',
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const feeding = streams.stdin ? pipeline(streams.stdin, child.stdin) : (child.stdin.end(), Promise.resolve());
  const draining = streams.sink
    ? pipeline(child.stdout, ...((streams.through ?? []) as [NodeJS.ReadWriteStream]), streams.sink)
    : pipeline(child.stdout, new Writable({ write: (_c, _e, done) => done() }));
  const [code, fedError] = await Promise.all([
    exited,
    feeding.then(
      () => undefined,
      (error: unknown) => error,
    ),
    // Where the output could not be written (a full disk), the tool must not run on alone.
    draining.catch((error: unknown) => {
      child.kill('SIGTERM');
      throw error;
    }),
  ]);
  if (code !== 0)
    throw new BantoError(
      'BACKUP_TOOL_FAILED',
      `${command} exited with ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`,
    );
  // The tool took what it got and stopped: a broken input (a truncated gzip) must not pass as a whole restore.
  if (fedError) throw new BantoError('BACKUP_INPUT', `the input of ${command} broke off: ${String(fedError)}`);
}

/**
 * MySQL/MariaDB: the dump tool (one consistent snapshot, rows streamed) through a reader that counts each
 * table's rows, then gzip and a sha256, into `<stem>.sql.gz`.
 */
export async function backupMysql(
  location: MysqlLocation,
  dir: string,
  stem: string,
  tool: DumpTool,
  progress: BackupProgress = {},
  totalBytes = 0,
): Promise<{ file: string; bytes: number; sha256: string; tables: TableFacts[] }> {
  const reader = createDumpReader((name, count) => progress.table?.(name, count, 0));
  const tap = createHashTap(() => progress.bytes?.(reader.bytes(), Math.max(totalBytes, reader.bytes())));
  const file = `${stem}.sql.gz`;
  const partial = join(dir, `${file}.partial`);
  try {
    await runTool(tool.dump, dumpArgs(location), location, {
      through: [reader.stream, createGzip(), tap.stream],
      sink: createWriteStream(partial),
    });
    await rename(partial, join(dir, file));
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { file, ...tap.written(), tables: reader.facts() };
}

/** The facts of a database as its dump tells them, the dump itself thrown away. */
export async function readMysqlFacts(location: MysqlLocation, tool: DumpTool): Promise<TableFacts[]> {
  const reader = createDumpReader();
  await runTool(tool.dump, dumpArgs(location), location, {
    through: [reader.stream],
    sink: new Writable({ write: (_c, _e, done) => done() }),
  });
  return reader.facts();
}

/** Loads a gzipped dump into `location`'s database with the client that matches the dump tool. */
export async function restoreMysql(path: string, location: MysqlLocation, tool: DumpTool): Promise<void> {
  const input = createReadStream(path).pipe(createGunzip());
  await runTool(
    tool.client,
    [...connectArgs(location), '--default-character-set=utf8mb4', location.database],
    location,
    {
      stdin: input,
    },
  );
}
