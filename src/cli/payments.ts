import type { Command } from 'commander';
import { createSystemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { BantoError } from '../errors.js';
import { createPaymentsService } from '../services/payments/index.js';
import { renderDaySummary } from '../views/payments.js';
import { renderBlocksAsText } from '../views/text.js';

export function registerPaymentsCommand(program: Command): void {
  program
    .command('payments')
    .description("today's succeeded payments (count and total) from DATABASE_URL")
    .argument('[day]', 'today', 'today')
    .action(async (day: string) => {
      if (day !== 'today') throw new BantoError('USAGE', `unknown day "${day}"; for now: banto payments today`);
      const config = loadConfig();
      const db = openDatabase(config.databaseUrl);
      try {
        const summary = await createPaymentsService({ db, clock: createSystemClock(config.timezone) }).summarizeToday();
        const view = renderDaySummary(summary, config.locale);
        process.stdout.write(`${renderBlocksAsText(view.blocks).text}\n`);
      } finally {
        await db.destroy();
      }
    });
}
