import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import { insertReturningId } from '../../db/insert.js';
import { fromDbTime, toDbTime } from '../../db/time.js';
import type { SyncErrorClass } from './fetch-page.js';

export type SyncRunStatus = 'running' | 'succeeded' | 'failed' | 'stale';

export interface SkippedRecord {
  key: string;
  reason: string;
}

export interface SyncRun {
  id: number;
  source: string;
  trigger: string;
  startedBy: string | undefined;
  status: SyncRunStatus;
  startedAt: DateTime;
  finishedAt: DateTime | undefined;
  pages: number;
  fetched: number;
  inserted: number;
  updated: number;
  skipped: number;
  lagSeconds: number | undefined;
  errorClass: SyncErrorClass | undefined;
  errorMessage: string | undefined;
  skippedRecords: SkippedRecord[];
}

export interface SyncState {
  cursor: string | undefined;
  newestAt: DateTime | undefined;
  lastSuccessAt: DateTime | undefined;
  failureStreak: number;
}

type Row = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
const time = (v: unknown) => (v === null || v === undefined ? undefined : fromDbTime(v as string | Date));

function toRun(row: Row): SyncRun {
  return {
    id: Number(row.id),
    source: String(row.source),
    trigger: String(row.trigger),
    startedBy: text(row.started_by),
    status: String(row.status) as SyncRunStatus,
    startedAt: fromDbTime(row.started_at as string),
    finishedAt: time(row.finished_at),
    pages: Number(row.pages),
    fetched: Number(row.fetched),
    inserted: Number(row.inserted),
    updated: Number(row.updated),
    skipped: Number(row.skipped),
    lagSeconds: row.lag_seconds === null ? undefined : Number(row.lag_seconds),
    errorClass: text(row.error_class) as SyncErrorClass | undefined,
    errorMessage: text(row.error_message),
    skippedRecords: row.skipped_records ? (JSON.parse(String(row.skipped_records)) as SkippedRecord[]) : [],
  };
}

export async function readSyncState(db: Knex, source: string): Promise<SyncState> {
  const row = (await db('banto_sync_state').where({ source }).first()) as Row | undefined;
  return {
    cursor: text(row?.cursor),
    newestAt: time(row?.newest_at),
    lastSuccessAt: time(row?.last_success_at),
    failureStreak: row ? Number(row.failure_streak) : 0,
  };
}

export async function writeSyncState(db: Knex, source: string, state: SyncState, now: DateTime): Promise<void> {
  const row = {
    source,
    cursor: state.cursor ?? null,
    newest_at: state.newestAt ? toDbTime(state.newestAt) : null,
    last_success_at: state.lastSuccessAt ? toDbTime(state.lastSuccessAt) : null,
    failure_streak: state.failureStreak,
    updated_at: toDbTime(now),
  };
  await db('banto_sync_state').insert(row).onConflict('source').merge();
}

export async function startSyncRun(
  db: Knex,
  input: { source: string; trigger: string; startedBy?: string | undefined; startedAt: DateTime; cursor?: string },
): Promise<number> {
  return insertReturningId(db, 'banto_sync_runs', {
    source: input.source,
    trigger: input.trigger,
    started_by: input.startedBy ?? null,
    status: 'running',
    started_at: toDbTime(input.startedAt),
    cursor_from: input.cursor?.slice(0, 500) ?? null,
  });
}

export interface SyncRunEnd {
  status: Exclude<SyncRunStatus, 'running'>;
  finishedAt: DateTime;
  pages: number;
  fetched: number;
  inserted: number;
  updated: number;
  skippedRecords: SkippedRecord[];
  skipped: number;
  lagSeconds: number | undefined;
  errorClass?: SyncErrorClass | undefined;
  errorMessage?: string | undefined;
  cursor?: string | undefined;
}

export async function finishSyncRun(db: Knex, id: number, end: SyncRunEnd): Promise<void> {
  await db('banto_sync_runs')
    .where({ id })
    .update({
      status: end.status,
      finished_at: toDbTime(end.finishedAt),
      pages: end.pages,
      fetched: end.fetched,
      inserted: end.inserted,
      updated: end.updated,
      skipped: end.skipped,
      lag_seconds: end.lagSeconds ?? null,
      error_class: end.errorClass ?? null,
      error_message: end.errorMessage?.slice(0, 500) ?? null,
      skipped_records: end.skippedRecords.length > 0 ? JSON.stringify(end.skippedRecords) : null,
      cursor_to: end.cursor?.slice(0, 500) ?? null,
    });
}

export async function syncRuns(db: Knex, source: string): Promise<SyncRun[]> {
  const rows = (await db('banto_sync_runs').where({ source }).orderBy('id')) as Row[];
  return rows.map(toRun);
}
export async function latestSyncRun(db: Knex, source: string): Promise<SyncRun | undefined> {
  const row = (await db('banto_sync_runs').where({ source }).orderBy('id', 'desc').first()) as Row | undefined;
  return row ? toRun(row) : undefined;
}

/** Records written (inserted or updated) by the runs of `source` that started in [from, to). */
export async function recordsSyncedBetween(db: Knex, source: string, from: DateTime, to: DateTime): Promise<number> {
  const row = (await db('banto_sync_runs')
    .where({ source })
    .andWhere('started_at', '>=', toDbTime(from))
    .andWhere('started_at', '<', toDbTime(to))
    .sum({ inserted: 'inserted', updated: 'updated' })
    .first()) as { inserted: number | string | null; updated: number | string | null } | undefined;
  return Number(row?.inserted ?? 0) + Number(row?.updated ?? 0);
}
