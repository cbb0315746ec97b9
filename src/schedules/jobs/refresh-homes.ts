import { Duration } from 'luxon';
import type { JobDefinition } from '../job.js';

export interface RefreshHomesDeps {
  /** Who opened their Home lately (two weeks): theirs are kept fresh. */
  viewers(): Promise<string[]>;
  /** A pass over the viewers: publishes one person's Home if it changed (true if it was published). */
  beginPass(): (userId: string) => Promise<boolean>;
  /** Off without Slack: there is no Home to publish. */
  enabled: boolean;
}

/**
 * Every minute, each recent viewer's Home is rendered again and published only if it changed: payments, alerts,
 * jobs and mail change without Banto hearing of each, so the Home follows them this way. The hash check makes a
 * run (or a second one) publish nothing that is already shown.
 */
export function createRefreshHomesJob({ viewers, beginPass, enabled }: RefreshHomesDeps): JobDefinition {
  return {
    name: 'refresh-homes',
    cron: '30 * * * * *',
    enabled,
    timeout: Duration.fromObject({ minutes: 2 }),
    // The next minute is the retry.
    retry: { attempts: 1, backoff: Duration.fromObject({ seconds: 1 }) },
    catchUp: { policy: 'none' },
    async run() {
      let published = 0;
      const failed: string[] = [];
      const people = await viewers();
      const refresh = beginPass();
      // One person's failure (a user gone from the workspace) does not keep the others' Homes stale.
      for (const userId of people) {
        try {
          if (await refresh(userId)) published++;
        } catch {
          failed.push(userId);
        }
      }
      const result = `published ${published} of ${people.length} Homes`;
      if (failed.length > 0) throw new Error(`${result}; could not publish for ${failed.join(', ')}`);
      return result;
    },
  };
}
