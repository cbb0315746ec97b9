import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `check` until it returns something other than undefined or false, and
 * returns that; fails with `what` after `timeoutMs`. For a positive sign that
 * work finished (an audit row, a run's final state), never for "nothing happened".
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(20);
  }
}
