import { DateTime } from 'luxon';

/** Services ask the clock for "now" so tests can pin exact instants. */
export interface Clock {
  readonly zone: string;
  now(): DateTime;
  /** The same instant as epoch milliseconds, without luxon's zone work (for hot paths such as the audit row). */
  nowMs(): number;
}

export function createSystemClock(zone: string): Clock {
  return { zone, now: () => DateTime.now().setZone(zone), nowMs: () => Date.now() };
}

/** A clock that stays where it is put; tests move it by hand. */
export function createFixedClock(start: DateTime, zone = start.zoneName ?? 'UTC'): Clock & { set(at: DateTime): void } {
  let current = start.setZone(zone);
  return {
    zone,
    now: () => current,
    nowMs: () => current.toMillis(),
    set(at: DateTime) {
      current = at.setZone(zone);
    },
  };
}
