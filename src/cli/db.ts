import type { Command } from 'commander';
import type { Knex } from 'knex';
import { migrationConfig } from '../../migrations/index.js';
import { seedDemo } from '../../seeds/demo.js';
import { createSystemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { dialectOf, openDatabase } from '../db/connect.js';
import { migrateLatest } from '../db/migrate.js';
import { approveAllDrafts, importTemplates, readTemplateFiles } from '../services/mail/templates.js';
import { confirmProductionWrite, openCliDatabase, yesOption } from './database.js';
import { printJson, printLines } from './table.js';

/** The URL as it may be shown: without its password. */
const showUrl = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/** Whether this session can write, as the database itself says (not as Banto meant to open it). */
async function readSession(db: Knex): Promise<{ version: string; readOnly: boolean }> {
  if (dialectOf(db) === 'sqlite') {
    const [row] = (await db.raw('select sqlite_version() as version')) as { version: string }[];
    const [only] = (await db.raw('pragma query_only')) as { query_only: number }[];
    return { version: `SQLite ${row?.version ?? '?'}`, readOnly: only?.query_only === 1 };
  }
  // MariaDB calls it tx_read_only; MySQL 8 only transaction_read_only.
  const [rows] = (await db
    .raw('select version() as version, @@session.transaction_read_only as ro')
    .catch(() => db.raw('select version() as version, @@session.tx_read_only as ro'))) as [
    { version: string; ro: number | string }[],
  ];
  return { version: rows[0]?.version ?? '?', readOnly: Number(rows[0]?.ro) === 1 };
}

export function registerDbCommands(db: Command): void {
  db.command('status')
    .description('the database of DATABASE_URL: server, migrations, and whether this session is read-only')
    .option('--json', 'the same as JSON')
    .action(async (options: { json?: boolean }) => {
      const config = await loadConfig();
      const knex = await openCliDatabase(config, { writes: false });
      try {
        const session = await readSession(knex);
        const [done] = (await knex.migrate.list(migrationConfig)) as [{ name: string }[], unknown[]];
        const status = {
          database: showUrl(config.databaseUrl),
          server: session.version,
          migrations: done.length,
          readOnly: session.readOnly,
          profile: config.profile.name ?? null,
          production: config.profile.production,
        };
        if (options.json) return printJson(status);
        printLines(
          `database:   ${status.database}`,
          `server:     ${status.server}`,
          `migrations: ${status.migrations} applied, none pending`,
          `session:    ${status.readOnly ? 'read-only' : 'read-write'}`,
          `profile:    ${status.profile ?? '(none)'}${status.production ? ' (production)' : ''}`,
        );
      } finally {
        await knex.destroy();
      }
    });

  db.command('migrate')
    .description('bring the schema up to date')
    .option(...yesOption)
    .action(async (options: { yes?: boolean }) => {
      const config = await loadConfig();
      await confirmProductionWrite(config.profile, options.yes === true);
      const knex = openDatabase(config.databaseUrl);
      try {
        const ran = await migrateLatest(knex);
        process.stdout.write(ran.length > 0 ? `migrated: ${ran.join(', ')}\n` : 'already up to date\n');
      } finally {
        await knex.destroy();
      }
    });

  db.command('seed')
    .description('fill the business tables with deterministic demo data')
    .option('--force', 'replace existing business data')
    .option('--users <n>', 'number of users', (v) => Number.parseInt(v, 10), 3000)
    .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 20261129)
    .option(...yesOption)
    .action(async (options: { force?: boolean; users: number; seed: number; yes?: boolean }) => {
      const config = await loadConfig();
      const knex = await openCliDatabase(config, { writes: true, yes: options.yes });
      try {
        const clock = createSystemClock(config.timezone);
        const summary = await seedDemo(knex, {
          now: clock.now(),
          zone: config.timezone,
          force: options.force,
          users: options.users,
          seed: options.seed,
        });
        process.stdout.write(
          `seeded: ${summary.users} users, ${summary.subscriptions} subscriptions, ${summary.payments} payments, ${summary.articles} articles\n`,
        );
        // The demo's built-in templates come approved, as on the first local start.
        const templates = readTemplateFiles(config.mail.templatesDir);
        await importTemplates(knex, templates, clock.now());
        const approved = await approveAllDrafts(knex, 'demo-seed', clock.now());
        if (approved > 0) process.stdout.write(`approved ${approved} template draft(s) as demo-seed\n`);
      } finally {
        await knex.destroy();
      }
    });
}
