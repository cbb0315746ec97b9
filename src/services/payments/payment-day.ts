import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import { toDbDate } from '../../db/time.js';
import { amounts, type Amounts, type SummaryTables } from './amounts.js';
import { nominalDatesChargedOn } from './business-days.js';

export interface PaymentDayFigures {
  /** The nominal due dates charged on this business day, [from, to). */
  dueFrom: string;
  dueTo: string;
  expected: Amounts;
  paid: Amounts;
  /** Users whose payment due this day has not succeeded and has failed at least once. */
  failedUserIds: number[];
}

/** Expected (subscriptions due, after the business-day rule) against paid, for one business day; undefined on other days. */
export async function readPaymentDay(
  { db, p, s, rule }: SummaryTables,
  day: DateTime,
): Promise<PaymentDayFigures | undefined> {
  const window = nominalDatesChargedOn(day, rule);
  if (!window) return undefined;
  const [dueFrom, dueTo] = [toDbDate(window.from), toDbDate(window.to)];
  const dueInWindow = (alias: string) => (q: Knex.QueryBuilder) =>
    q.where(`${alias}.${p.due_date}`, '>=', dueFrom).andWhere(`${alias}.${p.due_date}`, '<', dueTo);
  // The subscriptions due: those with a payment due in the window and the active ones whose next payment falls in
  // it, each set read from its own index and the union joined to its amounts (not one EXISTS per subscription).
  const due = db({ d: p.table })
    .select({ id: `d.${p.subscription_id}` })
    .modify(dueInWindow('d'))
    .union((q) =>
      q
        .from({ n: s.table })
        .select({ id: `n.${s.id}` })
        .where(`n.${s.status}`, 'active')
        .andWhere(`n.${s.next_payment_date}`, '>=', dueFrom)
        .andWhere(`n.${s.next_payment_date}`, '<', dueTo),
    );
  const expected = amounts(
    await db({ s: s.table })
      .join(due.as('u'), 'u.id', `s.${s.id}`)
      .count({ n: '*' })
      .sum({ total: `s.${s.amount}` })
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
}
