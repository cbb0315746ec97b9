import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { fromDbTime } from '../../db/time.js';
import { fetchPage, SyncError, type FetchDeps, type SyncErrorClass } from './fetch-page.js';
import { keyColumn, recordSchema, type SyncRow, type SyncSource } from './source.js';
import {
  finishSyncRun,
  readSyncState,
  startSyncRun,
  writeSyncState,
  type SkippedRecord,
  type SyncRunEnd,
  type SyncState,
} from './sync-runs.js';
import { prepareSyncTable } from './sync-table.js';
import { upsertPage } from './upsert.js';

export interface SyncDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  wait?: FetchDeps['wait'];
}

export interface SyncRunOptions {
  trigger: string;
  startedBy?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface SyncOutcome extends SyncRunEnd {
  id: number;
  source: string;
  /** Where the source stands after the run (its streak counts this run). */
  state: SyncState;
}

/** The first skipped records kept on the run, for "Show errors"; the count has them all. */
const keptSkipped = 50;

interface Progress {
  pages: number;
  fetched: number;
  inserted: number;
  updated: number;
  skipped: number;
  skippedRecords: SkippedRecord[];
  newest: DateTime | undefined;
}

function countsOf({ pages, fetched, inserted, updated, skipped, skippedRecords }: Progress) {
  return { pages, fetched, inserted, updated, skipped, skippedRecords };
}

function validate(source: SyncSource, records: unknown[], progress: Progress): SyncRow[] {
  const schema = recordSchema(source);
  const rows: SyncRow[] = [];
  for (const record of records) {
    const parsed = schema.safeParse(record);
    if (parsed.success) {
      rows.push(parsed.data);
      continue;
    }
    progress.skipped++;
    if (progress.skippedRecords.length < keptSkipped) {
      const key = (record as Record<string, unknown> | null)?.[source.key];
      const issue = parsed.error.issues[0];
      const reason = issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'invalid';
      progress.skippedRecords.push({ key: key === undefined ? '(no key)' : String(key).slice(0, 64), reason });
    }
  }
  return rows;
}

function newestOf(source: SyncSource, rows: SyncRow[], newest: DateTime | undefined): DateTime | undefined {
  const column = source.fields.find((f) => f.name === source.updatedAtField)?.column;
  if (!column) return newest;
  let latest = newest;
  for (const row of rows) {
    const value = row[column];
    if (typeof value !== 'string') continue;
    const at = fromDbTime(value);
    if (!latest || at > latest) latest = at;
  }
  return latest;
}

/** Fetches and writes pages until the partner has no more; `progress` says how far it got, also on a throw. */
async function pageThrough(
  deps: SyncDeps,
  source: SyncSource,
  from: string | undefined,
  options: SyncRunOptions,
  progress: Progress,
): Promise<string | undefined> {
  const key = keyColumn(source);
  let cursor = from;
  for (;;) {
    if (progress.pages >= source.maxPages)
      throw new SyncError('too_many_pages', `more than ${source.maxPages} pages in one run`);
    const page = await fetchPage(source, cursor, { wait: deps.wait, signal: options.signal });
    progress.pages++;
    progress.fetched += page.records.length;
    const rows = validate(source, page.records, progress);
    const counts = await upsertPage(deps.db, source.table, key, rows).catch((error: unknown) => {
      throw new SyncError('database', (error as Error).message);
    });
    progress.inserted += counts.inserted;
    progress.updated += counts.updated;
    progress.newest = newestOf(source, rows, progress.newest);
    // A partner that hands back the cursor it was given has nothing newer: the run ends there.
    const moved = page.nextCursor !== undefined && page.nextCursor !== cursor;
    if (moved) cursor = page.nextCursor;
    if (!page.hasMore || !moved) return cursor;
  }
}

/**
 * One sync run of a source: from the cursor of the last complete run, page by page, each page upserted in one
 * transaction; the new cursor is stored only when the last page is in. A run that fails midway leaves the cursor
 * where it was, so the next run fetches those pages again and the upsert makes that harmless: nothing skipped,
 * nothing doubled. Invalid records are skipped and listed; the rest go in. The run's row says what happened.
 */
export async function runSync(deps: SyncDeps, source: SyncSource, options: SyncRunOptions): Promise<SyncOutcome> {
  const { db, clock, logger } = deps;
  await prepareSyncTable(db, source);
  const before = await readSyncState(db, source.name);
  const id = await startSyncRun(db, {
    source: source.name,
    trigger: options.trigger,
    startedBy: options.startedBy,
    startedAt: clock.now(),
    ...(before.cursor === undefined ? {} : { cursor: before.cursor }),
  });
  const progress: Progress = {
    pages: 0,
    fetched: 0,
    inserted: 0,
    updated: 0,
    skipped: 0,
    skippedRecords: [],
    newest: undefined,
  };
  let end: SyncRunEnd;
  let state: SyncState;
  try {
    const cursor = await pageThrough(deps, source, before.cursor, options, progress);
    const now = clock.now();
    const newestAt =
      progress.newest && (!before.newestAt || progress.newest > before.newestAt) ? progress.newest : before.newestAt;
    const lagSeconds =
      source.updatedAtField && newestAt ? Math.max(0, Math.round(now.diff(newestAt).as('seconds'))) : undefined;
    const stale = lagSeconds !== undefined && lagSeconds > source.maxLag.as('seconds');
    end = {
      ...countsOf(progress),
      status: stale ? 'stale' : 'succeeded',
      finishedAt: now,
      lagSeconds,
      cursor,
      ...(stale
        ? { errorClass: 'lag' as const, errorMessage: `the newest record is ${Math.round(lagSeconds / 60)} min old` }
        : {}),
    };
    state = {
      cursor,
      newestAt,
      lastSuccessAt: stale ? before.lastSuccessAt : now,
      failureStreak: stale ? before.failureStreak + 1 : 0,
    };
  } catch (error) {
    const errorClass: SyncErrorClass = error instanceof SyncError ? error.errorClass : 'unexpected';
    if (errorClass === 'unexpected') logger.error({ err: error, source: source.name }, 'sync run failed unexpectedly');
    end = {
      ...countsOf(progress),
      status: 'failed',
      finishedAt: clock.now(),
      lagSeconds: undefined,
      errorClass,
      errorMessage: (error as Error).message,
    };
    state = { ...before, failureStreak: before.failureStreak + 1 };
  }
  await finishSyncRun(db, id, end);
  await writeSyncState(db, source.name, state, end.finishedAt);
  return { ...end, id, source: source.name, state };
}
