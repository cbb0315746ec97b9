import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import Database from 'better-sqlite3';
import { BantoError } from '../../errors.js';
import { createHashTap, type TableFacts } from './manifest.js';

/** How far a backup got, for a progress bar: bytes copied of the total, tables read of the total. */
export interface BackupProgress {
  bytes?(done: number, total: number): void;
  table?(name: string, done: number, total: number): void;
}

const sampleRows = 100;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Each table's row count and the sha256 of its first rows, read from an SQLite file. */
export function readSqliteFacts(
  path: string,
  progress: BackupProgress = {},
): { version: string; tables: TableFacts[] } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const names = (
      db
        .prepare(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name",
        )
        .all() as { name: string }[]
    ).map((r) => r.name);
    const tables = names.map((name, i) => {
      const { rows } = db.prepare(`select count(*) as rows from ${quote(name)}`).get() as { rows: number };
      let sample: unknown[];
      try {
        sample = db.prepare(`select * from ${quote(name)} order by rowid limit ${sampleRows}`).all();
      } catch {
        sample = db.prepare(`select * from ${quote(name)} order by 1 limit ${sampleRows}`).all();
      }
      progress.table?.(name, i + 1, names.length);
      return { name, rows, sample: createHash('sha256').update(JSON.stringify(sample)).digest('hex') };
    });
    const { version } = db.prepare('select sqlite_version() as version').get() as { version: string };
    return { version, tables };
  } finally {
    db.close();
  }
}

/** Gzips a file into `target` (through a `.partial` name), returning its size and sha256. */
export async function gzipFile(source: string, target: string): Promise<{ bytes: number; sha256: string }> {
  const tap = createHashTap();
  await pipeline(createReadStream(source), createGzip(), tap.stream, createWriteStream(`${target}.partial`));
  await rename(`${target}.partial`, target);
  return tap.written();
}

/** An SQLite file and the -wal, -shm and -journal files a connection may have left beside it. */
export async function removeSqliteFile(path: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${path}${suffix}`, { force: true });
}

export async function gunzipFile(source: string, target: string): Promise<void> {
  await pipeline(createReadStream(source), createGunzip(), createWriteStream(target));
}

/**
 * SQLite: better-sqlite3's online backup API copies the live database page by page (writers may go on), then the
 * copy is read for the manifest's facts and gzipped. Returns the gzip's name in `dir`.
 */
export async function backupSqlite(
  path: string,
  dir: string,
  stem: string,
  progress: BackupProgress = {},
): Promise<{ file: string; bytes: number; sha256: string; version: string; tables: TableFacts[] }> {
  const copy = join(dir, `${stem}.sqlite3.partial`);
  if (!existsSync(path)) throw new BantoError('DATA_NOT_FOUND', `there is no SQLite database at ${path} to back up`);
  const source = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const pageSize = source.pragma('page_size', { simple: true }) as number;
    let total = (source.pragma('page_count', { simple: true }) as number) * pageSize;
    progress.bytes?.(0, total);
    await source.backup(copy, {
      progress: ({ totalPages, remainingPages }) => {
        total = totalPages * pageSize;
        progress.bytes?.((totalPages - remainingPages) * pageSize, total);
        return 1000;
      },
    });
    progress.bytes?.(total, total);
  } finally {
    source.close();
  }
  try {
    // The copy carries the source's WAL mode, and a reader of a WAL file leaves -wal and -shm files beside it:
    // a backup (and every copy restored from it) is one self-contained file in the rollback journal mode.
    const writable = new Database(copy, { fileMustExist: true });
    writable.pragma('journal_mode = DELETE');
    writable.close();
    const facts = readSqliteFacts(copy, progress);
    const file = `${stem}.sqlite3.gz`;
    return { file, ...(await gzipFile(copy, join(dir, file))), ...facts };
  } finally {
    await removeSqliteFile(copy);
  }
}
