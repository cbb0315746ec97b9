import type { DaySummary } from '../services/payments/index.js';
import { formatCount, formatYen } from './format.js';
import { messagesFor, type Locale } from './messages.js';
import { headerBlock, sectionBlock, type MessageView } from './message.js';

export function renderDaySummary(summary: DaySummary, locale: Locale): MessageView {
  const m = messagesFor(locale);
  const title = m.paymentsTitle(summary.day);
  const line = m.paymentsLine(formatCount(summary.succeededCount), formatYen(summary.succeededTotal));
  return { text: `${title}: ${line}`, blocks: [headerBlock(title), sectionBlock(line)] };
}

export function renderPaymentsUsage(locale: Locale): MessageView {
  const text = messagesFor(locale).paymentsUsage;
  return { text, blocks: [sectionBlock(text)] };
}
