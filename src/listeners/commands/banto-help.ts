import { renderHelp } from '../../views/help.js';
import type { MessageView } from '../../views/message.js';
import type { Handler, HandlerDeps } from '../define.js';

/** `/banto help` (and a bare `/banto`): the commands this caller may run, in the ack itself. */
export function createHelpCommand({ commandsFor, locale }: HandlerDeps): Handler<'command', 'ack'> {
  // The answer depends only on the caller's roles: a handful of views, built once each.
  const views = new Map<string, MessageView>();
  return async ({ ack, context }) => {
    const key = [...context.roles].sort().join(' ');
    let view = views.get(key);
    if (!view) {
      view = renderHelp(
        commandsFor(context.roles).map((c) => ({ command: c.key, help: c.help })),
        locale,
      );
      views.set(key, view);
    }
    await ack({ response_type: 'ephemeral', ...view });
  };
}
