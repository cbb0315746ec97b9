import { randomBytes } from 'node:crypto';
import type { BackupSettings } from '../../config-data.js';
import { openDatabase } from '../../db/connect.js';
import { locateDatabase, type DatabaseLocation } from '../../db/location.js';
import { BantoError } from '../../errors.js';
import type { BackupManifest, TableFacts } from './manifest.js';
import { tmpdir } from 'node:os';
import { sha256OfFile } from './manifest.js';
import { backupMydumper, digestFolder, readMydumperFacts, restoreMydumper } from './mydumper.js';
import { backupMysql, chooseDumpTool, readMysqlFacts, restoreMysql, toolOfBackup } from './mysql.js';
import type { BackupProgress } from './sqlite.js';
import { compareFacts } from './verify-sqlite.js';

type MysqlLocation = Extract<DatabaseLocation, { engine: 'mysql' }>;

/** Refuses a URL whose host or database is on `data.never_write`: production is read, never written. */
export function assertWritable(url: string, neverWrite: readonly string[], cwd?: string): void {
  const location = locateDatabase(url, cwd);
  const names = location.engine === 'mysql' ? [location.host, location.database] : [location.path, location.database];
  const listed = names.find((name) => neverWrite.includes(name));
  if (listed) throw new BantoError('DATA_NEVER_WRITE', `${listed} is on data.never_write: Banto will not write there`);
}

/** The server's version and the size of the database's tables (for the progress bar), from information_schema. */
async function describeServer(location: MysqlLocation, url: string): Promise<{ version: string; bytes: number }> {
  const db = openDatabase(url);
  try {
    const [[row]] = (await db.raw(
      'select version() as version, coalesce(sum(data_length), 0) as bytes from information_schema.tables where table_schema = ?',
      [location.database],
    )) as [[{ version: string; bytes: number | string }]];
    return { version: row.version, bytes: Number(row.bytes) };
  } finally {
    await db.destroy();
  }
}

export async function backupMysqlWithFacts(
  url: string,
  location: MysqlLocation,
  dir: string,
  stem: string,
  toolSetting: BackupSettings['tool'],
  progress: BackupProgress,
): Promise<{
  file: string;
  bytes: number;
  sha256: string;
  tables: TableFacts[];
  serverVersion: string;
  tool: { name: string; version: string };
}> {
  const tool = chooseDumpTool(toolSetting);
  const server = await describeServer(location, url);
  const made =
    tool.dump === 'mydumper'
      ? await backupMydumper(location, dir, stem, tool, progress)
      : await backupMysql(location, dir, stem, tool, progress, server.bytes);
  return { ...made, serverVersion: server.version, tool: { name: tool.dump, version: tool.version } };
}

/**
 * Restores a MySQL backup into a scratch database on the scratch server, dumps that copy again with the same
 * tool to read its facts, compares them with the manifest, and drops the scratch database whatever happens.
 */
export async function compareMysqlBackup(
  path: string,
  manifest: BackupManifest,
  scratchUrl: string,
): Promise<string | undefined> {
  const server = locateDatabase(scratchUrl);
  if (server.engine !== 'mysql') return 'a MySQL backup can only be verified on a MySQL/MariaDB scratch server';
  const scratch: MysqlLocation = { ...server, database: `banto_verify_${randomBytes(4).toString('hex')}` };
  const admin = openDatabase(scratchUrl);
  try {
    await admin.raw(`create database \`${scratch.database}\` character set utf8mb4`);
    try {
      await restoreBackup(path, manifest, scratch);
      // The copy is read by the tool that made the backup, so the rows print alike.
      const tool = chooseDumpTool(toolOfBackup(manifest.tool.name));
      const facts =
        tool.dump === 'mydumper'
          ? await readMydumperFacts(scratch, tool, tmpdir())
          : await readMysqlFacts(scratch, tool);
      return compareFacts(manifest, facts);
    } finally {
      await admin.raw(`drop database if exists \`${scratch.database}\``);
    }
  } finally {
    await admin.destroy();
  }
}

/** Loads a MySQL backup (a gzipped dump, or a mydumper folder) into `location`'s database. */
export async function restoreBackup(path: string, manifest: BackupManifest, location: MysqlLocation): Promise<void> {
  const tool = chooseDumpTool(toolOfBackup(manifest.tool.name));
  if (tool.dump === 'mydumper') await restoreMydumper(path, location, tool);
  else await restoreMysql(path, location, tool);
}

/** A backup's sha256: of its file, or of a mydumper folder's files (names and contents). */
export async function digestOfBackup(path: string, manifest: BackupManifest): Promise<string> {
  return manifest.file.endsWith('.mydumper') ? digestFolder(path) : sha256OfFile(path);
}
