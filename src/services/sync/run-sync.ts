import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { dialectOf } from '../../db/connect.js';
import { fromDbTime } from '../../db/time.js';
import { fetchPage, SyncError, type FetchDeps, type SyncErrorClass } from './fetch-page.js';
import { createRecordReader, keyColumn, type RecordReading, type SyncRow, type SyncSource } from './source.js';
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
import { existingKeys, preparePage, writePage, type PreparedPage } from './upsert.js';

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
  /** The newest updated-at seen, as stored (UTC text). */
  newest: string | undefined;
}

function countsOf({ pages, fetched, inserted, updated, skipped, skippedRecords }: Progress) {
  return { pages, fetched, inserted, updated, skipped, skippedRecords };
}

function validate(read: (record: unknown) => RecordReading, key: string, records: unknown[], progress: Progress) {
  const rows: SyncRow[] = [];
  for (const record of records) {
    const reading = read(record);
    if ('row' in reading) {
      rows.push(reading.row);
      continue;
    }
    progress.skipped++;
    if (progress.skippedRecords.length < keptSkipped) {
      const value = record && typeof record === 'object' ? (record as Record<string, unknown>)[key] : undefined;
      const shown = value === undefined || value === null ? '(no key)' : String(value).slice(0, 64);
      progress.skippedRecords.push({ key: shown, reason: reading.problem });
    }
  }
  return rows;
}

/** The newest value of the updated-at column, as stored text (UTC text sorts as time does). */
function newestOf(source: SyncSource, rows: SyncRow[], newest: string | undefined): string | undefined {
  const column = source.fields.find((f) => f.name === source.updatedAtField)?.column;
  if (!column) return newest;
  let latest = newest;
  for (const row of rows) {
    const value = row[column];
    if (typeof value === 'string' && (latest === undefined || value > latest)) latest = value;
  }
  return latest;
}

/**
 * A failed write, said without its SQL: knex puts the statement, values included (customers' e-mail addresses),
 * in front of the driver's message, and this text goes to the run's row, `/sync-status` and the alert.
 */
function describeWriteFailure(error: unknown): string {
  const { code, sqlMessage, message } = error as { code?: unknown; sqlMessage?: unknown; message?: unknown };
  const said =
    typeof sqlMessage === 'string'
      ? sqlMessage
      : String(message ?? error)
          .split(' - ')
          .at(-1);
  return `${typeof code === 'string' ? `${code}: ` : ''}${said ?? 'the write failed'}`.slice(0, 300);
}

/** Fetches and writes pages until the partner has no more; `progress` says how far it got, also on a throw. */
async function pageThrough(
  deps: SyncDeps,
  source: SyncSource,
  from: string | undefined,
  options: SyncRunOptions,
  progress: Progress,
  countsWrites: boolean,
): Promise<string | undefined> {
  const key = keyColumn(source);
  const read = createRecordReader(source);
  let requested = 0;
  const request = (at: string | undefined) => {
    if (requested >= source.maxPages)
      return Promise.reject(new SyncError('too_many_pages', `more than ${source.maxPages} pages in one run`));
    requested++;
    const page = fetchPage(source, at, { wait: deps.wait, signal: options.signal });
    // Awaited in its turn; a failure before then must not count as unhandled.
    page.catch(() => undefined);
    return page;
  };
  // Two stages in flight: the next page is fetched and checked while this one is written, so the partner's
  // latency and the checks hide behind the database's. At most one write is pending, so pages land in order.
  let writing: Promise<void> = Promise.resolve();
  let writeFailure: unknown;
  // MySQL, into a table that does not count writes (one of the business schema): which of a page's keys exist is
  // asked on another connection while the last page is written. Keys the last page wrote count as existing
  // whatever the answer (it may have been asked before that write committed).
  const lookUp =
    dialectOf(deps.db) === 'sqlite' || countsWrites
      ? undefined
      : (keys: string[]) => existingKeys(deps.db, source.table, key, keys);
  let lastKeys = new Set<string>();
  // Started, never awaited here: the next page is read meanwhile. A failure is kept for written() to throw.
  const startWrite = async (
    page: PreparedPage,
    asked: Promise<Set<string>> | undefined,
    before: ReadonlySet<string>,
  ) => {
    try {
      const existing = asked && (await asked);
      if (existing) for (const k of page.keys) if (before.has(k)) existing.add(k);
      const counts = await writePage(deps.db, source.table, key, page, existing);
      progress.inserted += counts.inserted;
      progress.updated += counts.updated;
    } catch (error) {
      writeFailure ??= error;
    }
  };
  const written = async () => {
    await writing;
    if (writeFailure !== undefined) throw new SyncError('database', describeWriteFailure(writeFailure));
  };
  let cursor = from;
  let next = request(cursor);
  try {
    for (;;) {
      const page = await next;
      progress.pages++;
      progress.fetched += page.records.length;
      // A partner that hands back the cursor it was given has nothing newer: the run ends there.
      const moved = page.nextCursor !== undefined && page.nextCursor !== cursor;
      const more = page.hasMore && moved;
      if (more) next = request(page.nextCursor);
      const rows = validate(read, source.key, page.records, progress);
      // Made ready (on MySQL, its statement text too) before waiting for the write before it.
      const prepared = preparePage(deps.db, source.table, key, rows, countsWrites);
      const asked = lookUp?.(prepared.keys);
      asked?.catch(() => undefined);
      await written();
      writing = startWrite(prepared, asked, lastKeys);
      lastKeys = new Set(prepared.keys);
      progress.newest = newestOf(source, rows, progress.newest);
      if (moved) cursor = page.nextCursor;
      if (!more) break;
    }
  } finally {
    // Whatever ends the run, the write under way finishes before the run's row says how far it got.
    await writing;
  }
  await written();
  return cursor;
}

/**
 * One sync run of a source: from the cursor of the last complete run, page by page, each page upserted in one
 * transaction; the new cursor is stored only when the last page is in. A run that fails midway leaves the cursor
 * where it was, so the next run fetches those pages again and the upsert makes that harmless: nothing skipped,
 * nothing doubled. Invalid records are skipped and listed; the rest go in. The run's row says what happened.
 */
export async function runSync(deps: SyncDeps, source: SyncSource, options: SyncRunOptions): Promise<SyncOutcome> {
  const { db, clock, logger } = deps;
  const { countsWrites } = await prepareSyncTable(db, source);
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
    const cursor = await pageThrough(deps, source, before.cursor, options, progress, countsWrites);
    const now = clock.now();
    const seen = progress.newest === undefined ? undefined : fromDbTime(progress.newest);
    const newestAt = seen && (!before.newestAt || seen > before.newestAt) ? seen : before.newestAt;
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
