import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { fromDbTime, toDbDate, toDbTime } from '../../db/time.js';
import type { SummaryTables } from './amounts.js';
import { nominalDatesChargedOn, shiftToBusinessDay } from './business-days.js';
import { readPaymentDay, type PaymentDayFigures } from './payment-day.js';

const table = 'banto_payment_paydays';

/**
 * What a payment day's figures rest on, from indexes alone: per due date of its window, each status's count and id
 * sum (`(due_date, status)`), and the active subscriptions due then (`(next_payment_date, status)`).
 */
export async function fingerprintPayday({ db, p, s }: SummaryTables, from: string, to: string): Promise<string> {
  const due = (await db(p.table)
    .select({ day: p.due_date, status: p.status })
    .count({ n: '*' })
    .sum({ ids: p.id })
    .where(p.due_date, '>=', from)
    .andWhere(p.due_date, '<', to)
    .groupBy(p.due_date, p.status)
    .orderBy([p.due_date, p.status])) as { day: unknown; status: string; n: unknown; ids: unknown }[];
  const subscriptions = (await db(s.table)
    .count({ n: '*' })
    .sum({ ids: s.id })
    .where(s.status, 'active')
    .andWhere(s.next_payment_date, '>=', from)
    .andWhere(s.next_payment_date, '<', to)
    .first()) as { n: unknown; ids: unknown } | undefined;
  return [
    ...due.map((r) => `${String(r.day).slice(0, 10)}:${r.status}:${Number(r.n)}:${Number(r.ids ?? 0)}`),
    `s:${Number(subscriptions?.n ?? 0)}:${Number(subscriptions?.ids ?? 0)}`,
  ].join('|');
}

/** Rolled while its day was still open (today's): it holds only while its fingerprint does. */
const rolledOpen = (row: { day: string; rolled_at: string | Date }, zone: string) =>
  fromDbTime(row.rolled_at) < DateTime.fromISO(row.day, { zone }).plus({ days: 1 });

/**
 * A clean rolled payment day, if there is one in this zone. One rolled today is checked against the fingerprint of
 * its due dates first (indexes only), so today's figures are those of the moment: a change since shows live.
 */
export async function readRolledPayday(
  t: SummaryTables,
  zone: string,
  day: DateTime,
): Promise<PaymentDayFigures | undefined> {
  const row = (await t
    .db(table)
    .where({ day: toDbDate(day), zone, dirty: 0 })
    .first()) as Record<string, unknown> | undefined;
  if (!row) return undefined;
  const [dueFrom, dueTo] = [String(row.due_from), String(row.due_to)];
  if (
    rolledOpen({ day: toDbDate(day), rolled_at: row.rolled_at as string }, zone) &&
    (await fingerprintPayday(t, dueFrom, dueTo)) !== row.fingerprint
  )
    return undefined;
  return {
    dueFrom,
    dueTo,
    expected: { count: Number(row.expected_n), total: Number(row.expected_total) },
    paid: { count: Number(row.paid_n), total: Number(row.paid_total) },
    failedUserIds: JSON.parse(String(row.failed_user_ids)) as number[],
  };
}

/**
 * A payment day's figures, computed live and stored with their fingerprint; a non-business day has none. Today's is
 * rolled too, and read only while its fingerprint holds.
 */
export async function rollPayday(
  t: SummaryTables,
  zone: string,
  day: DateTime,
  {
    startedAt,
    now,
    write,
  }: { startedAt: DateTime; now: DateTime; write: (run: (trx: Knex.Transaction) => Promise<void>) => Promise<void> },
): Promise<void> {
  const window = nominalDatesChargedOn(day, t.rule);
  if (!window) return;
  const fingerprint = await fingerprintPayday(t, toDbDate(window.from), toDbDate(window.to));
  const figures = await readPaymentDay(t, day);
  if (!figures) return;
  const key = toDbDate(day);
  await write(async (trx) => {
    const before = (await trx(table).where({ day: key }).first('marked_at')) as
      { marked_at: string | Date | null } | undefined;
    const markedSince = before?.marked_at ? fromDbTime(before.marked_at) >= startedAt : false;
    const row = {
      zone,
      due_from: figures.dueFrom,
      due_to: figures.dueTo,
      expected_n: figures.expected.count,
      expected_total: figures.expected.total,
      paid_n: figures.paid.count,
      paid_total: figures.paid.total,
      failed_user_ids: JSON.stringify(figures.failedUserIds),
      fingerprint,
      dirty: markedSince ? 1 : 0,
      rolled_at: toDbTime(now),
    };
    await trx(table)
      .insert({ day: key, ...row, marked_at: before?.marked_at ?? null })
      .onConflict('day')
      .merge(row);
  });
}

/**
 * The closed payment days among `days` whose fingerprint changed, that were never rolled in this zone, or that were
 * rolled while still open.
 */
export async function changedPaydays(
  t: SummaryTables,
  zone: string,
  days: DateTime[],
  detectChanges: boolean,
): Promise<string[]> {
  if (days.length === 0) return [];
  const stored = new Map(
    (
      (await t
        .db(table)
        .whereIn(
          'day',
          days.map((d) => toDbDate(d)),
        )
        .select('day', 'zone', 'fingerprint', 'dirty', 'rolled_at')) as {
        day: string;
        zone: string;
        fingerprint: string;
        dirty: unknown;
        rolled_at: string | Date;
      }[]
    ).map((r) => [r.day, r]),
  );
  const changed: string[] = [];
  for (const day of days) {
    const window = nominalDatesChargedOn(day, t.rule);
    if (!window) continue;
    const key = toDbDate(day);
    const row = stored.get(key);
    if (!row || row.zone !== zone || Number(row.dirty) === 1 || rolledOpen(row, zone)) {
      changed.push(key);
      continue;
    }
    if (!detectChanges) continue;
    if ((await fingerprintPayday(t, toDbDate(window.from), toDbDate(window.to))) !== row.fingerprint) changed.push(key);
  }
  return changed;
}

/** The payment days marked dirty, whatever their date (a webhook about an old payment). */
export async function markedPaydays(db: Knex): Promise<string[]> {
  return (await db(table).where({ dirty: 1 }).pluck('day')) as string[];
}

/** A payment's due date changed: the business day that charges it is rolled again. */
export async function markPaydayDirty(t: SummaryTables, dueDate: DateTime, now: DateTime): Promise<void> {
  const day = toDbDate(shiftToBusinessDay(dueDate, t.rule));
  await t
    .db(table)
    .where({ day })
    .update({ dirty: 1, marked_at: toDbTime(now) });
}
