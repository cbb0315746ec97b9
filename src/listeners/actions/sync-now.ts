import { z } from 'zod';
import { syncJobName } from '../../services/sync/index.js';
import { syncMessages } from '../../views/sync-messages.js';
import { renderSyncNotice } from '../../views/sync.js';
import type { Handler, HandlerDeps } from '../define.js';
import { readInput } from '../inputs.js';

export const sourceName = z.string().regex(/^[a-z][a-z0-9_]{0,30}$/);

/**
 * "Sync now" (engineers): runs the source as the claimed slot of this minute, so a second press, or the same
 * press reaching another replica, runs nothing and says so.
 */
export function createSyncNowAction({ sync, jobs, clock, locale }: HandlerDeps): Handler<'action', 'later'> {
  const m = syncMessages(locale);
  const tell = (respond: (answer: object) => Promise<unknown>, text: string) =>
    respond({ response_type: 'ephemeral', replace_original: false, ...renderSyncNotice(text) });
  return async ({ action, body, respond, context }) => {
    const name = readInput(sourceName, action.type === 'button' ? action.value : undefined, 'the source');
    if (!sync.knows(name)) {
      context.auditResult = 'unknown source';
      await tell(respond, m.unknownSource(name));
      return;
    }
    await tell(respond, m.started(name));
    const outcome = await jobs.runOnce(syncJobName(name), clock.now().startOf('minute'), body.user.id);
    if (!outcome) {
      context.auditResult = `${name}: already started this minute`;
      await tell(respond, m.alreadyRunning(name));
      return;
    }
    // The job succeeds when the run is recorded, whatever the partner did: the audit row says how the sync went.
    const run = outcome.status === 'succeeded' ? await sync.lastRun(name) : undefined;
    context.auditResult = `${name}: ${run?.status ?? outcome.status}`;
    await tell(respond, m.finished(name, outcome.result ?? outcome.error ?? outcome.status));
  };
}
