import { renderHelp } from '../../views/help.js';
import type { MessageView } from '../../views/message.js';
import type { Handler, HandlerDeps } from '../define.js';

/** `/banto help` (and a bare `/banto`): the commands this caller may run, in the ack itself. */
export function createHelpCommand({ commandsFor, locale }: HandlerDeps): Handler<'command', 'ack'> {
  // The answer depends only on the set of allowed commands: a handful of views, built once each.
  const views = new Map<string, MessageView>();
  return async ({ ack, context }) => {
    const commands = commandsFor(context.roles).map((c) => ({ command: c.key, help: c.help }));
    const key = commands.map((c) => c.command).join(' ');
    let view = views.get(key);
    if (!view) views.set(key, (view = renderHelp(commands, locale)));
    await ack({ response_type: 'ephemeral', ...view });
  };
}
