import { renderWhoami } from '../../views/help.js';
import type { Handler, HandlerDeps } from '../define.js';

/** `/banto whoami`: the roles the gate found for the caller, in the ack itself. */
export function createWhoamiCommand({ locale }: HandlerDeps): Handler<'command', 'ack'> {
  return async ({ ack, context }) => {
    await ack({ response_type: 'ephemeral', ...renderWhoami(context.roles, locale) });
  };
}
