import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import knex from 'knex';
import { openDatabase } from '../../src/db/connect.js';

export type DatabaseKind = 'sqlite' | 'mariadb';

/** SQLite always; MariaDB too when BANTO_TEST_MYSQL_URL points at a server (CI always sets it). */
export const databaseKinds: DatabaseKind[] = process.env.BANTO_TEST_MYSQL_URL ? ['sqlite', 'mariadb'] : ['sqlite'];

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  db: Knex;
  drop(): Promise<void>;
}

let counter = 0;

/** A fresh, empty database of the given kind, private to the caller. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'banto-test-'));
    const url = `sqlite:${join(dir, 'banto.sqlite3')}`;
    const db = openDatabase(url);
    return {
      kind,
      url,
      db,
      async drop() {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const server = new URL(process.env.BANTO_TEST_MYSQL_URL ?? '');
  const name = `banto_test_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = knex({
    client: 'mysql2',
    connection: {
      host: server.hostname,
      port: Number(server.port || 3306),
      user: decodeURIComponent(server.username),
      password: decodeURIComponent(server.password),
    },
  });
  await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.destroy();
  server.pathname = `/${name}`;
  const url = server.toString();
  const db = openDatabase(url);
  return {
    kind,
    url,
    db,
    async drop() {
      await db.raw(`DROP DATABASE \`${name}\``);
      await db.destroy();
    },
  };
}
