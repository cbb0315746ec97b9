import type { Knex } from 'knex';
import type { Engine } from './engine.js';

export type RefreshStatus = 'refreshing' | 'usable' | 'unusable';

export interface RefreshMark {
  status: RefreshStatus;
  startedAt: string;
  finishedAt?: string | undefined;
  backup: string;
  reason?: string | undefined;
}

/** The table of migration 0010, for a target that Banto has not migrated. */
async function ensureMarkerTable(engine: Engine): Promise<void> {
  const id =
    engine.dialect === 'sqlite' ? 'id integer primary key autoincrement' : 'id int unsigned auto_increment primary key';
  await engine.run(
    `create table if not exists banto_dev_refresh (${id}, started_at varchar(23) not null, finished_at varchar(23) null, status varchar(16) not null, backup varchar(255) not null, reason text null)`,
  );
}

/** Records the state of the copy in the copy itself, for /healthz and the mail sender there. */
export async function markRefresh(engine: Engine, mark: RefreshMark): Promise<void> {
  await ensureMarkerTable(engine);
  await engine.run(
    'insert into banto_dev_refresh (started_at, finished_at, status, backup, reason) values (?, ?, ?, ?, ?)',
    [mark.startedAt, mark.finishedAt ?? null, mark.status, mark.backup, mark.reason ?? null],
  );
}

/**
 * The newest mark of this database: undefined when it was never refreshed (a database of its own, not a copy),
 * so only a copy whose refresh did not prove it anonymized counts as unusable.
 */
export async function readRefreshMark(db: Knex): Promise<RefreshMark | undefined> {
  if (!(await db.schema.hasTable('banto_dev_refresh'))) return undefined;
  const row = (await db('banto_dev_refresh').orderBy('id', 'desc').first()) as
    | { status: RefreshStatus; started_at: string; finished_at: string | null; backup: string; reason: string | null }
    | undefined;
  if (!row) return undefined;
  return {
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    backup: row.backup,
    reason: row.reason ?? undefined,
  };
}

/** The mail sender's question, on Banto's own (migrated) database: is this a copy not proven anonymized? */
export async function isUnprovenCopy(db: Knex): Promise<boolean> {
  const row = (await db('banto_dev_refresh').orderBy('id', 'desc').first('status')) as
    { status: RefreshStatus } | undefined;
  return row !== undefined && row.status !== 'usable';
}
