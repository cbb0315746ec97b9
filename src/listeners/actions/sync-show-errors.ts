import { renderSkippedRecords } from '../../views/sync.js';
import { syncMessages } from '../../views/sync-messages.js';
import type { Handler, HandlerDeps } from '../define.js';
import { readInput } from '../inputs.js';
import { sourceName } from './sync-now.js';

/** "Show errors" (engineers): a modal with the records the source's last run skipped, and why. */
export function createSyncShowErrorsAction({ sync, locale }: HandlerDeps): Handler<'action', 'later'> {
  return async ({ action, body, client, respond, context }) => {
    const name = readInput(sourceName, action.type === 'button' ? action.value : undefined, 'the source');
    if (!sync.knows(name)) {
      context.auditResult = 'unknown source';
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: syncMessages(locale).unknownSource(name),
      });
      return;
    }
    const run = await sync.lastRun(name);
    context.auditResult = `${name}: ${run?.skipped ?? 0} skipped`;
    await client.views.open({ trigger_id: body.trigger_id, view: renderSkippedRecords(name, run, locale) });
  };
}
