import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { BillingSchema } from '../../config.js';
import { fromDbTime, toDbDate, toDbTime } from '../../db/time.js';
import { nominalDatesChargedOn, type PaymentDayRule } from './business-days.js';
import { previousPeriod, sameWeekdayLastWeek, type Period } from './period.js';

export interface Amounts {
  count: number;
  total: number;
}

export interface PaymentDayFigures {
  /** The nominal due dates charged on this business day, [from, to). */
  dueFrom: string;
  dueTo: string;
  expected: Amounts;
  paid: Amounts;
  /** Users whose payment due this day has not succeeded and has failed at least once. */
  failedUserIds: number[];
}

export interface PeriodSummary {
  period: Period;
  succeeded: Amounts;
  failed: Amounts;
  refunded: Amounts;
  pending: Amounts;
  byPlan: (Amounts & { plan: string })[];
  newPayments: Amounts;
  renewals: Amounts;
  previous: { period: Period; succeeded: Amounts };
  lastWeek?: { period: Period; succeeded: Amounts } | undefined;
  paymentDay?: PaymentDayFigures | undefined;
}

const none = (): Amounts => ({ count: 0, total: 0 });
const amounts = (row: { n?: unknown; total?: unknown } | undefined): Amounts => ({
  count: Number(row?.n ?? 0),
  total: Number(row?.total ?? 0),
});

/**
 * Billing figures of any period, computed in SQL on half-open UTC ranges of
 * `paid_at` (the (paid_at, status, amount) index answers the totals alone).
 * Table and column names come from the billing schema of the config.
 */
export function createPeriodSummarizer(db: Knex, schema: BillingSchema, rule: PaymentDayRule) {
  const p = schema.payments;
  const s = schema.subscriptions;
  const range = (period: Period) => [toDbTime(period.start), toDbTime(period.end)] as const;

  const totalsByStatus = async (period: Period) => {
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
  };

  const succeededIn = async (period: Period) => (await totalsByStatus(period)).succeeded;

  const pendingIn = async (period: Period) =>
    amounts(
      await db(p.table)
        .count({ n: '*' })
        .sum({ total: p.amount })
        .where(p.status, 'pending')
        .andWhere(p.due_date, '>=', toDbDate(period.start))
        .andWhere(p.due_date, '<', toDbDate(period.end))
        .first(),
    );

  const byPlan = async (period: Period) => {
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
  };

  /** New: the subscription's first succeeded payment. Renewal: any later one. */
  const newVsRenewal = async (period: Period) => {
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
  };

  /** Expected (subscriptions due, after the business-day rule) against paid, for one business day. */
  const paymentDay = async (day: DateTime): Promise<PaymentDayFigures | undefined> => {
    const window = nominalDatesChargedOn(day, rule);
    if (!window) return undefined;
    const [dueFrom, dueTo] = [toDbDate(window.from), toDbDate(window.to)];
    const dueInWindow = (alias: string) => (q: Knex.QueryBuilder) =>
      q.where(`${alias}.${p.due_date}`, '>=', dueFrom).andWhere(`${alias}.${p.due_date}`, '<', dueTo);
    const hasPaymentDue = db({ d: p.table })
      .select(db.raw('1'))
      .whereRaw('?? = ??', [`d.${p.subscription_id}`, `s.${s.id}`])
      .modify(dueInWindow('d'));
    const expected = amounts(
      await db({ s: s.table })
        .count({ n: '*' })
        .sum({ total: `s.${s.amount}` })
        .where((q) =>
          q
            .whereExists(hasPaymentDue)
            .orWhere((w) =>
              w
                .where(`s.${s.status}`, 'active')
                .andWhere(`s.${s.next_payment_date}`, '>=', dueFrom)
                .andWhere(`s.${s.next_payment_date}`, '<', dueTo),
            ),
        )
        .first(),
    );
    const paid = amounts(
      await db({ p: p.table })
        .count({ n: '*' })
        .sum({ total: `p.${p.amount}` })
        .where(`p.${p.status}`, 'succeeded')
        .modify(dueInWindow('p'))
        .first(),
    );
    const succeededLater = db({ ok: p.table })
      .select(db.raw('1'))
      .whereRaw('?? = ??', [`ok.${p.subscription_id}`, `p.${p.subscription_id}`])
      .andWhere(`ok.${p.status}`, 'succeeded')
      .modify(dueInWindow('ok'));
    const failed = (await db({ p: p.table })
      .distinct({ user: `p.${p.user_id}` })
      .where(`p.${p.status}`, 'failed')
      .modify(dueInWindow('p'))
      .whereNotExists(succeededLater)
      .orderBy('user')) as { user: number }[];
    return { dueFrom, dueTo, expected, paid, failedUserIds: failed.map((r) => Number(r.user)) };
  };

  /** The newest succeeded payment in the period, if any. */
  const lastSucceededAt = async (period: Period): Promise<DateTime | undefined> => {
    const [from, to] = range(period);
    const row = (await db(p.table)
      .max({ at: p.paid_at })
      .where(p.status, 'succeeded')
      .andWhere(p.paid_at, '>=', from)
      .andWhere(p.paid_at, '<', to)
      .first()) as { at: string | null } | undefined;
    return row?.at ? fromDbTime(row.at) : undefined;
  };

  return {
    succeededIn,
    totalsByStatus,
    lastSucceededAt,
    paymentDay,
    async summarize(period: Period): Promise<PeriodSummary> {
      const previous = previousPeriod(period);
      const lastWeek = period.kind === 'day' ? sameWeekdayLastWeek(period) : undefined;
      const [totals, pending, plans, split, previousSucceeded, lastWeekSucceeded, day] = await Promise.all([
        totalsByStatus(period),
        pendingIn(period),
        byPlan(period),
        newVsRenewal(period),
        succeededIn(previous),
        lastWeek ? succeededIn(lastWeek) : undefined,
        period.kind === 'day' ? paymentDay(period.start) : undefined,
      ]);
      return {
        period,
        ...totals,
        pending,
        byPlan: plans,
        ...split,
        previous: { period: previous, succeeded: previousSucceeded },
        lastWeek: lastWeek && lastWeekSucceeded ? { period: lastWeek, succeeded: lastWeekSucceeded } : undefined,
        paymentDay: day,
      };
    },
  };
}

export type PeriodSummarizer = ReturnType<typeof createPeriodSummarizer>;
