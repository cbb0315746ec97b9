import type { SlackBodyKind } from '../edge/slack-body.js';
import type { UnansweredReason } from '../edge/deliver.js';
import { noticeModal } from './message.js';
import { messagesFor, type Locale } from './messages.js';

/**
 * The ack the edge sends when no handler answered: a command hears it as an
 * ephemeral message, a modal shows it in place; other kinds get a bare ack
 * (Slack shows nothing for them, and a handler may still answer through
 * response_url or chat).
 */
export function renderUnanswered(kind: SlackBodyKind, reason: UnansweredReason, locale: Locale): unknown {
  const m = messagesFor(locale);
  const text = reason === 'late' ? m.answerLate : m.answerFailed;
  if (kind === 'command') return { response_type: 'ephemeral', text };
  if (kind === 'view_submission') return { response_action: 'update', view: noticeModal('Banto', text) };
  return undefined;
}
