import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

// YAML `data`, `backup` and `anonymize`: the connections data operations read and write, where backups go and
// how long they stay. A connection is named by the environment variable that holds its URL, never written here.

const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'the name of an environment variable, e.g. BANTO_PROD_DATABASE_URL');
const connection = z.strictObject({ url_env: envName });

export const dataSchema = z
  .strictObject({
    production: connection.optional(),
    development: connection.optional(),
    /** Hosts and database names that a refresh (or any restore) must never write. */
    never_write: z.array(z.string().min(1)).default([]),
  })
  .prefault({});

export const backupSchema = z
  .strictObject({
    dir: z.string().min(1).default('var/backups'),
    /** MySQL/MariaDB: which dump tool; `auto` takes mariadb-dump, else mysqldump; mydumper writes a folder (myloader restores it). SQLite always uses the online backup API. */
    tool: z.enum(['auto', 'mariadb-dump', 'mysqldump', 'mydumper']).default('auto'),
    keep: z
      .strictObject({
        daily: z.number().int().min(0).default(7),
        weekly: z.number().int().min(0).default(4),
        monthly: z.number().int().min(0).default(6),
      })
      .prefault({}),
    /** What happens to a backup that falls out of the retention policy. */
    pruned: z.enum(['delete', 'archive']).default('delete'),
    archive_dir: z.string().min(1).optional(),
    /** MySQL/MariaDB: a server (URL in this variable) where verification may create and drop a scratch database. */
    scratch_url_env: envName.optional(),
  })
  .prefault({});

/** A connection: the variable that names it (for messages) and its URL, when the variable is set. */
export interface DataConnection {
  urlEnv: string;
  url: string | undefined;
}

export interface DataSettings {
  /** What backups are made of. Without `data.production`, Banto's own database (DATABASE_URL). */
  production: DataConnection;
  development?: DataConnection | undefined;
  neverWrite: string[];
}

export interface BackupSettings {
  dir: string;
  tool: 'auto' | 'mariadb-dump' | 'mysqldump' | 'mydumper';
  keep: { daily: number; weekly: number; monthly: number };
  pruned: 'delete' | 'archive';
  archiveDir: string;
  /** Where MySQL backups are restored to be verified; default the development connection. */
  scratch?: DataConnection | undefined;
}

export interface AnonymizeSettings {
  /** The rules file (YAML `anonymize`). */
  file: string;
  /** BANTO_ANONYMIZE_SECRET: keys the deterministic fakes, so they cannot be reversed by whoever reads the rules. */
  secret?: string | undefined;
}

const absolute = (path: string, cwd: string) => (isAbsolute(path) ? path : resolve(cwd, path));

export function toDataSettings(
  file: { data: z.infer<typeof dataSchema>; backup: z.infer<typeof backupSchema>; anonymize: string },
  env: Record<string, string | undefined>,
  ownDatabaseUrl: string,
  cwd: string,
): { data: DataSettings; backup: BackupSettings; anonymize: AnonymizeSettings } {
  const read = (c: { url_env: string }): DataConnection => ({ urlEnv: c.url_env, url: env[c.url_env] || undefined });
  const dir = absolute(file.backup.dir, cwd);
  return {
    data: {
      production: file.data.production ? read(file.data.production) : { urlEnv: 'DATABASE_URL', url: ownDatabaseUrl },
      development: file.data.development && read(file.data.development),
      neverWrite: file.data.never_write,
    },
    backup: {
      dir,
      tool: file.backup.tool,
      keep: file.backup.keep,
      pruned: file.backup.pruned,
      archiveDir: file.backup.archive_dir ? absolute(file.backup.archive_dir, cwd) : resolve(dir, 'archive'),
      scratch: file.backup.scratch_url_env ? read({ url_env: file.backup.scratch_url_env }) : undefined,
    },
    anonymize: { file: absolute(file.anonymize, cwd), secret: env.BANTO_ANONYMIZE_SECRET || undefined },
  };
}
