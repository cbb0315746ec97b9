import type { Knex } from 'knex';
import { dialectOf } from '../../db/connect.js';
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

export const firstsTable = 'banto_payment_firsts';

/**
 * The payments' subscription id as the text `banto_payment_firsts` keys on, whatever its type in the business
 * schema; the binary collation is the key column's own (migration 0015), so its primary key is used.
 */
function keyAsText(db: Knex): string {
  return dialectOf(db) === 'sqlite' ? 'cast(?? as text)' : 'cast(?? as char character set utf8mb4) collate utf8mb4_bin';
}

/**
 * The rows of the payments paid in [from, to) (UTC, stored form), live from the payments table. A payment is new
 * when no succeeded payment of its subscription is earlier. Its subscription's first payment in
 * `banto_payment_firsts`, when that is before `firstsBefore` (history the refresh keeps, never today's), makes it a
 * renewal by a lookup in a small table. Only the others (no row, or a first within the range) probe the payments
 * table's `(subscription_id, status, paid_at)` index, whose pages a large table seldom has in memory.
 */
export async function readPaidRows(
  { db, p, s }: Tables,
  from: string,
  to: string,
  firstsBefore: string = from,
): Promise<PaymentRow[]> {
  const earlier = db({ e: p.table })
    .select(db.raw('1'))
    .whereRaw('?? = ??', [`e.${p.subscription_id}`, `p.${p.subscription_id}`])
    .andWhere(`e.${p.status}`, 'succeeded')
    .andWhereRaw('?? < ??', [`e.${p.paid_at}`, `p.${p.paid_at}`]);
  const rows = (await db({ p: p.table })
    .leftJoin({ s: s.table }, `s.${s.id}`, `p.${p.subscription_id}`)
    .leftJoin({ f: firstsTable }, (j) =>
      j
        .on('f.subscription_id', '=', db.raw(keyAsText(db), [`p.${p.subscription_id}`]))
        .andOn('f.first_paid_at', '<', db.raw('?', [firstsBefore])),
    )
    .select({ status: `p.${p.status}`, plan: `s.${s.plan}` })
    .select(
      // Left to right: the payments table is asked only when the firsts could not answer.
      db.raw(
        `case when ?? = 'succeeded' and (f.first_paid_at is null or f.first_paid_at >= ??) and not exists ? then 1 else 0 end as is_new`,
        [`p.${p.status}`, `p.${p.paid_at}`, earlier],
      ),
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
