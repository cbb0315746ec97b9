import { toDbTime } from '../../db/time.js';
import type { Amounts, SummaryTables } from './amounts.js';
import type { Period } from './period.js';

/**
 * Yen refunded at the payment provider within the period, from its `charge.refunded` events, that the business
 * schema does not hold yet. Stripe's `amount_refunded` is what a charge has had refunded so far, so a charge
 * counts the growth of that figure within the period (two partial refunds are not added twice). When the config
 * maps the payments table's provider charge id (`billing.schema.payments.provider_charge_id`), a charge whose
 * payment row already says `refunded` is left out: it is in the business figures already.
 */
export async function providerRefundsIn({ db, p }: SummaryTables, period: Period): Promise<Amounts> {
  const [from, to] = [toDbTime(period.start), toDbTime(period.end)];
  const inPeriod = db('banto_provider_events')
    .select('object_id')
    .where({ type: 'charge.refunded', currency: 'JPY' })
    .andWhere('event_created_at', '>=', from)
    .andWhere('event_created_at', '<', to);
  let query = db('banto_provider_events')
    .select('object_id')
    .max({ upTo: 'amount' })
    .select(db.raw('max(case when event_created_at < ? then amount else 0 end) as ??', [from, 'before']))
    .where({ type: 'charge.refunded', currency: 'JPY' })
    .andWhere('event_created_at', '<', to)
    .whereIn('object_id', inPeriod)
    .groupBy('object_id');
  if (p.provider_charge_id)
    query = query.whereNotIn(
      'object_id',
      db(p.table).select(p.provider_charge_id).where(p.status, 'refunded').whereNotNull(p.provider_charge_id),
    );
  const rows = (await query) as { upTo: number | string; before: number | string }[];
  let count = 0;
  let total = 0;
  for (const row of rows) {
    const grown = Number(row.upTo) - Number(row.before);
    if (grown <= 0) continue;
    count++;
    total += grown;
  }
  return { count, total };
}
