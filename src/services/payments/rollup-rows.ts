import type { Amounts, SummaryTables } from './amounts.js';
import { amounts, none } from './amounts.js';

/** Payments of one status (and, for succeeded ones, plan and new or renewal): a rolled day holds these rows. */
export interface PaymentRow {
  status: string;
  /** The subscription's plan; null for a payment without a subscription row. */
  plan: string | null;
  /** A succeeded payment with no earlier succeeded payment of its subscription. */
  isNew: boolean;
  count: number;
  total: number;
}

type Tables = Pick<SummaryTables, 'db' | 'p' | 's'>;

/**
 * The rows of the payments paid in [from, to) (UTC, stored form), live from the payments table. New or renewal is
 * the EXISTS the index `(subscription_id, status, paid_at)` answers, as the summaries always counted it.
 */
export async function readPaidRows({ db, p, s }: Tables, from: string, to: string): Promise<PaymentRow[]> {
  const earlier = db({ e: p.table })
    .select(db.raw('1'))
    .whereRaw('?? = ??', [`e.${p.subscription_id}`, `p.${p.subscription_id}`])
    .andWhere(`e.${p.status}`, 'succeeded')
    .andWhereRaw('?? < ??', [`e.${p.paid_at}`, `p.${p.paid_at}`]);
  const rows = (await db({ p: p.table })
    .leftJoin({ s: s.table }, `s.${s.id}`, `p.${p.subscription_id}`)
    .select({ status: `p.${p.status}`, plan: `s.${s.plan}` })
    .select(
      db.raw(`case when ?? = 'succeeded' and not exists ? then 1 else 0 end as is_new`, [`p.${p.status}`, earlier]),
    )
    .count({ n: '*' })
    .sum({ total: `p.${p.amount}` })
    .where(`p.${p.paid_at}`, '>=', from)
    .andWhere(`p.${p.paid_at}`, '<', to)
    .groupBy(`p.${p.status}`, `s.${s.plan}`, 'is_new')) as {
    status: string;
    plan: string | null;
    is_new: unknown;
    n: unknown;
    total: unknown;
  }[];
  return rows.map((r) => ({
    status: r.status,
    plan: r.plan === null ? null : String(r.plan),
    isNew: Number(r.is_new) === 1,
    ...amounts(r),
  }));
}

/** Pending payments due in [from, to) (dates), live. */
export async function readPendingDue({ db, p }: Tables, from: string, to: string): Promise<Amounts> {
  return amounts(
    await db(p.table)
      .count({ n: '*' })
      .sum({ total: p.amount })
      .where(p.status, 'pending')
      .andWhere(p.due_date, '>=', from)
      .andWhere(p.due_date, '<', to)
      .first(),
  );
}

/**
 * What a paid day looks like, cheaply: per status the count, the total, the sum of ids and a sum weighted by id,
 * all from the `(paid_at, status, amount)` index (the id rides in every index). A refund, a status fixed by hand, a
 * deleted or back-dated row changes it.
 */
export async function fingerprintPaid({ db, p }: Tables, from: string, to: string): Promise<string> {
  const rows = (await db(p.table)
    .select({ status: p.status })
    .count({ n: '*' })
    .sum({ total: p.amount })
    .sum({ ids: p.id })
    .select(db.raw('sum(?? * (?? % 1009)) as mix', [p.amount, p.id]))
    .where(p.paid_at, '>=', from)
    .andWhere(p.paid_at, '<', to)
    .groupBy(p.status)
    .orderBy(p.status)) as { status: string; n: unknown; total: unknown; ids: unknown; mix: unknown }[];
  return rows
    .map((r) => [r.status, ...[r.n, r.total, r.ids, r.mix].map((v) => String(Number(v ?? 0)))].join(':'))
    .join('|');
}

/** The same of the pending payments due on one date, from the `(due_date, status)` index and those few rows. */
export async function fingerprintDue({ db, p }: Tables, day: string): Promise<string> {
  const row = (await db(p.table)
    .count({ n: '*' })
    .sum({ total: p.amount })
    .sum({ ids: p.id })
    .where(p.due_date, day)
    .andWhere(p.status, 'pending')
    .first()) as { n: unknown; total: unknown; ids: unknown } | undefined;
  return [row?.n, row?.total, row?.ids].map((v) => String(Number(v ?? 0))).join(':');
}

/** The summary's figures from rows, whether rolled or live: totals by status, by plan, new and renewals. */
export function figuresOf(rows: readonly PaymentRow[]) {
  const add = (a: Amounts, r: PaymentRow): Amounts => ({ count: a.count + r.count, total: a.total + r.total });
  const sum = (keep: (r: PaymentRow) => boolean) => rows.filter(keep).reduce(add, none());
  const succeeded = sum((r) => r.status === 'succeeded');
  const newPayments = sum((r) => r.status === 'succeeded' && r.isNew);
  const plans = new Map<string, Amounts>();
  for (const r of rows)
    if (r.status === 'succeeded' && r.plan !== null) plans.set(r.plan, add(plans.get(r.plan) ?? none(), r));
  return {
    succeeded,
    failed: sum((r) => r.status === 'failed'),
    refunded: sum((r) => r.status === 'refunded'),
    byPlan: [...plans.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([plan, a]) => ({ plan, ...a })),
    newPayments,
    renewals: { count: succeeded.count - newPayments.count, total: succeeded.total - newPayments.total },
  };
}
