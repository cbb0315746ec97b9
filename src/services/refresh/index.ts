import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../clock.js';
import type { AnonymizeSettings, BackupSettings, DataSettings } from '../../config-data.js';
import { openDatabase } from '../../db/connect.js';
import { locateDatabase, type DatabaseLocation } from '../../db/location.js';
import { toDbTime } from '../../db/time.js';
import { BantoError } from '../../errors.js';
import { listManifests, type BackupManifest } from '../backup/manifest.js';
import { assertWritable, digestOfBackup, restoreBackup } from '../backup/mysql-service.js';
import { gunzipFile, removeSqliteFile } from '../backup/sqlite.js';
import { anonymize, checkCoverage, prove, type AnonymizeReport } from './anonymize.js';
import { mysqlEngine, sqliteEngine, type Engine } from './engine.js';
import { markRefresh, type RefreshMark } from './marker.js';
import { loadRules, type AnonymizeRules } from './rules.js';
import { swapInto } from './swap.js';

export { readRefreshMark, type RefreshMark } from './marker.js';

export interface RefreshDeps {
  data: DataSettings;
  backup: BackupSettings;
  anonymize: AnonymizeSettings;
  clock: Clock;
  cwd?: string;
}

export interface RefreshOutcome {
  backup: BackupManifest;
  /** Where the copy went, without a password. */
  target: string;
  status: 'usable' | 'unusable';
  report: AnonymizeReport;
  /** Each way the copy failed its proof; empty when usable. */
  failures: string[];
  durationMs: number;
}

type MysqlLocation = Extract<DatabaseLocation, { engine: 'mysql' }>;

const describe = (l: DatabaseLocation) =>
  l.engine === 'sqlite' ? `sqlite:${l.path}` : `mysql://${l.host}:${l.port}/${l.database}`;

/**
 * The development refresh: the newest verified backup, restored beside the development database, anonymized by
 * the rules, proven so, and only then put in its place. The development database is marked unusable from the
 * moment its refresh starts until the proof passes.
 */
export function createRefreshService(deps: RefreshDeps) {
  async function refresh(options: { to?: string } = {}): Promise<RefreshOutcome> {
    const started = performance.now();
    const startedAt = toDbTime(deps.clock.now());
    const url = options.to ?? deps.data.development?.url;
    if (!url)
      throw new BantoError(
        'REFRESH_NO_TARGET',
        deps.data.development
          ? `${deps.data.development.urlEnv} is not set: there is no development database to refresh`
          : 'no development database: set data.development in the config, or give --to',
      );
    const target = locateDatabase(url, deps.cwd);
    refuseProduction(target, url);
    const rules = loadRules(deps.anonymize.file);
    const fakes = Object.values(rules.tables).some((columns) =>
      Object.values(columns).some((rule) => typeof rule === 'object' && 'fake' in rule),
    );
    if (fakes && !deps.anonymize.secret)
      throw new BantoError(
        'REFRESH_NO_SECRET',
        'the anonymize rules use fakes: set BANTO_ANONYMIZE_SECRET, the key that makes them',
      );
    const backup = await newestVerified();
    const path = join(deps.backup.dir, backup.file);
    if ((await digestOfBackup(path, backup)) !== backup.sha256)
      throw new BantoError(
        'REFRESH_BACKUP_CHANGED',
        `${backup.file} changed since it was verified; it will not be restored`,
      );
    if (backup.engine !== target.engine)
      throw new BantoError('REFRESH_ENGINE', `a ${backup.engine} backup cannot be restored into ${target.engine}`);
    const run = { rules, backup, startedAt, secret: deps.anonymize.secret, now: () => toDbTime(deps.clock.now()) };
    const done =
      target.engine === 'sqlite'
        ? await refreshSqlite(path, target.path, run)
        : await refreshMysql(path, target, url, run);
    return { backup, target: describe(target), ...done, durationMs: Math.round(performance.now() - started) };
  }

  function refuseProduction(target: DatabaseLocation, url: string): void {
    const production = deps.data.production.url && locateDatabase(deps.data.production.url, deps.cwd);
    if (production && describe(production) === describe(target))
      throw new BantoError(
        'REFRESH_TARGET_IS_PRODUCTION',
        `${describe(target)} is the production database: a refresh never writes there`,
      );
    assertWritable(url, deps.data.neverWrite, deps.cwd);
  }

  async function newestVerified(): Promise<BackupManifest> {
    const { manifests } = await listManifests(deps.backup.dir);
    const verified = manifests.find((m) => m.verification?.state === 'verified');
    if (!verified)
      throw new BantoError(
        'REFRESH_NO_BACKUP',
        `no verified backup in ${deps.backup.dir}: run banto backup run, then banto backup verify`,
      );
    return verified;
  }

  return { refresh };
}

interface Run {
  rules: AnonymizeRules;
  backup: BackupManifest;
  startedAt: string;
  secret: string | undefined;
  now(): string;
}

type Done = Pick<RefreshOutcome, 'status' | 'report' | 'failures'>;

/**
 * Anonymizes and proves the copy. The target is marked refreshing first, and unusable when the proof fails; the
 * caller marks it usable once the proven copy is in its place.
 */
async function anonymizeAndProve(
  copy: Engine,
  markTarget: (mark: RefreshMark) => Promise<void>,
  run: Run,
): Promise<Done> {
  checkCoverage(await copy.tables(), run.rules);
  await markTarget({ startedAt: run.startedAt, backup: run.backup.file, status: 'refreshing' });
  const report = await anonymize(copy, run.rules, run.secret);
  const failures = await prove(copy, run.rules, run.secret);
  if (failures.length === 0) return { status: 'usable', report, failures };
  const reason = failures.join('; ').slice(0, 2000);
  await markTarget({
    startedAt: run.startedAt,
    backup: run.backup.file,
    status: 'unusable',
    finishedAt: run.now(),
    reason,
  });
  return { status: 'unusable', report, failures };
}

const usable = (run: Run): RefreshMark => ({
  startedAt: run.startedAt,
  backup: run.backup.file,
  status: 'usable',
  finishedAt: run.now(),
});

/** SQLite: the copy is a file beside the target, renamed over it once proven. */
async function refreshSqlite(backupPath: string, targetPath: string, run: Run): Promise<Done> {
  const copyPath = `${targetPath}.refresh-${randomBytes(4).toString('hex')}`;
  await mkdir(dirname(targetPath), { recursive: true });
  await gunzipFile(backupPath, copyPath);
  try {
    const copy = new Database(copyPath);
    let done: Done;
    try {
      // A scratch file until it is proven: no need to make each chunk durable.
      copy.pragma('synchronous = OFF');
      const engine = sqliteEngine(copy);
      done = await anonymizeAndProve(engine, (mark) => markSqliteTarget(targetPath, mark), run);
      // The copy becomes the target: its own mark says it is usable.
      if (done.status === 'usable') await markRefresh(engine, usable(run));
    } finally {
      copy.close();
    }
    if (done.status === 'usable') {
      for (const suffix of ['-wal', '-shm', '-journal']) await removeSqliteFile(`${targetPath}${suffix}`);
      await rename(copyPath, targetPath);
    }
    return done;
  } finally {
    await removeSqliteFile(copyPath);
  }
}

async function markSqliteTarget(path: string, mark: RefreshMark): Promise<void> {
  if (!existsSync(path)) return;
  const db = new Database(path);
  try {
    await markRefresh(sqliteEngine(db), mark);
  } finally {
    db.close();
  }
}

/** MySQL: the copy is a scratch database on the development server; its tables replace the target's once proven. */
async function refreshMysql(backupPath: string, target: MysqlLocation, url: string, run: Run): Promise<Done> {
  const scratch: MysqlLocation = { ...target, database: `${target.database}_banto_refresh`.slice(0, 64) };
  const server = openDatabase(url);
  try {
    await server.raw(`drop database if exists \`${scratch.database}\``);
    await server.raw(`create database \`${scratch.database}\` character set utf8mb4`);
    try {
      await restoreBackup(backupPath, run.backup, scratch);
      const scratchUrl = new URL(url);
      scratchUrl.pathname = `/${scratch.database}`;
      const scratchDb = openDatabase(scratchUrl.toString());
      try {
        const done = await anonymizeAndProve(
          mysqlEngine(scratchDb, scratch.database),
          (mark) => markRefresh(mysqlEngine(server, target.database), mark),
          run,
        );
        if (done.status === 'usable') {
          await swapInto(server, scratch.database, target.database);
          await markRefresh(mysqlEngine(server, target.database), usable(run));
        }
        return done;
      } finally {
        await scratchDb.destroy();
      }
    } finally {
      await server.raw(`drop database if exists \`${scratch.database}\``);
    }
  } finally {
    await server.destroy();
  }
}
