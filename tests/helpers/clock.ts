import { DateTime } from 'luxon';
import type { Clock } from '../../src/clock.js';

/** The instant end-to-end tests live at: a Tuesday morning in Tokyo, a business day. */
export const testNow = DateTime.fromISO('2026-12-01T10:00:00', { zone: 'Asia/Tokyo' });

/**
 * A clock that starts at `start` and then runs at the machine's pace, so
 * "today" is the test's choice while leases, polls and timeouts still see
 * time pass. Elapsed time comes from the monotonic clock, never the wall clock.
 */
export function createRunningClock(start: DateTime = testNow, zone = 'Asia/Tokyo'): Clock {
  const origin = performance.now();
  const startMs = start.toMillis();
  const nowMs = () => startMs + Math.floor(performance.now() - origin);
  return { zone, nowMs, now: () => DateTime.fromMillis(nowMs(), { zone }) };
}
