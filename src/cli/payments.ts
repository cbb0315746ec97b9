import type { Command } from 'commander';
import { createSystemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { BantoError } from '../errors.js';
import { createPaymentsService } from '../services/payments/index.js';
import { renderPaymentsUsage, renderPeriodSummary } from '../views/payments.js';
import { renderBlocksAsText } from '../views/text.js';

export function registerPaymentsCommand(payments: Command): void {
  payments
    .argument('[period]', 'today | yesterday | YYYY-MM-DD | YYYY-MM | YYYY-MM-DD..YYYY-MM-DD', 'today')
    .action(async (text: string) => {
      const config = loadConfig();
      const db = openDatabase(config.databaseUrl);
      try {
        const payments = createPaymentsService({
          db,
          clock: createSystemClock(config.timezone),
          schema: config.billing.schema,
          paymentDayRule: config.billing.paymentDayRule,
        });
        const parsed = payments.parsePeriod(text);
        if ('problem' in parsed) throw new BantoError('USAGE', renderPaymentsUsage(parsed.problem, config.locale).text);
        const view = renderPeriodSummary(await payments.summarize(parsed.period), config.locale);
        process.stdout.write(`${renderBlocksAsText(view.blocks).text}\n`);
      } finally {
        await db.destroy();
      }
    });
}
