import { Duration } from 'luxon';
import type { JobDefinition } from '../job.js';

/**
 * Every minute, refund and cancellation requests that are recorded but not yet in the billing channel (Slack was
 * away, the channel failed the guard, a replica stopped after the form was sent) are posted, each once.
 */
export function createHelpRequestsJob(postPending: () => Promise<number>, enabled: boolean): JobDefinition {
  return {
    name: 'post-help-requests',
    cron: '15 * * * * *',
    enabled,
    timeout: Duration.fromObject({ minutes: 2 }),
    // The next minute is the retry: each post is claimed and made once, whichever run gets to it.
    retry: { attempts: 1, backoff: Duration.fromObject({ seconds: 1 }) },
    catchUp: { policy: 'none' },
    async run() {
      return `posted ${await postPending()} help requests`;
    },
  };
}
