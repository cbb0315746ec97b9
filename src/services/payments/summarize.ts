import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { BillingSchema } from '../../config.js';
import { fromDbTime, toDbDate, toDbTime } from '../../db/time.js';
import type { PaymentDayRule } from './business-days.js';
import { amounts, none, type Amounts, type SummaryTables } from './amounts.js';
import { readPaymentDay, type PaymentDayFigures } from './payment-day.js';
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
export type { PaymentDayFigures } from './payment-day.js';

const range = (period: Period) => [toDbTime(period.start), toDbTime(period.end)] as const;

async function totalsByStatus({ db, p }: SummaryTables, period: Period) {
  const [from, to] = range(period);
  const rows = (await db(p.table)
    .select({ status: p.status })
    .count({ n: '*' })
    .sum({ total: p.amount })
    .where(p.paid_at, '>=', from)
    .andWhere(p.paid_at, '<', to)
    .groupBy(p.status)) as { status: string; n: number; total: number }[];
  const by = new Map(rows.map((r) => [r.status, amounts(r)]));
  return {
    succeeded: by.get('succeeded') ?? none(),
    failed: by.get('failed') ?? none(),
    refunded: by.get('refunded') ?? none(),
  };
}

async function pendingIn({ db, p }: SummaryTables, period: Period) {
  return amounts(
    await db(p.table)
      .count({ n: '*' })
      .sum({ total: p.amount })
      .where(p.status, 'pending')
      .andWhere(p.due_date, '>=', toDbDate(period.start))
      .andWhere(p.due_date, '<', toDbDate(period.end))
      .first(),
  );
}

async function byPlan({ db, p, s }: SummaryTables, period: Period) {
  const [from, to] = range(period);
  const rows = (await db({ p: p.table })
    .join({ s: s.table }, `s.${s.id}`, `p.${p.subscription_id}`)
    .select({ plan: `s.${s.plan}` })
    .count({ n: '*' })
    .sum({ total: `p.${p.amount}` })
    .where(`p.${p.paid_at}`, '>=', from)
    .andWhere(`p.${p.paid_at}`, '<', to)
    .andWhere(`p.${p.status}`, 'succeeded')
    .groupBy(`s.${s.plan}`)
    .orderBy(`s.${s.plan}`)) as { plan: string; n: number; total: number }[];
  return rows.map((r) => ({ plan: r.plan, ...amounts(r) }));
}

/** New: the subscription's first succeeded payment. Renewal: any later one. */
async function newVsRenewal({ db, p }: SummaryTables, period: Period) {
  const [from, to] = range(period);
  const earlier = db({ e: p.table })
    .select(db.raw('1'))
    .whereRaw('?? = ??', [`e.${p.subscription_id}`, `p.${p.subscription_id}`])
    .andWhere(`e.${p.status}`, 'succeeded')
    .andWhereRaw('?? < ??', [`e.${p.paid_at}`, `p.${p.paid_at}`]);
  const row = (await db({ p: p.table })
    .select(
      db.raw('sum(case when exists ? then 0 else 1 end) as new_n', [earlier]),
      db.raw('sum(case when exists ? then 0 else ?? end) as new_total', [earlier, `p.${p.amount}`]),
    )
    .count({ n: '*' })
    .sum({ total: `p.${p.amount}` })
    .where(`p.${p.paid_at}`, '>=', from)
    .andWhere(`p.${p.paid_at}`, '<', to)
    .andWhere(`p.${p.status}`, 'succeeded')
    .first()) as { new_n: unknown; new_total: unknown; n: unknown; total: unknown } | undefined;
  const all = amounts(row);
  const fresh = amounts({ n: row?.new_n, total: row?.new_total });
  return { newPayments: fresh, renewals: { count: all.count - fresh.count, total: all.total - fresh.total } };
}

/** The newest succeeded payment in the period, if any. */
async function lastSucceededAt({ db, p }: SummaryTables, period: Period): Promise<DateTime | undefined> {
  const [from, to] = range(period);
  const row = (await db(p.table)
    .max({ at: p.paid_at })
    .where(p.status, 'succeeded')
    .andWhere(p.paid_at, '>=', from)
    .andWhere(p.paid_at, '<', to)
    .first()) as { at: string | null } | undefined;
  return row?.at ? fromDbTime(row.at) : undefined;
}

async function summarize(t: SummaryTables, period: Period): Promise<PeriodSummary> {
  const previous = previousPeriod(period);
  const lastWeek = period.kind === 'day' ? sameWeekdayLastWeek(period) : undefined;
  const [totals, providerRefunds, pending, plans, split, previousTotals, lastWeekTotals, day] = await Promise.all([
    totalsByStatus(t, period),
    providerRefundsIn(t, period),
    pendingIn(t, period),
    byPlan(t, period),
    newVsRenewal(t, period),
    totalsByStatus(t, previous),
    lastWeek ? totalsByStatus(t, lastWeek) : undefined,
    period.kind === 'day' ? readPaymentDay(t, period.start) : undefined,
  ]);
  return {
    period,
    ...totals,
    providerRefunds,
    pending,
    byPlan: plans,
    ...split,
    previous: { period: previous, succeeded: previousTotals.succeeded },
    lastWeek: lastWeek && lastWeekTotals ? { period: lastWeek, succeeded: lastWeekTotals.succeeded } : undefined,
    paymentDay: day,
  };
}

/**
 * Billing figures of any period, computed in SQL on half-open UTC ranges of
 * `paid_at` (the (paid_at, status, amount) index answers the totals alone).
 * Table and column names come from the billing schema of the config.
 */
export function createPeriodSummarizer(db: Knex, schema: BillingSchema, rule: PaymentDayRule) {
  const t: SummaryTables = { db, p: schema.payments, s: schema.subscriptions, rule };
  return {
    succeededIn: async (period: Period) => (await totalsByStatus(t, period)).succeeded,
    totalsByStatus: (period: Period) => totalsByStatus(t, period),
    lastSucceededAt: (period: Period) => lastSucceededAt(t, period),
    paymentDay: (day: DateTime) => readPaymentDay(t, day),
    summarize: (period: Period) => summarize(t, period),
  };
}

export type PeriodSummarizer = ReturnType<typeof createPeriodSummarizer>;
