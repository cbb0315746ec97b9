import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { HandlerDeps } from '../define.js';
import { publishHome } from '../home.js';

/** The Home tab opened: it is published anew for the person, from what their roles may see now. */
export function createAppHomeOpenedListener(deps: HandlerDeps) {
  return async ({ event, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    await publishHome(deps, client, event.user, { opened: true });
  };
}
