import { DateTime } from 'luxon';

const format = 'yyyy-MM-dd HH:mm:ss.SSS';

/** Stored form of an instant: UTC text that sorts like time on SQLite and MySQL alike. */
export function toDbTime(at: DateTime | Date | number): string {
  // ISO 8601 in UTC is the stored form with a 'T' for the space: no zone work needed.
  if (typeof at === 'number' || at instanceof Date) return new Date(at).toISOString().slice(0, 23).replace('T', ' ');
  return at.toUTC().toFormat(format);
}

export function fromDbTime(value: string | Date): DateTime {
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' });
  return DateTime.fromSQL(value, { zone: 'utc' });
}

/** Stored form of a calendar date ('yyyy-MM-dd'). */
export function toDbDate(day: DateTime): string {
  return day.toISODate() ?? '';
}
