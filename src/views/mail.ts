import type { KnownBlock, View } from '@slack/types';
import type { OutboxMail } from '../services/mail/outbox.js';
import type { TemplateBody } from '../services/mail/render.js';
import type { Customer } from '../services/mail/resend.js';
import type { MailStatus } from '../services/mail/status.js';
import type { TemplateOverview, TemplateVersion } from '../services/mail/templates.js';
import { mailMessages } from './mail-messages.js';
import { customerQueryInput, headerBlock, messageView, sectionBlock, type MessageView } from './message.js';
import { fitToSlack } from './slack-limits.js';
import type { Locale } from './messages.js';

export const mailIds = {
  review: 'template_review',
  approve: 'template_approve',
  reject: 'template_reject',
  sendTest: 'template_send_test',
  bulkApprove: 'resend_bulk_approve',
  findView: 'resend_find',
  pickView: 'resend_pick',
  confirmView: 'resend_confirm',
} as const;

// Cut to each field's own limit by fitToSlack, where the message or modal is finished.
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const button = (text: string, actionId: string, value: string, style?: 'primary' | 'danger') => ({
  type: 'button' as const,
  text: plain(text),
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});
const modal = (callbackId: string, title: string, blocks: KnownBlock[], extra: Partial<View> = {}): View =>
  fitToSlack({
    type: 'modal',
    callback_id: callbackId,
    title: plain(title),
    blocks,
    close: plain('閉じる / Close'),
    ...extra,
  } as View);
const at = (mail: OutboxMail, zone: string) => mail.createdAt.setZone(zone).toFormat('MM-dd HH:mm');

export function renderTemplateList(templates: TemplateOverview[], locale: Locale): MessageView {
  const m = mailMessages(locale);
  const blocks: KnownBlock[] = [headerBlock(m.templatesTitle)];
  for (const t of templates) {
    const line = `${m.templateLine(t.name, t.latest.version, m.state[t.latest.state] ?? t.latest.state, t.sendable ? `v${t.sendable.version}` : m.noneApproved)}\n${t.description}`;
    blocks.push(
      t.latest.state === 'draft'
        ? {
            type: 'section',
            text: { type: 'mrkdwn', text: line },
            accessory: button(m.review(t.latest.version), mailIds.review, String(t.latest.id)),
          }
        : sectionBlock(line),
    );
  }
  return messageView(m.templatesTitle, blocks);
}

/** The review modal: the version rendered with its sample values, and what an executive may do with it. */
export function renderTemplateReview(
  { version, preview }: { version: TemplateVersion; preview: TemplateBody },
  locale: Locale,
  zone: string,
  notice?: string,
): View {
  const m = mailMessages(locale);
  const blocks: KnownBlock[] = [
    headerBlock(`${version.name} v${version.version}`),
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${m.state[version.state] ?? version.state} — ${version.description}` }],
    },
    sectionBlock(`*${m.previewSubject}*\n${preview.subject}`),
    sectionBlock(`*${m.previewText}*\n\`\`\`${preview.text.slice(0, 2800)}\`\`\``),
    sectionBlock(
      `*${m.previewParams}*\n${version.params.map((p) => `• \`${p.name}\` = ${JSON.stringify(p.sample).slice(0, 120)}${p.description ? ` — ${p.description}` : ''}`).join('\n')}`,
    ),
  ];
  if (version.state === 'draft') {
    blocks.push({
      type: 'actions',
      block_id: 'decision',
      elements: [
        button(m.approve, mailIds.approve, String(version.id), 'primary'),
        button(m.reject, mailIds.reject, String(version.id), 'danger'),
        button(m.sendTest, mailIds.sendTest, String(version.id)),
      ],
    });
  } else if (version.decidedBy) {
    blocks.push(
      sectionBlock(
        m.decided(
          m.state[version.state] ?? version.state,
          version.decidedBy,
          version.decidedAt?.setZone(zone).toFormat('yyyy-MM-dd HH:mm') ?? '',
        ),
      ),
    );
  }
  if (notice) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notice }] });
  return modal(mailIds.review, `${version.name}`, blocks, { private_metadata: String(version.id) });
}

export function renderMailStatus(status: MailStatus, locale: Locale, zone: string): MessageView {
  const m = mailMessages(locale);
  const day = status.from.setZone(zone).toFormat('yyyy-MM-dd');
  const oldest = status.oldestQueued;
  const lines = [
    m.statusCounts(status.counts),
    oldest
      ? m.oldestQueued(
          oldest.id,
          oldest.template,
          oldest.createdAt.setZone(zone).toFormat('yyyy-MM-dd HH:mm'),
          oldest.attempts,
          oldest.lastError,
        )
      : m.nothingQueued,
  ];
  return messageView(`${m.statusTitle(day)}: ${lines[0] ?? ''}`, [
    headerBlock(m.statusTitle(day)),
    sectionBlock(lines.join('\n')),
  ]);
}

export function renderResendFind(locale: Locale, query = '', problem?: string): View {
  const m = mailMessages(locale);
  const blocks: KnownBlock[] = [customerQueryInput(m.findLabel, query)];
  if (problem) blocks.push(sectionBlock(problem));
  return modal(mailIds.findView, m.resendTitle, blocks, { submit: plain(m.find) });
}

export function renderResendPick(customer: Customer, mails: OutboxMail[], locale: Locale, zone: string): View {
  const m = mailMessages(locale);
  const blocks: KnownBlock[] = [sectionBlock(m.customer(customer.name, customer.id, customer.email))];
  if (mails.length === 0) return modal(mailIds.pickView, m.resendTitle, [...blocks, sectionBlock(m.noMail)]);
  blocks.push(
    sectionBlock(
      mails
        .map(
          (mail) =>
            `#${mail.id} ${at(mail, zone)} ${mail.template} — *${mail.state}*${mail.resendOf ? ` (↩ #${mail.resendOf})` : ''}`,
        )
        .join('\n'),
    ),
  );
  blocks.push({
    type: 'input',
    block_id: 'mail',
    label: plain(m.pickLabel),
    element: {
      type: 'radio_buttons',
      action_id: 'id',
      options: mails.slice(0, 10).map((mail) => ({
        text: plain(`#${mail.id} ${at(mail, zone)} ${mail.template} (${mail.state})`),
        value: String(mail.id),
      })),
    },
  });
  return modal(mailIds.pickView, m.resendTitle, blocks, {
    submit: plain(m.next),
    private_metadata: JSON.stringify(customer),
  });
}

export function renderResendConfirm(customer: Customer, mail: OutboxMail, locale: Locale): View {
  const m = mailMessages(locale);
  return modal(
    mailIds.confirmView,
    m.resendTitle,
    [
      sectionBlock(m.customer(customer.name, customer.id, customer.email)),
      sectionBlock(m.confirmText(mail.id, mail.template, mail.state, mail.to)),
    ],
    {
      submit: plain(m.confirm),
      private_metadata: String(mail.id),
    },
  );
}

export function renderBulkRequest(id: number, by: string, count: number, label: string, locale: Locale): MessageView {
  const m = mailMessages(locale);
  const text = m.bulkRequest(by, count, label);
  return messageView(text, [
    sectionBlock(text),
    {
      type: 'actions',
      block_id: 'bulk',
      elements: [button(m.bulkApprove, mailIds.bulkApprove, String(id), 'primary')],
    },
  ]);
}
