import { DateTime } from 'luxon';

const format = 'yyyy-MM-dd HH:mm:ss.SSS';

/** Stored form of an instant: UTC text that sorts like time on SQLite and MySQL alike. */
export function toDbTime(at: DateTime | Date): string {
  const dt = at instanceof Date ? DateTime.fromJSDate(at) : at;
  return dt.toUTC().toFormat(format);
}

export function fromDbTime(value: string | Date): DateTime {
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' });
  return DateTime.fromSQL(value, { zone: 'utc' });
}

/** Stored form of a calendar date ('yyyy-MM-dd'). */
export function toDbDate(day: DateTime): string {
  return day.toISODate() ?? '';
}
