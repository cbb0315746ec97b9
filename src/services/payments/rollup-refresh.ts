import { Duration, type DateTime } from 'luxon';
import { fromDbTime, toDbDate, toDbTime } from '../../db/time.js';
import type { SummaryTables } from './amounts.js';
import { rebuildFirstPayments, updateFirstPayments } from './rollup-firsts.js';
import { fingerprintDue, fingerprintPaid } from './rollup-rows.js';
import { changedPaydays, markedPaydays, markPaydayDirty } from './rollup-paydays.js';
import { daysOf, type PaymentRollups } from './rollups.js';
import { nominalDatesChargedOn } from './business-days.js';

type Tables = Pick<SummaryTables, 'db' | 'p' | 's'>;
type Basis = 'paid' | 'due';
const stateTable = 'banto_payment_day_state';
/** Today is rolled up to this long before the refresh, so a payment written a little after its paid_at lands after the cut. */
const todaySettles = Duration.fromObject({ minutes: 5 });

export interface RefreshOptions {
  /** Closed days whose fingerprint is compared each time. */
  lookbackDays: number;
  /** Older days never rolled, rolled per refresh (the history fills in over a few runs). */
  backfillDays: number;
  /** Off only to show that a change would be missed without it (the property test). */
  detectChanges?: boolean;
}

export interface RefreshResult {
  checked: number;
  rolled: { paid: number; due: number; paydays: number };
}

/** At most `limit` promises at a time: the pool stays free for the summaries people are waiting for. */
async function eachLimited<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}

/** The earliest day any payment was paid or due, if there is a payment at all. */
async function earliestDay({ db, p }: Tables, rollups: PaymentRollups): Promise<DateTime | undefined> {
  const paid = (await db(p.table).min({ at: p.paid_at }).first()) as { at: string | Date | null } | undefined;
  const due = (await db(p.table).min({ at: p.due_date }).first()) as { at: string | Date | null } | undefined;
  const days: string[] = [];
  if (paid?.at) days.push(rollups.dayOf(fromDbTime(paid.at)));
  // A date column comes back as text (SQLite) or as a Date at midnight UTC (mysql2).
  if (due?.at) days.push(typeof due.at === 'string' ? due.at.slice(0, 10) : due.at.toISOString().slice(0, 10));
  const first = days.sort()[0];
  return first === undefined ? undefined : rollups.fromDay(first);
}

/**
 * Rolls what changed: each closed day of the look-back window whose fingerprint differs from the rolled one, each
 * day marked dirty (a provider webhook), each day whose first payments moved because of those, and a few old days
 * never rolled. Today is rolled up to a few minutes ago; a summary checks that part's fingerprint and reads the rest
 * live, so today's figures are always those of the moment.
 */
export async function refreshRollups(
  t: Tables,
  rollups: PaymentRollups,
  now: DateTime,
  { lookbackDays, backfillDays, detectChanges = true }: RefreshOptions,
): Promise<RefreshResult> {
  const { db } = t;
  const today = now.setZone(rollups.zone).startOf('day');
  const windowStart = today.minus({ days: lookbackDays });
  const states = (await db(stateTable)
    .where((q) => q.where('day', '>=', toDbDate(windowStart)).orWhere('dirty', 1))
    .andWhere('day', '<', toDbDate(today))
    .select('basis', 'day', 'zone', 'fingerprint', 'dirty', 'through')) as {
    basis: Basis;
    day: string;
    zone: string;
    fingerprint: string;
    dirty: unknown;
    through: unknown;
  }[];
  const stateOf = new Map(states.map((s) => [`${s.basis}:${s.day}`, s]));
  const dirty: Record<Basis, Set<string>> = { paid: new Set(), due: new Set() };
  // A day rolled only in part (it was today then) is rolled whole once it has closed.
  for (const s of states) if (Number(s.dirty) === 1 || s.through !== null) dirty[s.basis].add(s.day);

  const window = daysOf(windowStart, today);
  await eachLimited(window, 4, async (day) => {
    const key = toDbDate(day);
    const [from, to] = rollups.utc(day);
    const prints: [Basis, string][] = [
      ['paid', await fingerprintPaid(t, from, to)],
      ['due', await fingerprintDue(t, key)],
    ];
    for (const [basis, print] of prints) {
      const state = stateOf.get(`${basis}:${key}`);
      if (!state || state.zone !== rollups.zone || (detectChanges && state.fingerprint !== print))
        dirty[basis].add(key);
    }
  });

  const earliest = await earliestDay(t, rollups);
  if (earliest && earliest < windowStart && backfillDays > 0) {
    const rolled = new Set(
      (await db(stateTable)
        .where({ basis: 'paid', zone: rollups.zone })
        .whereNull('through')
        .andWhere('day', '>=', toDbDate(earliest))
        .andWhere('day', '<', toDbDate(windowStart))
        .pluck('day')) as string[],
    );
    const missing = daysOf(earliest, windowStart)
      .map(toDbDate)
      .filter((d) => !rolled.has(d))
      .slice(-backfillDays);
    for (const day of missing) {
      dirty.paid.add(day);
      dirty.due.add(day);
    }
  }

  const paydays = new Set((await markedPaydays(db)).filter((day) => day < toDbDate(today)));
  for (const day of await changedPaydays(rollups.tables, rollups.zone, window, detectChanges)) paydays.add(day);
  for (const day of dirty.due) if (!paydays.has(day) && day < toDbDate(windowStart)) paydays.add(day);

  const changed = [...dirty.paid].map((day) => {
    const [from, to] = rollups.utc(rollups.fromDay(day));
    return { day, from, to };
  });
  for (const day of await updateFirstPayments(t, changed, rollups.dayOf))
    if (day < toDbDate(today)) dirty.paid.add(day);

  for (const basis of ['paid', 'due'] as const)
    await eachLimited([...dirty[basis]].sort(), 2, (day) => rollups.rollDay(basis, rollups.fromDay(day), now));
  await eachLimited([...paydays].sort(), 2, (day) => rollups.rollPaymentDay(rollups.fromDay(day), now));
  // Today up to a few minutes ago: a summary of today then reads live only what came after.
  const through = now.minus(todaySettles);
  if (through > today) await rollups.rollDay('paid', today, now, through);
  await rollups.rollPaymentDay(today, now);
  return { checked: window.length, rolled: { paid: dirty.paid.size, due: dirty.due.size, paydays: paydays.size } };
}

/** Marks the days of a payment (its paid day and its due date) dirty: the next refresh rolls them again. */
export async function markPaymentDirty(
  { db }: Tables,
  rollups: PaymentRollups,
  payment: { paidAt: DateTime | undefined; dueDate: string | undefined },
  now: DateTime,
): Promise<void> {
  const marks: [Basis, string][] = [];
  if (payment.paidAt) marks.push(['paid', rollups.dayOf(payment.paidAt)]);
  if (payment.dueDate) marks.push(['due', payment.dueDate]);
  for (const [basis, day] of marks)
    await db(stateTable)
      .where({ basis, day })
      .update({ dirty: 1, marked_at: toDbTime(now) });
  if (payment.dueDate) await markPaydayDirty(rollups.tables, rollups.fromDay(payment.dueDate), now);
}

export interface RebuildProgress {
  done: number;
  total: number;
  day: string;
}

/**
 * Rolls every day from `from` (or the first payment) to yesterday again, and every first payment. Resumable: the
 * rebuild's start is recorded, and a second run with the same start skips the days rolled since.
 */
export async function rebuildRollups(
  t: Tables,
  rollups: PaymentRollups,
  now: DateTime,
  { from, onProgress }: { from?: DateTime | undefined; onProgress?: (p: RebuildProgress) => void },
): Promise<{ days: number; resumedAfter: number; firsts: number }> {
  const { db } = t;
  const today = now.setZone(rollups.zone).startOf('day');
  const running = (await db('banto_payment_rebuilds').where({ zone: rollups.zone }).first()) as
    { from_day: string; started_at: string | Date } | undefined;
  const resume = running && (!from || running.from_day === toDbDate(from));
  const start = resume ? rollups.fromDay(running.from_day) : (from ?? (await earliestDay(t, rollups)));
  if (!start) return { days: 0, resumedAfter: 0, firsts: 0 };
  const startedAt = resume ? fromDbTime(running.started_at) : now;
  if (!resume) {
    await db('banto_payment_rebuilds').where({ zone: rollups.zone }).delete();
    await db('banto_payment_rebuilds').insert({
      zone: rollups.zone,
      from_day: toDbDate(start),
      started_at: toDbTime(startedAt),
    });
  }
  const firsts = await rebuildFirstPayments(t, rollups.dayOf);
  const paydaysDone = new Set(
    (await db('banto_payment_paydays')
      .where({ zone: rollups.zone })
      .andWhere('day', '>=', toDbDate(start))
      .andWhere('rolled_at', '>=', toDbTime(startedAt))
      .pluck('day')) as string[],
  );
  const done = new Set(
    (
      (await db(stateTable)
        .where({ zone: rollups.zone })
        .whereNull('through')
        .andWhere('day', '>=', toDbDate(start))
        .andWhere('rolled_at', '>=', toDbTime(startedAt))
        .select('basis', 'day')) as { basis: Basis; day: string }[]
    ).map((r) => `${r.basis}:${r.day}`),
  );
  const days = daysOf(start, today);
  let resumedAfter = 0;
  for (const [i, day] of days.entries()) {
    const key = toDbDate(day);
    const todo = (['paid', 'due'] as const).filter((basis) => !done.has(`${basis}:${key}`));
    // A day that is no payment day has no payment-day figures to roll.
    const payday = nominalDatesChargedOn(day, rollups.tables.rule) !== undefined && !paydaysDone.has(key);
    if (todo.length === 0 && !payday) resumedAfter = i + 1;
    for (const basis of todo) await rollups.rollDay(basis, day, now);
    if (payday) await rollups.rollPaymentDay(day, now);
    onProgress?.({ done: i + 1, total: days.length, day: key });
  }
  await db('banto_payment_rebuilds').where({ zone: rollups.zone }).delete();
  return { days: days.length, resumedAfter, firsts };
}
