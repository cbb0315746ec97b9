import { renderHelp } from '../../views/help.js';
import { deepFreeze } from '../../views/frozen.js';
import type { Handler, HandlerDeps } from '../define.js';

/** `/banto help` (and a bare `/banto`): the commands this caller may run, in the ack itself. */
export function createHelpCommand({ commandsFor, locale }: HandlerDeps): Handler<'command', 'ack'> {
  // The answer depends only on the caller's roles: a handful of answers, built once each and frozen, so the
  // receiver serialises each once too.
  const answers = new Map<string, ReturnType<typeof renderHelp> & { response_type: 'ephemeral' }>();
  return async ({ ack, context }) => {
    const key = [...context.roles].sort().join(' ');
    let answer = answers.get(key);
    if (!answer) {
      const view = renderHelp(
        commandsFor(context.roles).map((c) => ({ command: c.key, help: c.help })),
        locale,
      );
      answer = deepFreeze({ response_type: 'ephemeral', ...view });
      answers.set(key, answer);
    }
    await ack(answer);
  };
}
