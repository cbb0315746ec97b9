import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { BillingSchema } from '../../config.js';
import { toDbDate } from '../../db/time.js';
import {
  addBusinessDays,
  isBusinessDay,
  nominalDatesChargedOn,
  type PaymentDayRule,
} from '../payments/business-days.js';
import { buildRow, enqueuePrepared, resolveVersion } from './outbox.js';

export interface ReminderInput {
  db: Knex;
  schema: BillingSchema;
  rule: PaymentDayRule;
  /** Business days before the payment day; 0 is the day itself. */
  offsets: number[];
  /** The business day the reminders are for (the job's slot, in the business zone). */
  day: DateTime;
  now: DateTime;
  /** The template's parameters for one reminder, written for the customer (a view's job, not the service's). */
  describe: (due: DueReminder) => Record<string, unknown>;
}

/** One reminder as data: whose, for how much, for which payment day, how many business days ahead. */
export interface DueReminder {
  name: string;
  plan: string;
  amount: number;
  paymentDay: DateTime;
  offset: number;
}

/**
 * Queues the reminders due on `day`: for each offset N, every active
 * subscription whose payment day (its next payment date moved to a business
 * day) is N business days later. Each is keyed by (subscription, payment day,
 * offset), so running a day twice queues nothing new.
 */
export async function queuePaymentReminders({
  db,
  schema,
  rule,
  offsets,
  day,
  now,
  describe,
}: ReminderInput): Promise<{ queued: number; considered: number }> {
  if (!isBusinessDay(day)) return { queued: 0, considered: 0 };
  const version = await resolveVersion(db, 'payment-reminder');
  const s = schema.subscriptions;
  let queued = 0;
  let considered = 0;
  for (const offset of offsets) {
    const paymentDay = addBusinessDays(day, offset);
    const nominal = nominalDatesChargedOn(paymentDay, rule);
    if (!nominal) continue;
    const due = (await db(`${s.table} as s`)
      .join('users as u', 'u.id', `s.${s.user_id}`)
      .where(`s.${s.status}`, 'active')
      .andWhere(`s.${s.next_payment_date}`, '>=', toDbDate(nominal.from))
      .andWhere(`s.${s.next_payment_date}`, '<', toDbDate(nominal.to))
      .select({
        id: `s.${s.id}`,
        plan: `s.${s.plan}`,
        amount: `s.${s.amount}`,
        userId: 'u.id',
        email: 'u.email',
        name: 'u.name',
      })
      .orderBy(`s.${s.id}`)) as {
      id: number;
      plan: string;
      amount: number;
      userId: number;
      email: string;
      name: string;
    }[];
    considered += due.length;
    const rows = due.map((sub) =>
      buildRow(
        version,
        {
          to: sub.email,
          userId: String(sub.userId),
          dedupeKey: `reminder:${sub.id}:${toDbDate(paymentDay)}:${offset}`,
          params: describe({ name: sub.name, plan: sub.plan, amount: Number(sub.amount), paymentDay, offset }),
        },
        now,
      ),
    );
    queued += await enqueuePrepared(db, rows);
  }
  return { queued, considered };
}
