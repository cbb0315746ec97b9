import type { Locale } from './messages.js';
import { messagesFor } from './messages.js';
import { headerBlock, sectionBlock, type MessageView } from './message.js';

export function renderHelp(commands: string[], locale: Locale): MessageView {
  const m = messagesFor(locale);
  if (commands.length === 0) return { text: m.helpNone, blocks: [headerBlock(m.helpTitle), sectionBlock(m.helpNone)] };
  const lines = commands.map((c) => `• \`${c}\` — ${m.commandDescriptions[c] ?? ''}`);
  return { text: `${m.helpTitle}: ${commands.join(', ')}`, blocks: [headerBlock(m.helpTitle), sectionBlock(lines.join('\n'))] };
}

export function renderMentionReply(locale: Locale): MessageView {
  const text = messagesFor(locale).mentionReply;
  return { text, blocks: [sectionBlock(text)] };
}
