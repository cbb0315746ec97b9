import { DateTime } from 'luxon';

const format = 'yyyy-MM-dd HH:mm:ss.SSS';

// Every audit row stores its instant: the text up to the second is made once a second, not once a row.
let lastSecond = Number.NaN;
let lastPrefix = '';

/** Stored form of an instant: UTC text that sorts like time on SQLite and MySQL alike. */
export function toDbTime(at: DateTime | Date | number): string {
  if (typeof at === 'number' || at instanceof Date) {
    const ms = Math.floor(typeof at === 'number' ? at : at.getTime());
    const second = Math.floor(ms / 1000);
    if (second !== lastSecond) {
      // ISO 8601 in UTC is the stored form with a 'T' for the space: no zone work needed.
      lastPrefix = new Date(second * 1000).toISOString().slice(0, 19).replace('T', ' ');
      lastSecond = second;
    }
    return `${lastPrefix}.${String(ms - second * 1000).padStart(3, '0')}`;
  }
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
