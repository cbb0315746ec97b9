import type { Knex } from 'knex';
import type { Clock } from '../../clock.js';
import type { BillingSchema } from '../../config.js';
import type { PaymentDayRule } from './business-days.js';
import { parsePeriod, type Period, type PeriodProblem } from './period.js';
import { createPeriodSummarizer, type PeriodSummarizer, type PeriodSummary } from './summarize.js';

export type { Amounts, PaymentDayFigures, PeriodSummary } from './summarize.js';
export type { Period, PeriodProblem } from './period.js';

export interface PaymentsService {
  /** Reads what a person typed after `/payments` into a period of the business calendar. */
  parsePeriod(text: string): { period: Period } | { problem: PeriodProblem };
  summarize(period: Period): Promise<PeriodSummary>;
  /** Succeeded total of each of the `days` business-zone days that end with `lastDay` (one indexed range query a day). */
  dailyTotals(lastDay: Period, days: number): Promise<{ day: string; total: number }[]>;
  readonly summarizer: PeriodSummarizer;
}

export function createPaymentsService({
  db,
  clock,
  schema,
  paymentDayRule,
}: {
  db: Knex;
  clock: Clock;
  schema: BillingSchema;
  paymentDayRule: PaymentDayRule;
}): PaymentsService {
  const summarizer = createPeriodSummarizer(db, schema, paymentDayRule);
  return {
    summarizer,
    parsePeriod: (text) => parsePeriod(text, clock.now()),
    summarize: (period) => summarizer.summarize(period),
    dailyTotals: (lastDay, days) =>
      Promise.all(
        Array.from({ length: days }, async (_, i) => {
          const start = lastDay.start.minus({ days: days - 1 - i });
          const succeeded = await summarizer.succeededIn({
            kind: 'day',
            start,
            end: start.plus({ days: 1 }),
            label: start.toISODate() ?? '',
          });
          return { day: start.toFormat('MM-dd'), total: succeeded.total };
        }),
      ),
  };
}
