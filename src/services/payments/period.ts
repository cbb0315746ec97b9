import { DateTime } from 'luxon';

export type PeriodKind = 'day' | 'month' | 'range';

/** A stretch of business days, [start, end) in the business zone. */
export interface Period {
  kind: PeriodKind;
  start: DateTime;
  end: DateTime;
  /** As a person would write it: 2026-11-29, 2026-11, 2026-11-01..2026-11-15 */
  label: string;
}

export type PeriodProblem = 'usage' | 'backwards' | 'too-long';

const day = /^\d{4}-\d{2}-\d{2}$/;
const month = /^\d{4}-\d{2}$/;

function dayPeriod(start: DateTime): Period {
  return { kind: 'day', start, end: start.plus({ days: 1 }), label: start.toISODate() ?? '' };
}

function parseDay(text: string, zone: string): DateTime | undefined {
  if (!day.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { zone });
  return parsed.isValid ? parsed.startOf('day') : undefined;
}

/** `today`, `yesterday`, `YYYY-MM-DD`, `YYYY-MM` or `YYYY-MM-DD..YYYY-MM-DD` (both ends included, at most a year). */
export function parsePeriod(input: string, now: DateTime): { period: Period } | { problem: PeriodProblem } {
  const text = input.trim().toLowerCase();
  const zone = now.zoneName ?? 'UTC';
  const today = now.startOf('day');
  if (text === '' || text === 'today') return { period: dayPeriod(today) };
  if (text === 'yesterday') return { period: dayPeriod(today.minus({ days: 1 })) };
  const single = parseDay(text, zone);
  if (single) return { period: dayPeriod(single) };
  if (month.test(text)) {
    const start = DateTime.fromISO(`${text}-01`, { zone });
    if (!start.isValid) return { problem: 'usage' };
    return { period: { kind: 'month', start, end: start.plus({ months: 1 }), label: text } };
  }
  const [first, last, ...rest] = text.split('..');
  const from = first === undefined ? undefined : parseDay(first, zone);
  const to = last === undefined ? undefined : parseDay(last, zone);
  if (!from || !to || rest.length > 0) return { problem: 'usage' };
  if (to < from) return { problem: 'backwards' };
  const end = to.plus({ days: 1 });
  if (end > from.plus({ years: 1 })) return { problem: 'too-long' };
  return { period: { kind: 'range', start: from, end, label: `${from.toISODate()}..${to.toISODate()}` } };
}

/** The period just before, of the same kind and length. */
export function previousPeriod(period: Period): Period {
  if (period.kind === 'day') return dayPeriod(period.start.minus({ days: 1 }));
  if (period.kind === 'month') {
    const start = period.start.minus({ months: 1 });
    return { kind: 'month', start, end: period.start, label: start.toFormat('yyyy-MM') };
  }
  const days = Math.round(period.end.diff(period.start, 'days').days);
  const start = period.start.minus({ days });
  return {
    kind: 'range',
    start,
    end: period.start,
    label: `${start.toISODate()}..${period.start.minus({ days: 1 }).toISODate()}`,
  };
}

export function sameWeekdayLastWeek(period: Period): Period {
  return dayPeriod(period.start.minus({ days: 7 }));
}
