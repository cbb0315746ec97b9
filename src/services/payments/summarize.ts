import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { BillingSchema } from '../../config.js';
import { fromDbTime, toDbTime } from '../../db/time.js';
import type { PaymentDayRule } from './business-days.js';
import type { Amounts, SummaryTables } from './amounts.js';
import { figuresOf } from './rollup-rows.js';
import { createPaymentRollups, type PaymentRollups } from './rollups.js';
import type { Clock } from '../../clock.js';
import type { PaymentDayFigures } from './payment-day.js';
import { providerRefundsIn } from './provider-refunds.js';
import { previousPeriod, sameWeekdayLastWeek, type Period } from './period.js';

export interface PeriodSummary {
  period: Period;
  succeeded: Amounts;
  failed: Amounts;
  refunded: Amounts;
  /** Refunds the payment provider reported in the period that the business schema does not hold yet. */
  providerRefunds: Amounts;
  pending: Amounts;
  byPlan: (Amounts & { plan: string })[];
  newPayments: Amounts;
  renewals: Amounts;
  previous: { period: Period; succeeded: Amounts };
  lastWeek?: { period: Period; succeeded: Amounts } | undefined;
  paymentDay?: PaymentDayFigures | undefined;
}

export type { Amounts } from './amounts.js';

type Summarizing = SummaryTables & { rollups: PaymentRollups };
export type { PaymentDayFigures } from './payment-day.js';

const range = (period: Period) => [toDbTime(period.start), toDbTime(period.end)] as const;

/** Succeeded, failed and refunded of a period: closed days from the rollups, the rest live. */
async function totalsByStatus({ rollups }: Summarizing, period: Period) {
  const { succeeded, failed, refunded } = figuresOf(await rollups.paidRows(period));
  return { succeeded, failed, refunded };
}

/** The newest succeeded payment in the period, if any. */
async function lastSucceededAt({ db, p }: Summarizing, period: Period): Promise<DateTime | undefined> {
  const [from, to] = range(period);
  const row = (await db(p.table)
    .max({ at: p.paid_at })
    .where(p.status, 'succeeded')
    .andWhere(p.paid_at, '>=', from)
    .andWhere(p.paid_at, '<', to)
    .first()) as { at: string | null } | undefined;
  return row?.at ? fromDbTime(row.at) : undefined;
}

async function summarize(t: Summarizing, period: Period): Promise<PeriodSummary> {
  const previous = previousPeriod(period);
  const lastWeek = period.kind === 'day' ? sameWeekdayLastWeek(period) : undefined;
  const [rows, providerRefunds, pending, previousTotals, lastWeekTotals, day] = await Promise.all([
    t.rollups.paidRows(period),
    providerRefundsIn(t, period),
    t.rollups.pendingDue(period),
    totalsByStatus(t, previous),
    lastWeek ? totalsByStatus(t, lastWeek) : undefined,
    period.kind === 'day' ? t.rollups.paymentDay(period.start) : undefined,
  ]);
  const { succeeded, failed, refunded, byPlan, newPayments, renewals } = figuresOf(rows);
  return {
    period,
    succeeded,
    failed,
    refunded,
    providerRefunds,
    pending,
    byPlan,
    newPayments,
    renewals,
    previous: { period: previous, succeeded: previousTotals.succeeded },
    lastWeek: lastWeek && lastWeekTotals ? { period: lastWeek, succeeded: lastWeekTotals.succeeded } : undefined,
    paymentDay: day,
  };
}

/**
 * Billing figures of any period: closed days from Banto's rollups, today and any day not rolled (or marked dirty)
 * in SQL on half-open UTC ranges of `paid_at`, so the cost does not grow with the payments of the period. Table and
 * column names come from the billing schema of the config.
 */
export function createPeriodSummarizer(db: Knex, schema: BillingSchema, rule: PaymentDayRule, clock: Clock) {
  const tables = { db, p: schema.payments, s: schema.subscriptions };
  const rollups = createPaymentRollups({ ...tables, rule }, clock.zone, clock);
  const t: Summarizing = { ...tables, rule, rollups };
  return {
    succeededIn: async (period: Period) => (await totalsByStatus(t, period)).succeeded,
    totalsByStatus: (period: Period) => totalsByStatus(t, period),
    lastSucceededAt: (period: Period) => lastSucceededAt(t, period),
    paymentDay: (day: DateTime) => rollups.paymentDay(day),
    summarize: (period: Period) => summarize(t, period),
    rollups,
    tables,
  };
}

export type PeriodSummarizer = ReturnType<typeof createPeriodSummarizer>;
