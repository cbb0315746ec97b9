import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { commandsAllowedFor } from '../../services/access/permissions.js';
import { renderHelp } from '../../views/help.js';
import type { MessageView } from '../../views/message.js';
import type { BantoContext } from '../middleware/authorize-and-audit.js';
import type { ListenerDeps } from '../deps.js';

/** `/banto help` (and a bare `/banto`): the commands this caller may run, answered in the ack itself. */
export function createBantoCommand({ locale }: ListenerDeps) {
  // The answer depends only on the set of allowed commands: a handful of views, built once each.
  const views = new Map<string, MessageView>();
  return async ({ ack, context }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const commands = commandsAllowedFor((context as typeof context & BantoContext).roles);
    const key = commands.join(' ');
    let view = views.get(key);
    if (!view) views.set(key, (view = renderHelp(commands, locale)));
    await ack({ response_type: 'ephemeral', ...view });
  };
}
