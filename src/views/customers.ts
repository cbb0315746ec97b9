import type { KnownBlock, View } from '@slack/types';
import type { CustomerMatch, CustomerRecord } from '../services/customers/index.js';
import type { OutboxMail } from '../services/mail/outbox.js';
import { customerMessages } from './customer-messages.js';
import { formatYen } from './format.js';
import { customerQueryInput, sectionBlock } from './message.js';
import type { Locale } from './messages.js';
import { requestButtons } from './requests.js';
import { fitToSlack } from './slack-limits.js';

export const customerIds = {
  command: '/customer',
  shortcut: 'lookup_customer',
  findView: 'customer_find',
  pickView: 'customer_pick',
  recordView: 'customer_record',
  open: 'customer_open',
  resend: 'customer_resend',
} as const;

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const modal = (callbackId: string, title: string, blocks: KnownBlock[], extra: Partial<View> = {}): View =>
  fitToSlack({
    type: 'modal',
    callback_id: callbackId,
    title: plain(title),
    blocks,
    close: plain('閉じる / Close'),
    ...extra,
  } as View);
const button = (text: string, actionId: string, value: string) => ({
  type: 'button' as const,
  text: plain(text),
  action_id: actionId,
  value,
});

/** The search box: an address, an id or part of a name. */
export function renderCustomerFind(locale: Locale, query = '', problem?: string): View {
  const m = customerMessages(locale);
  const blocks: KnownBlock[] = [customerQueryInput(m.findLabel, query)];
  if (problem) blocks.push(sectionBlock(problem));
  return modal(customerIds.findView, m.title, blocks, { submit: plain(m.find) });
}

/** Several customers matched: their names and addresses only, each with an Open button. */
export function renderCustomerPick(matches: CustomerMatch[], more: boolean, locale: Locale): View {
  const m = customerMessages(locale);
  return modal(customerIds.pickView, m.title, [
    sectionBlock(m.pickTitle(matches.length, more)),
    ...matches.map((c): KnownBlock => ({
      type: 'section',
      block_id: `customer_${c.id}`,
      text: { type: 'mrkdwn', text: m.heading(c.name, c.id, c.email) },
      accessory: button(m.open, customerIds.open, c.id),
    })),
  ]);
}

function providerLine(e: CustomerRecord['providerEvents'][number], locale: Locale, zone: string): string {
  const m = customerMessages(locale);
  const detail = [e.reason, e.status].filter(Boolean).join(', ');
  const amount = e.amount === undefined ? '' : ` ${formatYen(e.amount)}`;
  return `${e.at.setZone(zone).toFormat('yyyy-MM-dd')} ${m.provider[e.type] ?? e.type}${amount}${detail ? ` (${detail})` : ''}`;
}

/**
 * One customer: membership, subscriptions, last payments, the provider's reports and the mail they got, each mail
 * with a Resend button for those who may resend. Only this customer's rows; no total over customers.
 */
export function renderCustomerRecord(
  record: CustomerRecord,
  mails: OutboxMail[],
  locale: Locale,
  zone: string,
  { canResend, canRequest }: { canResend: boolean; canRequest: boolean },
): View {
  const m = customerMessages(locale);
  const day = (at: CustomerRecord['createdAt']) => at.setZone(zone).toFormat('yyyy-MM-dd');
  const subscriptions = record.subscriptions.map((s) =>
    m.subscription(
      s.plan,
      formatYen(s.amount),
      s.status,
      s.nextPaymentDate && s.chargedOn ? m.nextCharge(s.nextPaymentDate, s.chargedOn) : m.noNext,
    ),
  );
  const payments = record.payments.map(
    (p) =>
      `#${p.id} ${p.paidAt ? day(p.paidAt) : (p.dueDate ?? '')} ${formatYen(p.amount)} ${m.status[p.status] ?? p.status}`,
  );
  const blocks: KnownBlock[] = [
    sectionBlock(
      [
        m.heading(record.name, record.id, record.email),
        m.member(record.plan, day(record.createdAt)),
        record.unsubscribedAt ? m.unsubscribed(day(record.unsubscribedAt)) : m.subscribed,
      ].join('\n'),
    ),
    sectionBlock(
      [m.subscriptionsTitle, ...(subscriptions.length > 0 ? subscriptions : [m.noSubscriptions])].join('\n'),
    ),
    sectionBlock([m.paymentsTitle, ...(payments.length > 0 ? payments : [m.noPayments])].join('\n')),
  ];
  if (record.providerEvents.length > 0)
    blocks.push(
      sectionBlock([m.providerTitle, ...record.providerEvents.map((e) => providerLine(e, locale, zone))].join('\n')),
    );
  blocks.push(sectionBlock(mails.length > 0 ? m.mailTitle : `${m.mailTitle}\n${m.noMail}`));
  for (const mail of mails)
    blocks.push({
      type: 'section',
      block_id: `mail_${mail.id}`,
      text: {
        type: 'mrkdwn',
        text: m.mailLine(mail.id, mail.createdAt.setZone(zone).toFormat('yyyy-MM-dd HH:mm'), mail.template, mail.state),
      },
      ...(canResend ? { accessory: button(m.resend, customerIds.resend, String(mail.id)) } : {}),
    });
  if (canRequest) blocks.push(requestButtons(record.id, locale));
  return modal(customerIds.recordView, m.title, blocks, { private_metadata: record.id });
}
