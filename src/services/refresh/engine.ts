import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Knex } from 'knex';

export interface TableInfo {
  name: string;
  columns: string[];
  /** The single-column primary key that chunks the updates; undefined for none or a composite one. */
  primaryKey: string | undefined;
}

/** What anonymization needs of a database, the same on both engines: set-based SQL, run inside it. */
export interface Engine {
  dialect: 'sqlite' | 'mysql';
  tables(): Promise<TableInfo[]>;
  /** Runs a statement; returns the rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** The first column of each row. */
  column(sql: string, params?: readonly unknown[]): Promise<unknown[]>;
  quote(name: string): string;
  concat(parts: string[]): string;
  /** SQL for the first `length` hex digits of sha256(secret || value), the key of a deterministic fake. */
  hash(secretParam: string, value: string, length: number): string;
}

/** sha256(secret || value) as hex: what both engines compute, so a fake is the same wherever it is made. */
export const fakeHash = (secret: string, value: string) =>
  createHash('sha256')
    .update(secret + value, 'utf8')
    .digest('hex');

/** SQLite through better-sqlite3 on a file Banto holds alone (a copy being prepared), with a sha256 function. */
export function sqliteEngine(db: Database.Database): Engine {
  db.function('banto_sha256', { deterministic: true }, (secret: unknown, value: unknown) =>
    value === null ? null : fakeHash(String(secret), String(value)),
  );
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return {
    dialect: 'sqlite',
    async tables() {
      const names = db
        .prepare(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name",
        )
        .all() as { name: string }[];
      return names.map(({ name }) => {
        const info = db.prepare(`pragma table_info(${quote(name)})`).all() as { name: string; pk: number }[];
        const keys = info.filter((c) => c.pk > 0);
        return { name, columns: info.map((c) => c.name), primaryKey: keys.length === 1 ? keys[0]!.name : undefined };
      });
    },
    async run(sql, params = []) {
      return db.prepare(sql).run(...params).changes;
    },
    async column(sql, params = []) {
      return db
        .prepare(sql)
        .raw()
        .all(...params)
        .map((row) => (row as unknown[])[0]);
    },
    quote,
    concat: (parts) => `(${parts.join(' || ')})`,
    hash: (secret, value, length) => `substr(banto_sha256(${secret}, ${value}), 1, ${length})`,
  };
}

/** MySQL/MariaDB through knex, on one database. */
export function mysqlEngine(db: Knex, database: string): Engine {
  const quote = (name: string) => `\`${name.replace(/`/g, '``')}\``;
  return {
    dialect: 'mysql',
    async tables() {
      const [rows] = (await db.raw(
        `select c.table_name as t, c.column_name as c, c.column_key as k
           from information_schema.columns c join information_schema.tables t
             on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
          where c.table_schema = ? order by c.table_name, c.ordinal_position`,
        [database],
      )) as [{ t: string; c: string; k: string }[]];
      const byTable = new Map<string, { columns: string[]; keys: string[] }>();
      for (const row of rows) {
        const entry = byTable.get(row.t) ?? { columns: [], keys: [] };
        entry.columns.push(row.c);
        if (row.k === 'PRI') entry.keys.push(row.c);
        byTable.set(row.t, entry);
      }
      return [...byTable.entries()].map(([name, e]) => ({
        name,
        columns: e.columns,
        primaryKey: e.keys.length === 1 ? e.keys[0] : undefined,
      }));
    },
    async run(sql, params = []) {
      const [result] = (await db.raw(sql, [...params] as Knex.RawBinding[])) as [{ affectedRows: number }];
      return result.affectedRows;
    },
    async column(sql, params = []) {
      const [rows] = (await db.raw(sql, [...params] as Knex.RawBinding[])) as [Record<string, unknown>[]];
      return rows.map((row) => Object.values(row)[0]);
    },
    quote,
    concat: (parts) => `concat(${parts.join(', ')})`,
    hash: (secret, value, length) => `left(sha2(concat(${secret}, ${value}), 256), ${length})`,
  };
}
