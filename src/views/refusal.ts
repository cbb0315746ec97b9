import type { RoleName } from '../config.js';
import { messagesFor, type Locale } from './messages.js';
import { sectionBlock, type MessageView } from './message.js';

export function renderRefusal(what: string, requiredRoles: readonly RoleName[], locale: Locale): MessageView {
  const m = messagesFor(locale);
  const text = requiredRoles.length > 0 ? m.refusedRole(what, [...requiredRoles]) : m.refusedUnknown(what);
  return { text, blocks: [sectionBlock(`:no_entry: ${text}`)] };
}
