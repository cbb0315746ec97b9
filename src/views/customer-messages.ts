import type { Locale } from './messages.js';
import { echoInput } from './slack-limits.js';

/** The sentences of customer lookup; `en` has every key of `ja`. */
const ja = {
  title: '顧客照会',
  findLabel: 'メールアドレス、ユーザーID、または氏名の一部',
  find: '検索',
  open: '開く',
  resend: '再送',
  notFound: (q: string) => `「${echoInput(q)}」に一致する顧客が見つかりません。`,
  tooShort: '氏名で探すときは 2 文字以上入力してください。',
  noReference: 'このメッセージにはメールアドレスもユーザーID (#123 など) も見つかりません。検索してください。',
  pickTitle: (n: number, more: boolean) =>
    `${n} 人が一致しました${more ? ' (ほかにもいます。もう少し詳しく入力してください)' : ''}。`,
  heading: (name: string, id: string, email: string) => `*${name}* (ユーザー ${id}, ${email})`,
  member: (plan: string, since: string) => `プラン *${plan}* / 登録 ${since}`,
  unsubscribed: (at: string) => `:no_entry: ${at} に配信停止`,
  subscribed: '配信中',
  subscriptionsTitle: '*契約*',
  subscription: (plan: string, amount: string, status: string, next: string) =>
    `${plan} ${amount} — ${status} — 次回 ${next}`,
  nextCharge: (due: string, charged: string) => (due === charged ? due : `${due} (請求日 ${charged})`),
  noNext: 'なし',
  noSubscriptions: '契約はありません。',
  paymentsTitle: '*最近の決済*',
  noPayments: '決済はまだありません。',
  status: { succeeded: '成功', failed: '失敗', refunded: '返金', pending: '保留' } as Record<string, string>,
  providerTitle: '*決済代行会社からの報告*',
  provider: {
    'charge.refunded': '返金',
    'invoice.payment_failed': '請求失敗',
    dispute: '支払い異議',
  } as Record<string, string>,
  mailTitle: '*送信したメール*',
  noMail: 'この顧客にはまだメールを送っていません。',
  mailLine: (id: number, at: string, template: string, state: string) => `#${id} ${at} ${template} — *${state}*`,
};
type CustomerMessages = typeof ja;

const en: CustomerMessages = {
  title: 'Customer lookup',
  findLabel: 'E-mail address, user id, or part of the name',
  find: 'Find',
  open: 'Open',
  resend: 'Resend',
  notFound: (q) => `No customer matches "${echoInput(q)}".`,
  tooShort: 'To search by name, type at least 2 characters.',
  noReference: 'This message has no e-mail address or user id (such as #123). Search instead.',
  pickTitle: (n, more) => `${n} customers match${more ? ' (and more: type more of the name)' : ''}.`,
  heading: (name, id, email) => `*${name}* (user ${id}, ${email})`,
  member: (plan, since) => `Plan *${plan}* / joined ${since}`,
  unsubscribed: (at) => `:no_entry: unsubscribed on ${at}`,
  subscribed: 'subscribed',
  subscriptionsTitle: '*Subscriptions*',
  subscription: (plan, amount, status, next) => `${plan} ${amount} — ${status} — next ${next}`,
  nextCharge: (due, charged) => (due === charged ? due : `${due} (charged ${charged})`),
  noNext: 'none',
  noSubscriptions: 'No subscriptions.',
  paymentsTitle: '*Last payments*',
  noPayments: 'No payments yet.',
  status: { succeeded: 'succeeded', failed: 'failed', refunded: 'refunded', pending: 'pending' },
  providerTitle: '*Reported by the payment provider*',
  provider: { 'charge.refunded': 'refund', 'invoice.payment_failed': 'failed charge', dispute: 'dispute' },
  mailTitle: '*Mail sent*',
  noMail: 'No mail has been sent to this customer yet.',
  mailLine: (id, at, template, state) => `#${id} ${at} ${template} — *${state}*`,
};

export const customerMessages = (locale: Locale): CustomerMessages => (locale === 'en' ? en : ja);
