import type { KnownBlock } from '@slack/types';
import type { Amounts, PaymentDayFigures, PeriodProblem, PeriodSummary } from '../services/payments/index.js';
import { formatCount, formatYen } from './format.js';
import { messagesFor, type Locale } from './messages.js';
import { headerBlock, messageView, sectionBlock, type MessageView } from './message.js';

const pair = (a: Amounts, unit: string) => `${formatCount(a.count)}${unit} / ${formatYen(a.total)}`;

/** The change of a total against an earlier one, as a person reads it: +12.5%, -3.0%, ±0%, n/a. */
export function formatChange(now: number, before: number): string {
  if (before === 0) return now === 0 ? '±0%' : 'n/a';
  const pct = ((now - before) / before) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

/** The billing summary of one period: totals, comparisons, plans, new vs renewal, the payment day. */
export function renderPeriodSummary(summary: PeriodSummary, locale: Locale): MessageView {
  const m = messagesFor(locale);
  const unit = m.countUnit;
  const title = m.paymentsTitle(summary.period.label);
  const fields = [
    `*${m.paySucceeded}*\n${pair(summary.succeeded, unit)}`,
    `*${m.payFailed}*\n${pair(summary.failed, unit)}`,
    `*${m.payRefunded}*\n${pair(summary.refunded, unit)}`,
    ...(summary.providerRefunds.count > 0 ? [`*${m.payProviderRefunds}*\n${pair(summary.providerRefunds, unit)}`] : []),
    `*${m.payPending}*\n${pair(summary.pending, unit)}`,
    `*${m.payNew}*\n${pair(summary.newPayments, unit)}`,
    `*${m.payRenewal}*\n${pair(summary.renewals, unit)}`,
  ];
  const comparisons = [
    m.payVsPrevious(
      summary.previous.period.label,
      formatYen(summary.previous.succeeded.total),
      formatChange(summary.succeeded.total, summary.previous.succeeded.total),
    ),
    ...(summary.lastWeek
      ? [
          m.payVsLastWeek(
            summary.lastWeek.period.label,
            formatYen(summary.lastWeek.succeeded.total),
            formatChange(summary.succeeded.total, summary.lastWeek.succeeded.total),
          ),
        ]
      : []),
  ];
  const blocks: KnownBlock[] = [
    headerBlock(title),
    sectionBlock(m.paymentsLine(formatCount(summary.succeeded.count), formatYen(summary.succeeded.total))),
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
    sectionBlock(comparisons.join('\n')),
  ];
  if (summary.byPlan.length > 0)
    blocks.push(
      sectionBlock(`*${m.payByPlan}*\n${summary.byPlan.map((p) => `• ${p.plan}: ${pair(p, unit)}`).join('\n')}`),
    );
  const day = summary.paymentDay;
  if (day) blocks.push(sectionBlock(m.payExpected(pair(day.expected, unit), pair(day.paid, unit))));
  return messageView(
    `${title}: ${m.paymentsLine(formatCount(summary.succeeded.count), formatYen(summary.succeeded.total))}`,
    blocks,
  );
}

export function renderPaymentsUsage(problem: PeriodProblem, locale: Locale): MessageView {
  const m = messagesFor(locale);
  const text = `${m.paymentsProblem[problem]}\n${m.paymentsUsage}`;
  return messageView(text, [sectionBlock(text)]);
}

/** After a payment day: expected against paid, and the customers (ids, never card data) whose payment failed. */
export function renderPaymentDay(label: string, day: PaymentDayFigures, locale: Locale): MessageView {
  const m = messagesFor(locale);
  const title = m.paymentDayTitle(label);
  const lines = [
    m.payExpected(pair(day.expected, m.countUnit), pair(day.paid, m.countUnit)),
    m.failedCustomers(day.failedUserIds.length > 0 ? day.failedUserIds.map((id) => `#${id}`).join(', ') : '—'),
  ];
  return messageView(`${title}: ${lines[0]}`, [headerBlock(title), sectionBlock(lines.join('\n'))]);
}
