import { Duration } from 'luxon';
import type { JobDefinition } from '../job.js';

/**
 * Every minute, whatever provider event is still to be posted (a post that failed, a replica that stopped).
 * Switched off while the webhook is (no STRIPE_WEBHOOK_SECRET): there is nothing to post.
 */
export function createProviderEventsJob(drain: () => Promise<number>, enabled: boolean): JobDefinition {
  return {
    name: 'provider-events',
    cron: '0 * * * * *',
    enabled,
    timeout: Duration.fromObject({ minutes: 2 }),
    // The next minute is the retry: each post is claimed and made once, whichever run gets to it.
    retry: { attempts: 1, backoff: Duration.fromObject({ seconds: 1 }) },
    catchUp: { policy: 'none' },
    async run() {
      return `posted ${await drain()} provider events`;
    },
  };
}
