import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { DatabaseLocation } from '../../db/location.js';
import { createDumpReader } from './dump-reader.js';
import type { TableFacts } from './manifest.js';
import { runTool, type DumpTool } from './mysql.js';
import type { BackupProgress } from './sqlite.js';

type MysqlLocation = Extract<DatabaseLocation, { engine: 'mysql' }>;

const threads = 2;
const rowsPerChunk = 500_000;
const connect = (l: MysqlLocation) => ['--host', l.host, '--port', String(l.port), '--user', l.user];

/** A table's schema file (`db.table-schema.sql.gz`), not the database's or a view's or triggers'. */
const isTableSchema = (name: string) => /^[^.]+\.[^.]+-schema\.sql\.gz$/.test(name);
const isData = (name: string) => name.endsWith('.sql.gz') && !name.includes('-schema');

/**
 * A mydumper folder's facts, read the way a mariadb-dump stream is: every table's schema first, then its data
 * files in their order. Also its digest: the sha256 of each file's name and sha256, so one changed byte in any
 * file changes it.
 */
export async function readFolder(
  folder: string,
  progress: BackupProgress = {},
): Promise<{ tables: TableFacts[]; sha256: string; bytes: number }> {
  const names = (await readdir(folder)).sort();
  const reader = createDumpReader((name, count) => progress.table?.(name, count, 0));
  const digests = new Map<string, string>();
  let bytes = 0;
  for (const name of [...names.filter(isTableSchema), ...names.filter(isData)]) {
    const hash = createHash('sha256');
    const file = createReadStream(join(folder, name));
    file.on('data', (chunk) => hash.update(chunk));
    for await (const chunk of file.pipe(createGunzip())) reader.read(chunk as Buffer);
    reader.flush();
    digests.set(name, hash.digest('hex'));
  }
  const digest = createHash('sha256');
  for (const name of names) {
    const path = join(folder, name);
    bytes += (await stat(path)).size;
    // Files the reader did not need (metadata, the database's schema) are part of the backup too.
    digests.set(name, digests.get(name) ?? (await sha256Of(path)));
    digest.update(`${name} ${digests.get(name)}\n`);
    progress.bytes?.(bytes, bytes);
  }
  return { tables: reader.facts(), sha256: digest.digest('hex'), bytes };
}

/** The folder's digest from its files alone (names and bytes), without reading them as a dump. */
export async function digestFolder(folder: string): Promise<string> {
  const digest = createHash('sha256');
  for (const name of (await readdir(folder)).sort()) digest.update(`${name} ${await sha256Of(join(folder, name))}\n`);
  return digest.digest('hex');
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** mydumper: tables in parallel, each compressed, in one consistent transaction, into `<stem>.mydumper/`. */
export async function backupMydumper(
  location: MysqlLocation,
  dir: string,
  stem: string,
  tool: DumpTool,
  progress: BackupProgress = {},
): Promise<{ file: string; bytes: number; sha256: string; tables: TableFacts[] }> {
  const file = `${stem}.mydumper`;
  const partial = join(dir, `${file}.partial`);
  try {
    await dumpInto(partial, location, tool);
    await rename(partial, join(dir, file));
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  return { file, ...(await readFolder(join(dir, file), progress)) };
}

async function dumpInto(folder: string, location: MysqlLocation, tool: DumpTool): Promise<void> {
  await runTool(
    tool.dump,
    [
      ...connect(location),
      '--database',
      location.database,
      '--outputdir',
      folder,
      '--compress',
      '--threads',
      String(threads),
      '--trx-consistency-only',
      // A large table is cut into chunks of rows, so the threads share it too (by its primary key).
      '--rows',
      String(rowsPerChunk),
      '--verbose',
      '1',
    ],
    location,
  );
}

/** The facts of a database as mydumper writes it, the dump itself thrown away. */
export async function readMydumperFacts(
  location: MysqlLocation,
  tool: DumpTool,
  scratchDir: string,
): Promise<TableFacts[]> {
  const folder = await mkdtemp(join(scratchDir, 'banto-mydumper-'));
  try {
    await rm(folder, { recursive: true });
    await dumpInto(folder, location, tool);
    return (await readFolder(folder)).tables;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Loads a mydumper folder into `location`'s database with myloader. */
export async function restoreMydumper(folder: string, location: MysqlLocation, tool: DumpTool): Promise<void> {
  await runTool(
    tool.client,
    [
      ...connect(location),
      '--directory',
      folder,
      '--database',
      location.database,
      '--overwrite-tables',
      '--threads',
      String(threads),
      '--verbose',
      '1',
    ],
    location,
  );
}
