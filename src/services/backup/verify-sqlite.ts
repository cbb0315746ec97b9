import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BackupManifest } from './manifest.js';
import { gunzipFile, readSqliteFacts, removeSqliteFile } from './sqlite.js';

/**
 * Restores an SQLite backup into a scratch file, checks its integrity and compares every table's row count and
 * sample checksum with the manifest. Returns the first difference, or undefined when all match.
 */
export async function compareSqliteBackup(
  dir: string,
  manifest: BackupManifest,
  scratchDir: string,
): Promise<string | undefined> {
  const scratch = join(scratchDir, `${manifest.file}.verify-${process.pid}.sqlite3`);
  try {
    await gunzipFile(join(dir, manifest.file), scratch);
    const db = new Database(scratch, { readonly: true, fileMustExist: true });
    try {
      const integrity = db.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') return `the restored copy fails SQLite's integrity check: ${String(integrity)}`;
    } finally {
      db.close();
    }
    return compareFacts(manifest, readSqliteFacts(scratch).tables);
  } finally {
    await removeSqliteFile(scratch);
  }
}

/** The first way the restored tables differ from the manifest's, in words. */
export function compareFacts(
  manifest: BackupManifest,
  restored: readonly { name: string; rows: number; sample: string }[],
): string | undefined {
  const byName = new Map(restored.map((t) => [t.name, t]));
  for (const table of manifest.tables) {
    const found = byName.get(table.name);
    if (!found) return `table ${table.name} is missing from the restored copy`;
    if (found.rows !== table.rows) return `table ${table.name}: ${found.rows} rows restored, ${table.rows} backed up`;
    if (found.sample !== table.sample) return `table ${table.name}: the sample of its first rows differs`;
  }
  const extra = restored.find((t) => !manifest.tables.some((m) => m.name === t.name));
  return extra ? `table ${extra.name} is in the restored copy but not in the manifest` : undefined;
}
