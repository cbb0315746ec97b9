import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Knex } from 'knex';
import { dialectOf } from '../../db/connect.js';
import { BantoError } from '../../errors.js';
import type { Bindings } from './params.js';

export interface ReportAnswer {
  columns: string[];
  rows: unknown[][];
  /** More rows than the limit: the answer shows the first ones and says so. */
  truncated: boolean;
}

export interface RunLimits {
  timeoutMs: number;
  maxRows: number;
}

/*
 * SQLite runs the query in a worker thread on its own connection, opened readonly: better-sqlite3 cannot be
 * interrupted from the thread that waits, so a query past its time is stopped by ending the worker. The worker is
 * plain CommonJS given as text, so it runs the same from the sources (tsx) and from dist/.
 */
const sqliteWorker = `
const { parentPort, workerData: w } = require('node:worker_threads');
const Database = require(w.driver);
const db = new Database(w.filename, { readonly: true, fileMustExist: true });
try {
  db.pragma('query_only = ON');
  const statement = db.prepare(w.sql);
  if (!statement.reader) { statement.run(w.bindings); parentPort.postMessage({ columns: [], rows: [], truncated: false }); }
  else {
    const columns = statement.columns().map((c) => c.name);
    const rows = [];
    let truncated = false;
    for (const row of statement.raw(true).iterate(w.bindings)) {
      if (rows.length === w.maxRows) { truncated = true; break; }
      rows.push(row);
    }
    parentPort.postMessage({ columns, rows, truncated });
  }
} catch (error) {
  parentPort.postMessage({ error: { code: error.code, message: error.message } });
} finally {
  db.close();
}`;

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

function runOnSqlite(filename: string, sql: string, bindings: Bindings, limits: RunLimits): Promise<ReportAnswer> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(sqliteWorker, {
      eval: true,
      workerData: { driver, filename, sql, bindings, maxRows: limits.maxRows },
    });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(Object.assign(new Error('timeout'), { code: 'BANTO_REPORT_TIMEOUT' }));
    }, limits.timeoutMs);
    worker.once('message', (answer: ReportAnswer | { error: { code?: string; message: string } }) => {
      clearTimeout(timer);
      void worker.terminate();
      if ('error' in answer) reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
      else resolve(answer);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * MySQL and MariaDB: a READ ONLY transaction, and the server's own statement time limit and row limit for this one
 * statement (MariaDB: SET STATEMENT … FOR; MySQL: the session's, reset after).
 */
async function runOnMysql(db: Knex, sql: string, bindings: Bindings, limits: RunLimits): Promise<ReportAnswer> {
  const [versionRows] = (await db.raw('select version() as v')) as [{ v: string }[]];
  const mariadb = /mariadb/i.test(versionRows[0]?.v ?? '');
  const limit = limits.maxRows + 1;
  const [rows, fields] = (await db.transaction(
    async (trx) => {
      if (mariadb)
        return trx.raw(
          `SET STATEMENT max_statement_time=${limits.timeoutMs / 1000}, sql_select_limit=${limit} FOR ${sql}`,
          bindings,
        );
      await trx.raw('SET SESSION max_execution_time = ?, sql_select_limit = ?', [limits.timeoutMs, limit]);
      try {
        return await trx.raw(sql, bindings);
      } finally {
        await trx.raw('SET SESSION max_execution_time = DEFAULT, sql_select_limit = DEFAULT');
      }
    },
    { readOnly: true },
  )) as [Record<string, unknown>[] | { affectedRows: number }, { name: string }[] | undefined];
  const list = Array.isArray(rows) ? rows : [];
  const columns = (fields ?? []).map((f) => f.name);
  return {
    columns,
    rows: list.slice(0, limits.maxRows).map((row) => columns.map((c) => row[c])),
    truncated: list.length > limits.maxRows,
  };
}

/** What went wrong, said so a person can act on it; anything else is the database's own message. */
function explain(error: unknown, limits: RunLimits): BantoError {
  const e = error as { code?: string; errno?: number; sqlMessage?: string; message?: string };
  if (
    e.code === 'BANTO_REPORT_TIMEOUT' ||
    e.code === 'ER_STATEMENT_TIMEOUT' ||
    e.code === 'ER_QUERY_TIMEOUT' ||
    e.errno === 1969
  )
    return new BantoError('REPORT_TIMEOUT', `the query ran longer than ${limits.timeoutMs / 1000} s and was stopped`);
  if (e.code === 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' || e.code?.startsWith('SQLITE_READONLY'))
    return new BantoError('REPORT_WRITES', 'a report may only read: the database refused a write');
  return new BantoError('REPORT_FAILED', `the query failed: ${e.sqlMessage ?? e.message ?? String(error)}`);
}

/** One report query, read-only, within its time and row limits; parameters bound, never pasted into the SQL. */
export async function runReportQuery(
  db: Knex,
  sql: string,
  bindings: Bindings,
  limits: RunLimits,
): Promise<ReportAnswer> {
  try {
    if (dialectOf(db) === 'sqlite') {
      const filename = (db.client.config.connection as { filename: string }).filename;
      return await runOnSqlite(filename, sql, bindings, limits);
    }
    return await runOnMysql(db, sql, bindings, limits);
  } catch (error) {
    throw explain(error, limits);
  }
}
