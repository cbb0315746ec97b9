import holidayJp from '@holiday-jp/holiday_jp';
import type { DateTime } from 'luxon';

export type PaymentDayRule = 'next' | 'previous';

/** Monday to Friday and not a Japanese national holiday (@holiday-jp/holiday_jp). */
export function isBusinessDay(day: DateTime): boolean {
  return day.weekday <= 5 && !holidayJp.isHoliday(day.toISODate() ?? '');
}

/** The business day a payment due on `nominal` is actually charged. */
export function shiftToBusinessDay(nominal: DateTime, rule: PaymentDayRule): DateTime {
  let day = nominal.startOf('day');
  while (!isBusinessDay(day)) day = day.plus({ days: rule === 'next' ? 1 : -1 });
  return day;
}

/**
 * The nominal due dates that are charged on business day `day`, as a half-open
 * range of dates [from, to): with rule `next`, the day itself and the weekend or
 * holidays just before it; with `previous`, the day itself and those just after.
 * Undefined when `day` is not a business day (nothing is charged then).
 */
export function nominalDatesChargedOn(
  day: DateTime,
  rule: PaymentDayRule,
): { from: DateTime; to: DateTime } | undefined {
  const d = day.startOf('day');
  if (!isBusinessDay(d)) return undefined;
  if (rule === 'next') {
    let from = d;
    while (!isBusinessDay(from.minus({ days: 1 }))) from = from.minus({ days: 1 });
    return { from, to: d.plus({ days: 1 }) };
  }
  let to = d.plus({ days: 1 });
  while (!isBusinessDay(to)) to = to.plus({ days: 1 });
  return { from: d, to };
}

/** The business day `count` business days after `day` (0: `day` itself, which must then be a business day to be returned as is). */
export function addBusinessDays(day: DateTime, count: number): DateTime {
  let d = day.startOf('day');
  for (let left = count; left > 0;) {
    d = d.plus({ days: 1 });
    if (isBusinessDay(d)) left -= 1;
  }
  return d;
}
