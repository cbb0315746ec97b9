import type { RoleName } from '../config.js';
import { messagesFor, type Locale } from './messages.js';
import { messageView, sectionBlock, type MessageView } from './message.js';
import { echoInput } from './slack-limits.js';

/** `what` is the command or button as the person sent it: shown back short and escaped. */
export function renderRefusal(what: string, requiredRoles: readonly RoleName[], locale: Locale): MessageView {
  const m = messagesFor(locale);
  what = echoInput(what);
  const text = requiredRoles.length > 0 ? m.refusedRole(what, [...requiredRoles]) : m.refusedUnknown(what);
  return messageView(text, [sectionBlock(`:no_entry: ${text}`)]);
}
