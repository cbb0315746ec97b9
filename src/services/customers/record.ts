import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { BillingSchema } from '../../config.js';
import { fromDbTime } from '../../db/time.js';
import { shiftToBusinessDay, type PaymentDayRule } from '../payments/business-days.js';
import { readProviderEvent } from '../provider/event.js';

export interface CustomerRecord {
  id: string;
  email: string;
  name: string;
  plan: string;
  createdAt: DateTime;
  unsubscribedAt: DateTime | undefined;
  subscriptions: {
    id: string;
    plan: string;
    amount: number;
    status: string;
    /** The due date as the web service keeps it, and the business day it is charged. */
    nextPaymentDate: string | undefined;
    chargedOn: string | undefined;
  }[];
  /** The newest first (by id: the web service numbers payments as it makes them). */
  payments: { id: string; amount: number; status: string; paidAt: DateTime | undefined; dueDate: string | undefined }[];
  /** What the payment provider reported about this customer's charges: refunds, disputes, failed invoices. */
  providerEvents: {
    type: string;
    at: DateTime;
    amount: number | undefined;
    reason: string | undefined;
    status: string | undefined;
  }[];
}

export interface RecordTables {
  db: Knex;
  schema: BillingSchema;
  rule: PaymentDayRule;
  zone: string;
}

/** How many of each a lookup shows: enough to answer "did the last payments go through", no more. */
export const recordLimits = { payments: 10, providerEvents: 10 };

const date = (value: unknown) =>
  value instanceof Date
    ? (DateTime.fromJSDate(value).toISODate() ?? undefined)
    : value
      ? String(value).slice(0, 10)
      : undefined;

async function readProviderEvents(
  { db, schema }: RecordTables,
  userId: string,
): Promise<CustomerRecord['providerEvents']> {
  const p = schema.payments;
  // Charges are known to belong to the customer only where the web service keeps the provider's charge id.
  if (!p.provider_charge_id) return [];
  const charges = (
    (await db(p.table)
      .where(p.user_id, userId)
      .whereNotNull(p.provider_charge_id)
      .pluck(p.provider_charge_id)) as unknown[]
  ).map(String);
  if (charges.length === 0) return [];
  // The provider's customer id, as its charge events name it: failed invoices are filed under it.
  const providerCustomers = (
    (await db('banto_provider_events')
      .whereIn('object_id', charges)
      .whereNotNull('customer_id')
      .distinct()
      .pluck('customer_id')) as unknown[]
  ).map(String);
  const events = (await db('banto_provider_events')
    .where((q) => q.whereIn('object_id', charges).andWhere('type', 'charge.refunded'))
    .orWhere((q) => q.whereIn('customer_id', providerCustomers).andWhere('type', 'invoice.payment_failed'))
    .orderBy('event_created_at', 'desc')
    .limit(recordLimits.providerEvents)
    .select('payload')) as { payload: string }[];
  const disputes = (await db('banto_provider_disputes')
    .whereIn('charge_id', charges)
    .orderBy('last_event_at', 'desc')
    .limit(recordLimits.providerEvents)
    .select('amount', 'reason', 'status', 'last_event_at')) as {
    amount: number | string;
    reason: string | null;
    status: string;
    last_event_at: string;
  }[];
  return [
    ...events.map((row) => {
      const e = readProviderEvent(JSON.parse(row.payload) as unknown, row.payload);
      return { type: e.type, at: e.createdAt, amount: e.amount, reason: e.reason, status: e.status };
    }),
    ...disputes.map((d) => ({
      type: 'dispute',
      at: fromDbTime(d.last_event_at),
      amount: Number(d.amount),
      reason: d.reason ?? undefined,
      status: d.status,
    })),
  ]
    .sort((a, b) => b.at.toMillis() - a.at.toMillis())
    .slice(0, recordLimits.providerEvents);
}

/** One customer's own records: nothing here is summed over other customers. */
export async function readCustomerRecord(tables: RecordTables, userId: string): Promise<CustomerRecord | undefined> {
  const { db, schema, rule, zone } = tables;
  const user = (await db('users')
    .where({ id: userId })
    .first('id', 'email', 'name', 'plan', 'created_at', 'unsubscribed_at')) as
    | { id: number; email: string; name: string; plan: string; created_at: string; unsubscribed_at: string | null }
    | undefined;
  if (!user) return undefined;
  const s = schema.subscriptions;
  const subscriptions = (await db(s.table)
    .where(s.user_id, userId)
    .orderBy(s.id, 'desc')
    .limit(5)
    .select({ id: s.id, plan: s.plan, amount: s.amount, status: s.status, next: s.next_payment_date })) as {
    id: number;
    plan: string;
    amount: number;
    status: string;
    next: unknown;
  }[];
  const p = schema.payments;
  const payments = (await db(p.table)
    .where(p.user_id, userId)
    .orderBy(p.id, 'desc')
    .limit(recordLimits.payments)
    .select({ id: p.id, amount: p.amount, status: p.status, paidAt: p.paid_at, due: p.due_date })) as {
    id: number;
    amount: number;
    status: string;
    paidAt: string | null;
    due: unknown;
  }[];
  return {
    id: String(user.id),
    email: user.email,
    name: user.name,
    plan: user.plan,
    createdAt: fromDbTime(user.created_at),
    unsubscribedAt: user.unsubscribed_at ? fromDbTime(user.unsubscribed_at) : undefined,
    subscriptions: subscriptions.map((row) => {
      const next = date(row.next);
      return {
        id: String(row.id),
        plan: row.plan,
        amount: Number(row.amount),
        status: row.status,
        nextPaymentDate: next,
        chargedOn: next
          ? (shiftToBusinessDay(DateTime.fromISO(next, { zone }), rule).toISODate() ?? undefined)
          : undefined,
      };
    }),
    payments: payments.map((row) => ({
      id: String(row.id),
      amount: Number(row.amount),
      status: row.status,
      paidAt: row.paidAt ? fromDbTime(row.paidAt) : undefined,
      dueDate: date(row.due),
    })),
    providerEvents: await readProviderEvents(tables, userId),
  };
}
