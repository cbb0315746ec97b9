import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderJobs } from '../../views/jobs.js';
import type { ListenerDeps } from '../deps.js';

/** `/jobs` (engineers): every job with its last and next run, and a "Run now" button. */
export function createJobsCommand({ jobs, locale }: ListenerDeps) {
  return async ({ ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    await respond({ response_type: 'ephemeral', ...renderJobs(await jobs.status(), locale) });
  };
}
