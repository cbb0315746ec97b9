import { basename, resolve } from 'node:path';
import { BantoError } from '../errors.js';

/** Where a database URL points: a SQLite file, or a MySQL/MariaDB server and database. */
export type DatabaseLocation =
  | { engine: 'sqlite'; path: string; database: string }
  | { engine: 'mysql'; host: string; port: number; user: string; password: string; database: string };

/** Reads `sqlite:PATH` (relative to cwd, as openDatabase does) or `mysql://user:pass@host:port/db`. */
export function locateDatabase(url: string, cwd = process.cwd()): DatabaseLocation {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === ':memory:' || path === '')
      throw new BantoError('DATA_URL', 'an in-memory SQLite database cannot be backed up or refreshed');
    const file = resolve(cwd, path);
    return { engine: 'sqlite', path: file, database: basename(file).replace(/\.[^.]*$/, '') };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BantoError('DATA_URL', 'a database URL must be sqlite:PATH or mysql://user:password@host:port/database');
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:')
    throw new BantoError('DATA_URL', `unsupported database URL scheme ${parsed.protocol}`);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$]+$/.test(database))
    throw new BantoError('DATA_URL', 'a MySQL URL must name its database: mysql://user:password@host:port/database');
  return {
    engine: 'mysql',
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}
