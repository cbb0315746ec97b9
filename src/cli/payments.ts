import type { Command } from 'commander';
import { createSystemClock } from '../clock.js';
import type { Knex } from 'knex';
import { loadConfig, type Config } from '../config.js';
import { BantoError } from '../errors.js';
import { createPaymentsService, type Amounts, type PeriodSummary } from '../services/payments/index.js';
import { formatCount, formatYen } from '../views/format.js';
import { formatChange, renderPaymentsUsage } from '../views/payments.js';
import { openCliDatabase } from './database.js';
import { formatTable, printJson, printLines } from './table.js';

const row = (label: string, a: Amounts) => [label, formatCount(a.count), formatYen(a.total)];
/** The summary as the terminal shows it: the same figures as /payments, one table per group. */
function printSummary(s: PeriodSummary): void {
  const figures = formatTable(
    ['payments', 'count', 'amount'],
    [
      row('succeeded', s.succeeded),
      row('failed', s.failed),
      row('refunded', s.refunded),
      ...(s.providerRefunds.count > 0 ? [row('refunded at the provider, not yet in payments', s.providerRefunds)] : []),
      row('pending', s.pending),
      row('new (succeeded)', s.newPayments),
      row('renewal (succeeded)', s.renewals),
    ],
    ['left', 'right', 'right'],
  );
  const compared = [
    [
      'previous period',
      s.previous.period.label,
      formatYen(s.previous.succeeded.total),
      formatChange(s.succeeded.total, s.previous.succeeded.total),
    ],
    ...(s.lastWeek
      ? [
          [
            'same weekday last week',
            s.lastWeek.period.label,
            formatYen(s.lastWeek.succeeded.total),
            formatChange(s.succeeded.total, s.lastWeek.succeeded.total),
          ],
        ]
      : []),
  ];
  const sections = [
    `payments ${s.period.label}`,
    '',
    figures,
    '',
    formatTable(['succeeded, against', 'period', 'amount', 'change'], compared, ['left', 'left', 'right', 'right']),
  ];
  if (s.byPlan.length > 0)
    sections.push(
      '',
      formatTable(
        ['plan', 'count', 'amount'],
        s.byPlan.map((p) => row(p.plan, p)),
        ['left', 'right', 'right'],
      ),
    );
  if (s.paymentDay)
    sections.push(
      '',
      formatTable(
        [`payment day (due ${s.paymentDay.dueFrom}..${s.paymentDay.dueTo})`, 'count', 'amount'],
        [row('expected', s.paymentDay.expected), row('paid', s.paymentDay.paid)],
        ['left', 'right', 'right'],
      ),
      `failed, customer ids: ${s.paymentDay.failedUserIds.join(', ') || '(none)'}`,
    );
  printLines(...sections);
}

/** The billing figures of the config's schema and zone, on a CLI connection. */
export function paymentsServiceOf(config: Config, db: Knex) {
  return createPaymentsService({
    db,
    clock: createSystemClock(config.timezone),
    schema: config.billing.schema,
    paymentDayRule: config.billing.paymentDayRule,
    rollups: config.billing.rollups,
  });
}

export function registerPaymentsCommand(payments: Command): void {
  payments
    .argument('[period]', 'today | yesterday | YYYY-MM-DD | YYYY-MM | YYYY-MM-DD..YYYY-MM-DD', 'today')
    .option('--json', 'the summary as JSON (the figures /payments shows, amounts in yen)')
    .action(async (text: string, options: { json?: boolean }) => {
      const config = await loadConfig();
      const db = await openCliDatabase(config, { writes: false });
      try {
        const service = paymentsServiceOf(config, db);
        const parsed = service.parsePeriod(text);
        if ('problem' in parsed) throw new BantoError('USAGE', renderPaymentsUsage(parsed.problem, config.locale).text);
        const summary = await service.summarize(parsed.period);
        if (options.json) printJson(summary);
        else printSummary(summary);
      } finally {
        await db.destroy();
      }
    });
}
