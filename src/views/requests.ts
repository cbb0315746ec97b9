import type { KnownBlock, View } from '@slack/types';
import type { CustomerRecord } from '../services/customers/index.js';
import type { HelpRequest, HelpRequestKind } from '../services/requests/index.js';
import { formatYen } from './format.js';
import { messageView, sectionBlock, type MessageView } from './message.js';
import type { Locale } from './messages.js';
import { requestMessages } from './request-messages.js';
import { fitToSlack } from './slack-limits.js';

export const requestIds = {
  refund: 'customer_request_refund',
  cancel: 'customer_request_cancel',
  view: 'customer_request',
  approve: 'request_approve',
  reject: 'request_reject',
  done: 'request_done',
  carryOut: 'request_carry_out',
} as const;

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** The two buttons under a customer's records, for those who may ask. */
export function requestButtons(customerId: string, locale: Locale): KnownBlock {
  const m = requestMessages(locale);
  return {
    type: 'actions',
    block_id: 'requests',
    elements: [
      { type: 'button', text: plain(m.requestRefund), action_id: requestIds.refund, value: customerId },
      { type: 'button', text: plain(m.requestCancel), action_id: requestIds.cancel, value: customerId },
    ],
  };
}

/** What can be asked for: the customer's succeeded payments, or their subscriptions not cancelled yet. */
export function requestTargets(record: CustomerRecord, kind: HelpRequestKind): { value: string; label: string }[] {
  return kind === 'refund'
    ? record.payments
        .filter((p) => p.status === 'succeeded')
        .map((p) => ({
          value: p.id,
          label: `#${p.id} ${p.paidAt?.toISODate() ?? p.dueDate ?? ''} ${formatYen(p.amount)}`,
        }))
    : record.subscriptions
        .filter((s) => s.status !== 'cancelled')
        .map((s) => ({ value: s.id, label: `#${s.id} ${s.plan} ${formatYen(s.amount)} (${s.status})` }));
}

/** The request form: which payment or subscription, and why. */
export function renderRequestForm(record: CustomerRecord, kind: HelpRequestKind, locale: Locale): View {
  const m = requestMessages(locale);
  const targets = requestTargets(record, kind);
  const title = m.modalTitle(m.kind[kind]);
  const base = {
    type: 'modal' as const,
    callback_id: requestIds.view,
    title: plain(title),
    close: plain('閉じる / Close'),
  };
  if (targets.length === 0) return fitToSlack<View>({ ...base, blocks: [sectionBlock(m.nothingTo[kind])] });
  return fitToSlack<View>({
    ...base,
    submit: plain(m.send),
    private_metadata: JSON.stringify({ customerId: record.id, kind }),
    blocks: [
      sectionBlock(`*${record.name}* (${record.id}, ${record.email})`),
      {
        type: 'input',
        block_id: 'target',
        label: plain(m.targetLabel[kind]),
        element: {
          type: 'static_select',
          action_id: 'id',
          options: targets.slice(0, 100).map((t) => ({ text: plain(t.label.slice(0, 75)), value: t.value })),
        },
      },
      {
        type: 'input',
        block_id: 'reason',
        label: plain(m.reasonLabel),
        element: { type: 'plain_text_input', action_id: 'text', multiline: true, max_length: 500 },
      },
    ],
  });
}

/**
 * The request in the billing channel: who asks, for which customer and what, and why; Approve and Reject while it
 * waits; once approved, Done (and, with a provider, "Carry out" to try it again), nothing after.
 */
export function renderRequestPost(
  request: HelpRequest,
  customerName: string,
  { locale, zone, provider }: { locale: Locale; zone: string; provider: boolean },
): MessageView {
  const m = requestMessages(locale);
  const kind = m.kind[request.kind];
  const target = `${m.targetWord[request.kind]} #${request.targetId}`;
  const lines = [
    m.post(request.id, kind, request.requestedBy),
    m.target(
      `${customerName} (${request.customerId})`,
      target,
      request.amount === undefined ? '' : formatYen(request.amount),
    ),
    m.reason(request.reason),
    m.state[request.state],
    ...(request.decidedBy && request.decidedAt
      ? [m.decidedBy(request.decidedBy, request.decidedAt.setZone(zone).toFormat('yyyy-MM-dd HH:mm'))]
      : []),
    ...(request.doneBy ? [m.doneBy(request.doneBy)] : []),
    ...(request.providerRef ? [m.providerDone(request.providerRef)] : []),
    ...(request.state === 'approved' && request.providerError ? [m.providerFailed(request.providerError)] : []),
  ];
  const value = String(request.id);
  const buttons =
    request.state === 'pending'
      ? [
          {
            type: 'button' as const,
            text: plain(m.approve),
            action_id: requestIds.approve,
            value,
            style: 'primary' as const,
          },
          {
            type: 'button' as const,
            text: plain(m.reject),
            action_id: requestIds.reject,
            value,
            style: 'danger' as const,
          },
        ]
      : request.state === 'approved'
        ? [
            ...(provider
              ? [{ type: 'button' as const, text: plain(m.carryOut), action_id: requestIds.carryOut, value }]
              : []),
            { type: 'button' as const, text: plain(m.done), action_id: requestIds.done, value },
          ]
        : [];
  const blocks: KnownBlock[] = [sectionBlock(lines.join('\n'))];
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: `request_${request.id}`, elements: buttons });
  return messageView(lines[0] ?? '', blocks);
}
