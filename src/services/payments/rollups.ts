import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { fromDbTime, toDbDate, toDbTime } from '../../db/time.js';
import type { Amounts, SummaryTables } from './amounts.js';
import { none } from './amounts.js';
import type { Period } from './period.js';
import { nominalDatesChargedOn } from './business-days.js';
import { readPaymentDay, type PaymentDayFigures } from './payment-day.js';
import { readRolledPayday, rollPayday } from './rollup-paydays.js';
import { fingerprintDue, fingerprintPaid, readPaidRows, readPendingDue, type PaymentRow } from './rollup-rows.js';

type Tables = SummaryTables;
type Basis = 'paid' | 'due';

const daysTable = 'banto_payment_days';
const stateTable = 'banto_payment_day_state';

/** The days of [start, end) in the zone, as dates. */
export function daysOf(start: DateTime, end: DateTime): DateTime[] {
  const days: DateTime[] = [];
  for (let d = start.startOf('day'); d < end; d = d.plus({ days: 1 })) days.push(d);
  return days;
}

/** Runs of consecutive days as [first, after last) ranges. */
function rangesOf(days: DateTime[]): [DateTime, DateTime][] {
  const ranges: [DateTime, DateTime][] = [];
  for (const day of days) {
    const last = ranges.at(-1);
    if (last && +last[1] === +day) last[1] = day.plus({ days: 1 });
    else ranges.push([day, day.plus({ days: 1 })]);
  }
  return ranges;
}

const isDayAligned = (period: Period) =>
  +period.start === +period.start.startOf('day') && +period.end === +period.end.startOf('day');

/**
 * Billing rollups: each closed business day's payments by status, plan and new or renewal, in Banto's tables.
 * Reading a period takes the clean rolled days from there and only the other days (today, a day marked dirty, one
 * never rolled) from the payments table, so the figures are always those of the direct SQL.
 */
export function createPaymentRollups(t: Tables, zone: string, clock: { now(): DateTime }) {
  const { db } = t;
  const dayOf = (at: DateTime) => toDbDate(at.setZone(zone).startOf('day'));
  const fromDay = (day: string) => DateTime.fromISO(day, { zone }).startOf('day');
  const utc = (day: DateTime) => [toDbTime(day), toDbTime(day.plus({ days: 1 }))] as const;
  let writing: Promise<void> = Promise.resolve();

  /** One write at a time in this process, and a deadlock with another (a rebuild beside the job) tried again. */
  async function writeSerially(run: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
    const attempt = async (n: number): Promise<void> => {
      try {
        await db.transaction(run);
      } catch (error) {
        if (n < 3 && (error as { code?: string }).code === 'ER_LOCK_DEADLOCK') return attempt(n + 1);
        throw error;
      }
    };
    const done = writing.then(() => attempt(1));
    writing = done.catch(() => undefined);
    await done;
  }

  /**
   * The rolled days of [start, end) in one statement (one consistent read): whole clean days, and days rolled only
   * up to an instant (`through`, today's) with the fingerprint of that part.
   */
  async function readRolled(basis: Basis, start: DateTime, end: DateTime) {
    const rows = (await db({ s: stateTable })
      .leftJoin({ d: daysTable }, (j) => j.on('d.basis', 's.basis').andOn('d.day', 's.day'))
      .where({ 's.basis': basis, 's.zone': zone, 's.dirty': 0 })
      .andWhere('s.day', '>=', toDbDate(start))
      .andWhere('s.day', '<', toDbDate(end))
      .select('s.day', 's.through', 's.fingerprint', 'd.status', 'd.plan', 'd.is_new', 'd.n', 'd.total')) as {
      day: string;
      through: string | Date | null;
      fingerprint: string;
      status: string | null;
      plan: string | null;
      is_new: unknown;
      n: unknown;
      total: unknown;
    }[];
    const whole: PaymentRow[] = [];
    const clean = new Set<string>();
    const parts = new Map<string, { through: string; fingerprint: string; rows: PaymentRow[] }>();
    for (const r of rows) {
      const part =
        r.through === null ? undefined : { through: toDbTime(fromDbTime(r.through)), fingerprint: r.fingerprint };
      if (part && !parts.has(r.day)) parts.set(r.day, { ...part, rows: [] });
      if (!part) clean.add(r.day);
      if (r.status === null) continue;
      const row = {
        status: r.status,
        plan: r.plan,
        isNew: Number(r.is_new) === 1,
        count: Number(r.n),
        total: Number(r.total),
      };
      (part ? parts.get(r.day)!.rows : whole).push(row);
    }
    return { rows: whole, parts, missing: daysOf(start, end).filter((d) => !clean.has(toDbDate(d))) };
  }

  /** History before this instant (and never today's) is what the refresh keeps in the first payments. */
  const firstsBefore = (at: DateTime) => toDbTime(DateTime.min(at, clock.now().setZone(zone).startOf('day')));

  /**
   * A day rolled up to `through`: its rolled rows while the payments before `through` still match the fingerprint
   * (a count and sums the index answers), and live rows after it; else the whole day live.
   */
  async function readPart(day: string, part: { through: string; fingerprint: string; rows: PaymentRow[] }) {
    const [from, to] = utc(fromDay(day));
    if ((await fingerprintPaid(t, from, part.through)) !== part.fingerprint) return readPaidRows(t, from, to);
    return [...part.rows, ...(await readPaidRows(t, part.through, to, from))];
  }

  /** The rows of a period's paid payments: rolled days from the rollups, the rest live. */
  async function paidRows(period: Period): Promise<PaymentRow[]> {
    if (period.start.zoneName !== zone || !isDayAligned(period))
      return readPaidRows(t, toDbTime(period.start), toDbTime(period.end), firstsBefore(period.start));
    const { rows, parts, missing } = await readRolled('paid', period.start, period.end);
    const unrolled = rangesOf(missing.filter((d) => !parts.has(toDbDate(d))));
    const live = await Promise.all([
      ...unrolled.map(([a, b]) => readPaidRows(t, toDbTime(a), toDbTime(b), firstsBefore(a))),
      ...[...parts].map(([day, part]) => readPart(day, part)),
    ]);
    return [...rows, ...live.flat()];
  }

  /** Pending payments due in the period's dates: rolled dates from the rollups, the rest live. */
  async function pendingDue(period: Period): Promise<Amounts> {
    const { rows, missing } = await readRolled('due', period.start, period.end);
    const live = await Promise.all(rangesOf(missing).map(([a, b]) => readPendingDue(t, toDbDate(a), toDbDate(b))));
    return [...rows, ...live].reduce((a, r) => ({ count: a.count + r.count, total: a.total + r.total }), none());
  }

  /**
   * One day rolled: its rows replace the old ones with its fingerprint, in one transaction. With `through` (today),
   * only the payments before that instant: a summary reads the rest live.
   */
  async function rollDay(basis: Basis, day: DateTime, startedAt: DateTime, through?: DateTime): Promise<void> {
    const key = toDbDate(day);
    const [from, end] = utc(day);
    const to = through && basis === 'paid' ? toDbTime(through) : end;
    // The fingerprint first: a change after it shows as a different fingerprint at the next refresh.
    const fingerprint = basis === 'paid' ? await fingerprintPaid(t, from, to) : await fingerprintDue(t, key);
    const rows: PaymentRow[] =
      basis === 'paid'
        ? await readPaidRows(t, from, to)
        : [
            {
              status: 'pending',
              plan: null,
              isNew: false,
              ...(await readPendingDue(t, key, toDbDate(day.plus({ days: 1 })))),
            },
          ];
    await writeSerially(async (trx) => {
      const before = (await trx(stateTable).where({ basis, day: key }).first('marked_at')) as
        { marked_at: string | Date | null } | undefined;
      // Marked dirty after this roll began (a webhook): it stays dirty for the next one.
      const markedSince = before?.marked_at ? fromDbTime(before.marked_at) >= startedAt : false;
      await trx(daysTable).where({ basis, day: key }).delete();
      const kept = rows.filter((r) => r.count > 0);
      if (kept.length > 0)
        await trx(daysTable).insert(
          kept.map((r) => ({
            basis,
            day: key,
            status: r.status,
            plan: r.plan,
            is_new: r.isNew ? 1 : 0,
            n: r.count,
            total: r.total,
          })),
        );
      const state = {
        zone,
        fingerprint,
        dirty: markedSince ? 1 : 0,
        rolled_at: toDbTime(clock.now()),
        through: to === end ? null : to,
      };
      await trx(stateTable)
        .insert({ basis, day: key, ...state, marked_at: before?.marked_at ?? null })
        .onConflict(['basis', 'day'])
        .merge(state);
    });
  }

  /** A payment day's figures: a clean rolled one, else live; undefined on a day that is no payment day. */
  async function paymentDay(day: DateTime): Promise<PaymentDayFigures | undefined> {
    if (!nominalDatesChargedOn(day, t.rule)) return undefined;
    return (await readRolledPayday(t, zone, day)) ?? readPaymentDay(t, day);
  }

  const rollPaymentDay = (day: DateTime, startedAt: DateTime) =>
    rollPayday(t, zone, day, { startedAt, now: clock.now(), write: writeSerially });

  return { paidRows, pendingDue, paymentDay, rollDay, rollPaymentDay, dayOf, fromDay, utc, zone, tables: t };
}

export type PaymentRollups = ReturnType<typeof createPaymentRollups>;
