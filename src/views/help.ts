import { roleNames, type RoleName } from '../config.js';
import { messagesFor, type HelpKey, type Locale } from './messages.js';
import { headerBlock, sectionBlock, type MessageView } from './message.js';

export function renderHelp(commands: readonly { command: string; help: HelpKey }[], locale: Locale): MessageView {
  const m = messagesFor(locale);
  if (commands.length === 0) return { text: m.helpNone, blocks: [headerBlock(m.helpTitle), sectionBlock(m.helpNone)] };
  const lines = commands.map((c) => `• \`${c.command}\` — ${m.commandDescriptions[c.help]}`);
  return {
    text: `${m.helpTitle}: ${commands.map((c) => c.command).join(', ')}`,
    blocks: [headerBlock(m.helpTitle), sectionBlock(lines.join('\n'))],
  };
}

/** `/banto whoami`: the caller's roles, in the order the config names them. */
export function renderWhoami(roles: ReadonlySet<RoleName>, locale: Locale): MessageView {
  const text = messagesFor(locale).whoami(roleNames.filter((r) => roles.has(r)));
  return { text, blocks: [sectionBlock(text)] };
}

export function renderMentionReply(locale: Locale): MessageView {
  const text = messagesFor(locale).mentionReply;
  return { text, blocks: [sectionBlock(text)] };
}
