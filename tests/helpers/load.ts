import { waitFor } from './wait.js';

export interface Load {
  /** Each answer's status, in the order they came; 'failed' for a request that got no answer (a refused or cut connection). */
  readonly statuses: (number | 'failed')[];
  /** Requests started so far. */
  sent(): number;
  /** Resolves once `count` more answers have come back than when it was called. */
  answers(count: number, what: string): Promise<void>;
  /** Lets the requests in flight finish and starts no more. */
  stop(): Promise<void>;
}

/**
 * `connections` loops, each sending `send(i)` one after another, until
 * stopped; with `untilFailed`, a loop ends at its first request that fails.
 */
export function startLoad(
  connections: number,
  send: (i: number) => Promise<{ status: number }>,
  { untilFailed = false } = {},
): Load {
  const statuses: (number | 'failed')[] = [];
  let sent = 0;
  let running = true;
  const loops = Array.from({ length: connections }, async () => {
    while (running) {
      try {
        statuses.push((await send(sent++)).status);
      } catch {
        statuses.push('failed');
        if (untilFailed) return;
      }
    }
  });
  const done = Promise.all(loops);
  return {
    statuses,
    sent: () => sent,
    async answers(count, what) {
      const from = statuses.length;
      await waitFor(what, () => statuses.length >= from + count, 30_000);
    },
    async stop() {
      running = false;
      await done;
    },
  };
}
