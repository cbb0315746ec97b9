import { roleNames, type RoleName } from '../config.js';
import { messagesFor, type HelpKey, type Locale } from './messages.js';
import { headerBlock, messageView, sectionBlock, type MessageView } from './message.js';

export function renderHelp(commands: readonly { command: string; help: HelpKey }[], locale: Locale): MessageView {
  const m = messagesFor(locale);
  if (commands.length === 0) return messageView(m.helpNone, [headerBlock(m.helpTitle), sectionBlock(m.helpNone)]);
  const lines = commands.map((c) => `• \`${c.command}\` — ${m.commandDescriptions[c.help]}`);
  return messageView(`${m.helpTitle}: ${commands.map((c) => c.command).join(', ')}`, [
    headerBlock(m.helpTitle),
    sectionBlock(lines.join('\n')),
  ]);
}

/** `/banto whoami`: the caller's roles, in the order the config names them. */
export function renderWhoami(roles: ReadonlySet<RoleName>, locale: Locale): MessageView {
  const text = messagesFor(locale).whoami(roleNames.filter((r) => roles.has(r)));
  return messageView(text, [sectionBlock(text)]);
}

export function renderMentionReply(locale: Locale): MessageView {
  const text = messagesFor(locale).mentionReply;
  return messageView(text, [sectionBlock(text)]);
}
