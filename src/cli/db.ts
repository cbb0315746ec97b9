import type { Command } from 'commander';
import { seedDemo } from '../../seeds/demo.js';
import { createSystemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { migrateLatest } from '../db/migrate.js';
import { approveAllDrafts, importTemplates, readTemplateFiles } from '../services/mail/templates.js';

export function registerDbCommands(db: Command): void {
  db.command('migrate')
    .description('bring the schema up to date')
    .action(async () => {
      const config = loadConfig();
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
    .action(async (options: { force?: boolean; users: number; seed: number }) => {
      const config = loadConfig();
      const knex = openDatabase(config.databaseUrl);
      try {
        await migrateLatest(knex);
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
