import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import { isUniqueViolation } from '../../db/errors.js';
import { toDbDate, toDbTime } from '../../db/time.js';
import type { ProviderEvent } from './event.js';

/** The types accounting hears of in the billing channel. */
const posted = new Set([
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'invoice.payment_failed',
  'payout.paid',
]);

/** A dispute in one of these has been decided; a later-arriving event from before cannot reopen it. */
const finalDisputeStatuses = ['won', 'lost', 'warning_closed', 'charge_refunded'];

/** Adds to the provider's total of a day (charges, or payouts), creating the day's row if it is the first. */
async function addToTotal(
  trx: Knex.Transaction,
  day: string,
  currency: string,
  column: 'amount' | 'payouts',
  value: number,
  now: DateTime,
): Promise<void> {
  await trx('banto_provider_totals')
    .insert({ day, currency, amount: 0, payouts: 0, source: 'stripe', recorded_at: toDbTime(now) })
    .onConflict(['day', 'currency'])
    .ignore();
  await trx('banto_provider_totals')
    .where({ day, currency })
    .update({ [column]: trx.raw('?? + ?', [column, value]), recorded_at: toDbTime(now) });
}

/** The dispute's row follows its events in the order they happened, not the order they arrived. */
async function applyDispute(trx: Knex.Transaction, event: ProviderEvent): Promise<void> {
  const row = {
    id: event.objectId,
    charge_id: event.chargeId ?? null,
    customer_id: event.customerId ?? null,
    amount: event.amount,
    currency: event.currency,
    reason: event.reason?.slice(0, 64) ?? null,
    status: event.status?.slice(0, 32),
    last_event_at: toDbTime(event.createdAt),
  };
  const existing = (await trx('banto_provider_disputes').where({ id: event.objectId }).first()) as
    { status: string; last_event_at: string | Date } | undefined;
  if (!existing) {
    await trx('banto_provider_disputes').insert(row);
    return;
  }
  const incomingFinal = finalDisputeStatuses.includes(event.status ?? '');
  if (finalDisputeStatuses.includes(existing.status) && !incomingFinal) return;
  await trx('banto_provider_disputes')
    .where({ id: event.objectId })
    .andWhere((q) => {
      // A final status wins over an earlier open one whatever the timestamps; otherwise the newer event wins.
      if (!incomingFinal) q.where('last_event_at', '<=', row.last_event_at);
    })
    .update(row);
}

export type RecordResult = 'stored' | 'duplicate';

/**
 * Stores a provider event once per event id and applies it in the same transaction: charges and payouts add to
 * the day's provider totals (in the business zone), disputes keep their latest state. A repeated id changes
 * nothing. Whether accounting is to hear of it is marked on the row, for postPendingEvents.
 */
export async function recordProviderEvent(
  db: Knex,
  event: ProviderEvent,
  { now, zone }: { now: DateTime; zone: string },
): Promise<RecordResult> {
  return db.transaction(async (trx) => {
    try {
      await trx('banto_provider_events').insert({
        id: event.id,
        type: event.type,
        object_id: event.objectId ?? null,
        customer_id: event.customerId ?? null,
        amount: event.amount ?? null,
        currency: event.currency ?? null,
        event_created_at: toDbTime(event.createdAt),
        received_at: toDbTime(now),
        payload: event.payload,
        post_state: posted.has(event.type) ? 'pending' : 'none',
      });
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      throw error;
    }
    const { amount, currency } = event;
    if (event.type === 'charge.succeeded' && amount !== undefined && currency)
      await addToTotal(trx, toDbDate(event.createdAt.setZone(zone)), currency, 'amount', amount, now);
    if (event.type === 'payout.paid' && amount !== undefined && currency && event.arrivalAt)
      await addToTotal(trx, toDbDate(event.arrivalAt.setZone(zone)), currency, 'payouts', amount, now);
    if (event.type.startsWith('charge.dispute.') && event.objectId) await applyDispute(trx, event);
    return 'stored';
  });
}
