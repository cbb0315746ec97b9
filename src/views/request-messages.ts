import type { HelpRequestKind, HelpRequestState } from '../services/requests/index.js';
import type { Locale } from './messages.js';

/** The sentences of refund and cancellation requests; `en` has every key of `ja`. */
const ja = {
  kind: { refund: '返金', cancel: '解約' } satisfies Record<HelpRequestKind, string>,
  requestRefund: '返金を依頼',
  requestCancel: '解約を依頼',
  modalTitle: (kind: string) => `${kind}の依頼`,
  targetLabel: { refund: '返金する決済', cancel: '解約する契約' } satisfies Record<HelpRequestKind, string>,
  reasonLabel: '理由 (経理が読みます)',
  badReason: '理由を 1〜500 文字で書いてください。',
  badTarget: 'この顧客の対象を選んでください。',
  targetWord: { refund: '決済', cancel: '契約' } satisfies Record<HelpRequestKind, string>,
  send: '経理に送る',
  nothingTo: {
    refund: '返金できる決済 (成功した決済) がありません。',
    cancel: '解約できる契約がありません。',
  } satisfies Record<HelpRequestKind, string>,
  sent: (id: number) => `依頼 #${id} を経理に送りました。結果は DM でお知らせします。`,
  notPosted: (id: number) =>
    `依頼 #${id} は記録しましたが、まだ請求チャンネルに投稿できていません。Banto が 1 分ごとに投稿し直します。`,
  post: (id: number, kind: string, by: string) => `*${kind}の依頼 #${id}* — 依頼者 <@${by}>`,
  target: (customer: string, target: string, amount: string) => `顧客 ${customer} / ${target} ${amount}`,
  reason: (text: string) => `理由: ${text}`,
  approve: '承認',
  reject: '却下',
  done: '完了',
  state: {
    pending: ':hourglass: 経理の判断待ち',
    approved: ':white_check_mark: 承認済み — 実施したら「完了」を押してください',
    rejected: ':x: 却下',
    done: ':heavy_check_mark: 完了',
  } satisfies Record<HelpRequestState, string>,
  decidedBy: (by: string, at: string) => `判断: <@${by}> (${at})`,
  doneBy: (by: string) => `実施: <@${by}>`,
  carryOut: '決済サービスで実施',
  noProviderId: 'この決済・契約には決済サービスの ID がありません。手で実施して「完了」を押してください。',
  providerDone: (ref: string) => `決済サービスで実施済み: \`${ref}\``,
  providerFailed: (why: string) =>
    `:warning: 決済サービスで実施できませんでした: ${why}\n「決済サービスで実施」でやり直すか、手で実施して「完了」を押してください。`,
  ownRequest: '自分の依頼は承認・却下・完了できません。別の人に依頼してください。',
  already: (state: string) => `この依頼はすでに処理されています (${state})。`,
  told: (id: number, kind: string, state: string, by: string) => `${kind}の依頼 #${id}: ${state} (<@${by}>)`,
};
type RequestMessages = typeof ja;

const en: RequestMessages = {
  kind: { refund: 'Refund', cancel: 'Cancellation' },
  requestRefund: 'Request a refund',
  requestCancel: 'Request cancellation',
  modalTitle: (kind) => `${kind} request`,
  targetLabel: { refund: 'Payment to refund', cancel: 'Subscription to cancel' },
  reasonLabel: 'Reason (accounting reads it)',
  badReason: 'Write a reason of 1 to 500 characters.',
  badTarget: "Choose one of this customer's.",
  targetWord: { refund: 'payment', cancel: 'subscription' },
  send: 'Send to accounting',
  nothingTo: { refund: 'No succeeded payment to refund.', cancel: 'No subscription to cancel.' },
  sent: (id) => `Request #${id} went to accounting. You will hear the outcome by DM.`,
  notPosted: (id) =>
    `Request #${id} is recorded but not yet posted to the billing channel. Banto tries again every minute.`,
  post: (id, kind, by) => `*${kind} request #${id}* — from <@${by}>`,
  target: (customer, target, amount) => `Customer ${customer} / ${target} ${amount}`,
  reason: (text) => `Reason: ${text}`,
  approve: 'Approve',
  reject: 'Reject',
  done: 'Done',
  state: {
    pending: ':hourglass: waiting for accounting',
    approved: ':white_check_mark: approved — press Done once it is carried out',
    rejected: ':x: rejected',
    done: ':heavy_check_mark: done',
  },
  decidedBy: (by, at) => `Decided by <@${by}> (${at})`,
  doneBy: (by) => `Carried out by <@${by}>`,
  carryOut: 'Carry out with the provider',
  noProviderId: 'This payment or subscription has no provider id. Do it by hand, then press Done.',
  providerDone: (ref) => `Carried out with the payment provider: \`${ref}\``,
  providerFailed: (why) =>
    `:warning: The payment provider did not carry it out: ${why}\nPress "Carry out with the provider" to try again, or do it by hand and press Done.`,
  ownRequest: 'You cannot approve, reject or close your own request. Ask someone else.',
  already: (state) => `This request was already handled (${state}).`,
  told: (id, kind, state, by) => `${kind} request #${id}: ${state} (<@${by}>)`,
};

export const requestMessages = (locale: Locale): RequestMessages => (locale === 'en' ? en : ja);
