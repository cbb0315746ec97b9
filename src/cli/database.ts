import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Knex } from 'knex';
import { migrationConfig } from '../../migrations/index.js';
import type { Config } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { migrateLatest } from '../db/migrate.js';
import { BantoError } from '../errors.js';

/** The option of every command that writes. */
export const yesOption = [
  '--yes',
  'on a production profile, write without typing its name (only with BANTO_ALLOW_PROD_WRITES=1)',
] as const;

/** How a command touches the profile's database: it only reads, or it writes (and then `--yes` may be given). */
export type Access = { writes: false } | { writes: true; yes?: boolean | undefined };

function readLine(): Promise<string | undefined> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  return new Promise((resolve) => {
    lines.once('line', (line) => {
      resolve(line);
      lines.close();
    });
    lines.once('close', () => resolve(undefined));
  });
}

/**
 * On a production profile, a command that writes goes on only when the profile's name is typed, or with `--yes`
 * together with BANTO_ALLOW_PROD_WRITES=1 (a script that means it). Anything else is refused before the database
 * is opened.
 */
export async function confirmProductionWrite(profile: Config['profile'], yes: boolean): Promise<void> {
  if (!profile.production) return;
  const name = profile.name ?? 'production';
  if (yes) {
    if (profile.allowProductionWrites) return;
    throw new BantoError(
      'PROD_WRITE_REFUSED',
      `profile ${name} is production: --yes writes there only with BANTO_ALLOW_PROD_WRITES=1; nothing was done`,
    );
  }
  process.stderr.write(
    `This command writes to the database of ${name}, a production profile.\nType ${name} to go on: `,
  );
  const typed = await readLine();
  if (typed?.trim() !== name) throw new BantoError('PROD_WRITE_REFUSED', `${name} was not typed; nothing was done`);
}

/**
 * The profile's database for a CLI command. A reading command on a production profile gets a read-only session
 * and no migration (the schema must already be current); everywhere else the schema is brought up to date first.
 */
export async function openCliDatabase(config: Config, access: Access): Promise<Knex> {
  if (access.writes) await confirmProductionWrite(config.profile, access.yes === true);
  const readOnly = !access.writes && config.profile.production;
  const file = config.databaseUrl.startsWith('sqlite:')
    ? resolve(config.databaseUrl.slice('sqlite:'.length))
    : undefined;
  if (readOnly && file && !existsSync(file))
    throw new BantoError('NO_DATABASE', `there is no database at ${file}, and a production profile creates none`);
  const db = openDatabase(config.databaseUrl, { readOnly });
  try {
    if (!readOnly) await migrateLatest(db);
    else {
      // knex's list() would create its table where there is none, and a read-only session refuses that.
      if (!(await db.schema.hasTable(String(migrationConfig.tableName))))
        throw new BantoError(
          'SCHEMA_BEHIND',
          'the database has no Banto tables; a production profile reads it read-only, so migrate it first (banto db migrate)',
        );
      const [, pending] = (await db.migrate.list(migrationConfig)) as [unknown[], { file: string }[]];
      if (pending.length > 0)
        throw new BantoError(
          'SCHEMA_BEHIND',
          `the database lacks ${pending.length} migration(s) (${pending.map((m) => m.file).join(', ')}); a production profile reads it read-only, so migrate it first (banto db migrate)`,
        );
    }
    return db;
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
