import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { commandsAllowedFor } from '../../services/access/permissions.js';
import { renderHelp } from '../../views/help.js';
import type { BantoContext } from '../middleware/authorize-and-audit.js';
import type { ListenerDeps } from '../deps.js';

/** `/banto help` (and a bare `/banto`): the commands this caller may run, answered in the ack itself. */
export function createBantoCommand({ locale }: ListenerDeps) {
  return async ({ ack, context }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const { roles } = context as typeof context & BantoContext;
    await ack({ response_type: 'ephemeral', ...renderHelp(commandsAllowedFor(roles), locale) });
  };
}
