import type { DateTime } from 'luxon';
import { fromDbTime, toDbTime } from '../../db/time.js';
import type { SummaryTables } from './amounts.js';
import { firstsTable } from './rollup-rows.js';

type Tables = Pick<SummaryTables, 'db' | 'p'>;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Each subscription's first succeeded payment, for these subscriptions (all of them without a list). */
async function readFirsts({ db, p }: Tables, ids?: string[]): Promise<Map<string, string>> {
  const query = db(p.table)
    .select({ id: p.subscription_id })
    .min({ first: p.paid_at })
    .where(p.status, 'succeeded')
    .whereNotNull(p.subscription_id)
    .whereNotNull(p.paid_at)
    .groupBy(p.subscription_id);
  if (ids) query.whereIn(p.subscription_id, ids);
  const rows = (await query) as { id: unknown; first: string | Date }[];
  return new Map(rows.map((r) => [String(r.id), toDbTime(fromDbTime(r.first))]));
}

/**
 * Whether a payment is new (its subscription's first succeeded one) depends on other days: deleting a first payment
 * makes the next one new, a back-dated one makes the old first a renewal. For the subscriptions of the changed days
 * (those paid on them now, and those whose first payment was on them), the first payment is read again; each day
 * that gained or lost a first payment is returned, to be rolled too.
 */
export async function updateFirstPayments(
  t: Tables,
  changedDays: { day: string; from: string; to: string }[],
  dayOf: (at: DateTime) => string,
): Promise<Set<string>> {
  const { db, p } = t;
  const affected = new Set<string>();
  for (const group of chunks(changedDays, 200)) {
    const before = (await db(firstsTable)
      .whereIn(
        'first_day',
        group.map((d) => d.day),
      )
      .pluck('subscription_id')) as string[];
    for (const id of before) affected.add(String(id));
  }
  for (const { from, to } of changedDays) {
    const paid = (await db(p.table)
      .distinct({ id: p.subscription_id })
      .where(p.status, 'succeeded')
      .whereNotNull(p.subscription_id)
      .andWhere(p.paid_at, '>=', from)
      .andWhere(p.paid_at, '<', to)) as { id: unknown }[];
    for (const r of paid) affected.add(String(r.id));
  }
  const moved = new Set<string>();
  for (const ids of chunks([...affected], 500)) {
    const stored = new Map(
      (
        (await db(firstsTable)
          .whereIn('subscription_id', ids)
          .select('subscription_id', 'first_paid_at', 'first_day')) as {
          subscription_id: string;
          first_paid_at: string | Date;
          first_day: string;
        }[]
      ).map((r) => [String(r.subscription_id), { at: toDbTime(fromDbTime(r.first_paid_at)), day: r.first_day }]),
    );
    const now = await readFirsts(t, ids);
    for (const id of ids) {
      const old = stored.get(id);
      const first = now.get(id);
      if (old?.at === first) continue;
      if (old) moved.add(old.day);
      await db(firstsTable).where({ subscription_id: id }).delete();
      if (first) {
        const day = dayOf(fromDbTime(first));
        moved.add(day);
        await db(firstsTable).insert({ subscription_id: id, first_paid_at: first, first_day: day });
      }
    }
  }
  return moved;
}

/** Every subscription's first payment, read again in one grouped pass of the index (a rebuild). */
export async function rebuildFirstPayments(t: Tables, dayOf: (at: DateTime) => string): Promise<number> {
  const firsts = await readFirsts(t);
  await t.db.transaction(async (trx) => {
    await trx(firstsTable).delete();
    for (const rows of chunks([...firsts.entries()], 500))
      await trx(firstsTable).insert(
        rows.map(([id, at]) => ({ subscription_id: id, first_paid_at: at, first_day: dayOf(fromDbTime(at)) })),
      );
  });
  return firsts.size;
}
