import { renderJobs } from '../../views/jobs.js';
import type { Handler, HandlerDeps } from '../define.js';

/** `/jobs` (engineers): every job with its last and next run, and a "Run now" button. */
export function createJobsCommand({ jobs, locale }: HandlerDeps): Handler<'command', 'later'> {
  return async ({ respond }) => {
    await respond({ response_type: 'ephemeral', ...renderJobs(await jobs.status(), locale) });
  };
}
