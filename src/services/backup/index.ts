import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../clock.js';
import type { BackupSettings, DataSettings } from '../../config-data.js';
import { locateDatabase } from '../../db/location.js';
import { BantoError } from '../../errors.js';
import { listManifests, manifestPath, writeManifest, type BackupManifest } from './manifest.js';
import { planRetention } from './retention.js';
import { backupSqlite, type BackupProgress } from './sqlite.js';
import { compareSqliteBackup } from './verify-sqlite.js';
import { assertWritable, backupMysqlWithFacts, compareMysqlBackup, digestOfBackup } from './mysql-service.js';

export type { BackupManifest } from './manifest.js';
export type { BackupProgress } from './sqlite.js';

export interface BackupDeps {
  backup: BackupSettings;
  data: DataSettings;
  clock: Clock;
  cwd?: string;
}

export interface ListedBackup {
  backup: BackupManifest;
  /** Why the retention policy keeps it; empty when the next prune removes it. */
  keptFor: string[];
}

export interface PruneOutcome {
  dryRun: boolean;
  kept: ListedBackup[];
  removed: BackupManifest[];
  /** Where removed backups went: deleted, or moved to the archive directory. */
  action: 'delete' | 'archive';
}

export interface VerifyOutcome {
  backup: BackupManifest;
  problem?: string | undefined;
  durationMs: number;
}

/** Backups of the production connection: made, listed, pruned under the retention policy, and verified. */
export function createBackupService(deps: BackupDeps) {
  const { backup: settings, clock } = deps;
  const dir = settings.dir;

  const productionLocation = () => {
    const { url, urlEnv } = deps.data.production;
    if (!url)
      throw new BantoError('DATA_NO_PRODUCTION', `${urlEnv} is not set: there is no production database to back up`);
    return locateDatabase(url, deps.cwd);
  };

  async function run(progress: BackupProgress = {}): Promise<BackupManifest> {
    const location = productionLocation();
    await mkdir(dir, { recursive: true });
    const started = clock.now();
    const stem = `banto-${location.database}-${started.toUTC().toFormat("yyyyMMdd'T'HHmmssSSS'Z'")}`;
    const startedMs = performance.now();
    const made =
      location.engine === 'sqlite'
        ? await backupSqlite(location.path, dir, stem, progress).then((m) => ({
            ...m,
            serverVersion: `SQLite ${m.version}`,
            tool: { name: 'better-sqlite3 online backup', version: m.version },
          }))
        : await backupMysqlWithFacts(deps.data.production.url!, location, dir, stem, settings.tool, progress);
    const manifest: BackupManifest = {
      file: made.file,
      createdAt: started.toUTC().toISO()!,
      engine: location.engine,
      database: location.database,
      serverVersion: made.serverVersion,
      tool: made.tool,
      tables: made.tables,
      bytes: made.bytes,
      sha256: made.sha256,
      durationMs: Math.round(performance.now() - startedMs),
    };
    await writeManifest(dir, manifest);
    return manifest;
  }

  async function list(): Promise<{ backups: ListedBackup[]; unreadable: string[] }> {
    const { manifests, unreadable } = await listManifests(dir);
    const plan = planRetention(manifests, settings.keep, clock.zone);
    const kept = new Map(plan.keep.map((k) => [k.backup, k.reasons]));
    return { backups: manifests.map((backup) => ({ backup, keptFor: kept.get(backup) ?? [] })), unreadable };
  }

  async function prune({ dryRun }: { dryRun: boolean }): Promise<PruneOutcome> {
    const { manifests } = await listManifests(dir);
    const plan = planRetention(manifests, settings.keep, clock.zone);
    const outcome: PruneOutcome = {
      dryRun,
      kept: plan.keep.map((k) => ({ backup: k.backup, keptFor: k.reasons })),
      removed: plan.remove,
      action: settings.pruned,
    };
    if (dryRun) return outcome;
    if (settings.pruned === 'archive') await mkdir(settings.archiveDir, { recursive: true });
    for (const backup of plan.remove) {
      // The manifest goes first: a backup without one is unfinished and never listed, whatever happens next.
      const files = [manifestPath(dir, backup.file), join(dir, backup.file)];
      for (const file of files) {
        if (settings.pruned === 'archive')
          await rename(file, join(settings.archiveDir, file.slice(dir.length + 1))).catch(ignoreMissing);
        else await rm(file, { recursive: true, force: true });
      }
    }
    return outcome;
  }

  /** Verifies a backup (the newest by default) and records the outcome in its manifest. */
  async function verify(file?: string): Promise<VerifyOutcome> {
    const { manifests } = await listManifests(dir);
    const target = file ? manifests.find((m) => m.file === file) : manifests[0];
    if (!target)
      throw new BantoError('BACKUP_NOT_FOUND', file ? `no backup named ${file} in ${dir}` : `no backups in ${dir}`);
    const started = performance.now();
    const problem = await findProblem(target);
    const verification = {
      state: problem ? ('failed' as const) : ('verified' as const),
      at: clock.now().toUTC().toISO()!,
      ...(problem ? { problem } : {}),
    };
    const marked = { ...target, verification };
    await writeManifest(dir, marked);
    return { backup: marked, problem, durationMs: Math.round(performance.now() - started) };
  }

  async function findProblem(manifest: BackupManifest): Promise<string | undefined> {
    const path = join(dir, manifest.file);
    const size = await stat(path).then(
      (s) => s.size,
      () => undefined,
    );
    if (size === undefined) return `the backup file ${manifest.file} is missing`;
    if ((await digestOfBackup(path, manifest)) !== manifest.sha256)
      return "the file's sha256 differs from the manifest's: it changed after it was written";
    if (manifest.engine === 'sqlite') return compareSqliteBackup(dir, manifest, dir);
    return compareMysqlBackup(path, manifest, scratchServer());
  }

  /** MySQL backups are restored on the scratch server: backup.scratch_url_env, else the development connection. */
  function scratchServer(): string {
    const connection = settings.scratch ?? deps.data.development;
    if (!connection?.url)
      throw new BantoError(
        'BACKUP_NO_SCRATCH',
        connection
          ? `${connection.urlEnv} is not set: there is no server to restore the backup on for verification`
          : 'verifying a MySQL backup needs a server to restore it on: set backup.scratch_url_env or data.development',
      );
    assertWritable(connection.url, deps.data.neverWrite, deps.cwd);
    return connection.url;
  }

  return { dir, run, list, prune, verify };
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
