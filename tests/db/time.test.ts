import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { fromDbTime, toDbTime } from '../../src/db/time.js';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

describe('stored instants', () => {
  it('writes epoch milliseconds as UTC text to the millisecond, within a second and across seconds', () => {
    const base = Date.UTC(2026, 11, 1, 14, 59, 59, 998);
    // The prefix is reused within a second: each instant must still come out as its own text.
    for (const ms of [base, base + 1, base + 2, base + 1001, base - 5000, base + 2, 0, 999, 1000]) {
      assert.equal(toDbTime(ms), iso(ms));
    }
    assert.equal(toDbTime(base + 2), '2026-12-01 15:00:00.000');
  });

  it('writes a Date and a zoned DateTime as the same UTC text, and reads it back', () => {
    const at = DateTime.fromISO('2026-12-02T00:00:00.123', { zone: 'Asia/Tokyo' });
    assert.equal(toDbTime(at), '2026-12-01 15:00:00.123');
    assert.equal(toDbTime(at.toJSDate()), '2026-12-01 15:00:00.123');
    assert.equal(fromDbTime(toDbTime(at)).toMillis(), at.toMillis());
  });

  it('refuses an invalid Date instead of storing garbage', () => {
    assert.throws(() => toDbTime(new Date(Number.NaN)), RangeError);
  });
});
