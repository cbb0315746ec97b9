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
}
