import { renderSyncStatus } from '../../views/sync.js';
import type { Handler, HandlerDeps } from '../define.js';

/** `/sync-status` (any Banto role): each partner source's health; engineers also get "Sync now" and "Show errors". */
export function createSyncStatusCommand({ sync, clock, locale }: HandlerDeps): Handler<'command', 'later'> {
  return async ({ respond, context }) => {
    const view = renderSyncStatus(await sync.status(), {
      zone: clock.zone,
      locale,
      withButtons: context.roles.has('engineer'),
    });
    await respond({ response_type: 'ephemeral', ...view });
  };
}
