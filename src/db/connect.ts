import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import knex, { type Knex } from 'knex';

export type Dialect = 'sqlite' | 'mysql';

export function dialectOf(db: Knex): Dialect {
  return db.client.config.client === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

/**
 * Opens knex for `sqlite:PATH` or `mysql://…`. Times are stored as UTC text
 * ('yyyy-MM-dd HH:mm:ss.SSS', see time.ts) and read back as strings on both
 * engines, so range queries compare the same way everywhere.
 */
/**
 * Up to 10 connections per process; an idle one is closed after 30 s (a
 * restarted server's dead connections leave the pool that way too). A failed
 * connect fails the query that waited for it at once (knex's default), and the
 * next query tries to connect anew.
 */
const mysqlPool = { min: 0, max: 10, idleTimeoutMillis: 30_000, createTimeoutMillis: 5000 };

/** Where knex's own warnings go (a lost connection, a pool error): the app's log, not the console. */
export interface DatabaseLog {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

function knexLog(log: DatabaseLog | undefined): Knex.Config['log'] {
  if (!log) return undefined;
  return {
    warn: (message: unknown) => log.warn({ knex: String(message) }, 'database warning'),
    error: (message: unknown) => log.error({ knex: String(message) }, 'database error'),
    deprecate: (method: string, alternative: string) => log.warn({ method, alternative }, 'knex deprecation'),
    debug: () => undefined,
  };
}

export interface OpenOptions {
  cwd?: string;
  log?: DatabaseLog;
  /**
   * Nothing can be written: SQLite opens the file `readonly` (and `query_only`), MySQL sets every connection's
   * session `TRANSACTION READ ONLY`. The CLI on a production profile opens its database this way.
   */
  readOnly?: boolean;
}

export function openDatabase(url: string, { cwd = process.cwd(), log, readOnly = false }: OpenOptions = {}): Knex {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    const filename = path === ':memory:' ? path : resolve(cwd, path);
    if (filename !== ':memory:' && !readOnly) mkdirSync(dirname(filename), { recursive: true });
    return knex({
      client: 'better-sqlite3',
      connection: { filename, options: { readonly: readOnly } },
      useNullAsDefault: true,
      log: knexLog(log),
      pool: {
        min: 1,
        max: 1,
        // WAL lets readers run beside the single writer and makes each commit cheap;
        // busy_timeout turns a short lock wait into waiting instead of SQLITE_BUSY.
        afterCreate(conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
          if (readOnly) conn.pragma('query_only = ON');
          else {
            conn.pragma('journal_mode = WAL');
            conn.pragma('synchronous = NORMAL');
          }
          conn.pragma('busy_timeout = 5000');
          conn.pragma('foreign_keys = ON');
          done(null, conn);
        },
      },
    });
  }
  const mysqlUrl = new URL(url.replace(/^mariadb:/, 'mysql:'));
  return knex({
    client: 'mysql2',
    connection: {
      host: mysqlUrl.hostname,
      port: mysqlUrl.port ? Number(mysqlUrl.port) : 3306,
      user: decodeURIComponent(mysqlUrl.username),
      password: decodeURIComponent(mysqlUrl.password),
      database: mysqlUrl.pathname.replace(/^\//, ''),
      timezone: 'Z',
      dateStrings: true,
      charset: 'utf8mb4',
      supportBigNumbers: true,
      bigNumberStrings: false,
      // A server that does not answer the handshake is given up on, not waited for (mysql2's default is 10 s).
      connectTimeout: 5000,
      // Keep-alive notices a connection that a restart or a firewall dropped, before a query is sent on it.
      enableKeepAlive: true,
      keepAliveInitialDelay: 10_000,
    },
    pool: readOnly
      ? {
          ...mysqlPool,
          afterCreate(
            conn: { query(sql: string, callback: (err: Error | null) => void): void },
            done: (err: Error | null, conn: unknown) => void,
          ) {
            conn.query('SET SESSION TRANSACTION READ ONLY', (err) => done(err, conn));
          },
        }
      : mysqlPool,
    log: knexLog(log),
    // A query waits this long for a free connection (knex's default is 60 s): with the database away, a
    // command hears "try again" within Slack's 3 s and a job's attempt fails and is retried by its policy.
    acquireConnectionTimeout: 2000,
  });
}
