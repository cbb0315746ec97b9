import type { Knex } from 'knex';
import type { BillingSchema } from '../../config.js';
import type { PaymentDayRule } from './business-days.js';

export interface Amounts {
  count: number;
  total: number;
}

/** What the billing queries run against: the database, the mapped payments and subscriptions tables, the payment-day rule. */
export interface SummaryTables {
  db: Knex;
  p: BillingSchema['payments'];
  s: BillingSchema['subscriptions'];
  rule: PaymentDayRule;
}

export const none = (): Amounts => ({ count: 0, total: 0 });

/** A `count(*)` and `sum(amount)` row as integers (drivers give strings or numbers). */
export const amounts = (row: { n?: unknown; total?: unknown } | undefined): Amounts => ({
  count: Number(row?.n ?? 0),
  total: Number(row?.total ?? 0),
});
