import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';

/** True for the second instant of a wall-clock time that a fall-back change makes happen twice. */
function isRepeatedWallTime(slot: DateTime): boolean {
  const before = slot.minus({ hours: 3 }).offset;
  if (before <= slot.offset) return false;
  const earlier = slot.minus({ minutes: before - slot.offset });
  return earlier.toFormat('yyyy-MM-dd HH:mm:ss') === slot.toFormat('yyyy-MM-dd HH:mm:ss');
}

/** Whether the expression names fixed hours (then a repeated hour runs once), rather than every hour. */
function hasFixedHours(cron: string): boolean {
  const fields = cron.trim().split(/\s+/);
  const hour = fields.length === 6 ? fields[2] : fields[1];
  return hour !== undefined && !hour.includes('*');
}

/**
 * The instants a cron expression names in (from, to], in its zone, one per
 * intended wall-clock time: on a spring-forward day a time inside the gap moves
 * to just after it (cron-parser does that), and on a fall-back day a time of a
 * fixed-hour job that happens twice counts once, as in Vixie cron. So a daily
 * job runs exactly once each day; an every-N-minutes job keeps running through
 * the repeated hour.
 */
export function slotsBetween(cron: string, zone: string, from: DateTime, to: DateTime, limit = 10_000): DateTime[] {
  if (to <= from) return [];
  const onceADay = hasFixedHours(cron);
  // cron-parser moves a time inside a spring-forward gap only when it starts before the gap,
  // so fixed-hour jobs are enumerated from a little earlier and cut at `from` below.
  const start = onceADay ? from.minus({ hours: 3 }) : from;
  const expression = CronExpressionParser.parse(cron, {
    currentDate: start.toJSDate(),
    endDate: to.toJSDate(),
    tz: zone,
  });
  const slots: DateTime[] = [];
  while (slots.length < limit && expression.hasNext()) {
    const next = DateTime.fromJSDate(expression.next().toDate(), { zone });
    if (next > from && next <= to && !(onceADay && isRepeatedWallTime(next))) slots.push(next);
  }
  return slots;
}

/** The first slot strictly after `after`. */
export function nextSlot(cron: string, zone: string, after: DateTime): DateTime {
  const expression = CronExpressionParser.parse(cron, { currentDate: after.toJSDate(), tz: zone });
  return DateTime.fromJSDate(expression.next().toDate(), { zone });
}

/** Why an expression is not usable, or undefined when it is (five fields, or six with seconds). */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return `expected 5 fields (or 6 with seconds), got ${fields}`;
  try {
    CronExpressionParser.parse(cron, { strict: false });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
