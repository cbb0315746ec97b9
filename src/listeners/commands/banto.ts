import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { commandsAllowedFor } from '../../services/access/permissions.js';
import { renderHelp } from '../../views/help.js';
import type { MessageView } from '../../views/message.js';
import type { BantoContext } from '../middleware/authorize-and-audit.js';
import type { ListenerDeps } from '../deps.js';
import { createMailStatusCommand } from './banto-mail-status.js';
import { createTemplatesCommand } from './banto-templates.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * `/banto <sub>`: `help` (and a bare `/banto`) answers in the ack itself with
 * the commands this caller may run; the gate has already checked the
 * subcommand's own permission (`/banto templates`, ...).
 */
export function createBantoCommand(deps: ListenerDeps) {
  // The answer depends only on the set of allowed commands: a handful of views, built once each.
  const views = new Map<string, MessageView>();
  const subcommands: Record<string, (args: Args) => Promise<void>> = {
    templates: createTemplatesCommand(deps),
    'mail-status': createMailStatusCommand(deps),
  };
  return async (args: Args) => {
    const sub = subcommands[args.command.text.trim().split(/\s+/)[0] ?? ''];
    if (sub) return sub(args);
    const commands = commandsAllowedFor((args.context as typeof args.context & BantoContext).roles);
    const key = commands.join(' ');
    let view = views.get(key);
    if (!view) views.set(key, (view = renderHelp(commands, deps.locale)));
    await args.ack({ response_type: 'ephemeral', ...view });
  };
}
