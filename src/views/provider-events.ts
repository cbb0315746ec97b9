import type { ProviderEvent } from '../services/provider/event.js';
import { formatYen } from './format.js';
import type { Locale } from './messages.js';
import { messageView, sectionBlock, type MessageView } from './message.js';
import { echoInput } from './slack-limits.js';

/** Yen as `¥1,234`; another currency in its minor unit, said so. */
function money(amount: number | undefined, currency: string | undefined): string {
  if (amount === undefined) return '—';
  return currency === 'JPY' ? formatYen(amount) : `${amount.toLocaleString('en-US')} ${currency ?? ''} (minor units)`;
}

const words = {
  ja: {
    refund: (amount: string, customer: string, reason: string) =>
      `:leftwards_arrow_with_hook: 返金 ${amount} — 顧客 ${customer}、理由: ${reason}`,
    disputeOpened: (amount: string, customer: string, reason: string, status: string) =>
      `:warning: チャージバック (異議申し立て) が開始されました ${amount} — 顧客 ${customer}、理由: ${reason}、状態: ${status}`,
    disputeClosed: (amount: string, status: string) =>
      `:scales: チャージバックが終了しました ${amount} — 結果: ${status}`,
    invoiceFailed: (amount: string, customer: string, attempts: string) =>
      `:x: 請求の支払いに失敗しました ${amount} — 顧客 ${customer}、試行 ${attempts} 回`,
    payout: (amount: string, day: string) => `:bank: 入金 (payout) ${amount} — 着金日 ${day}`,
    unknown: '不明',
  },
  en: {
    refund: (amount: string, customer: string, reason: string) =>
      `:leftwards_arrow_with_hook: Refund ${amount} — customer ${customer}, reason: ${reason}`,
    disputeOpened: (amount: string, customer: string, reason: string, status: string) =>
      `:warning: Dispute opened ${amount} — customer ${customer}, reason: ${reason}, status: ${status}`,
    disputeClosed: (amount: string, status: string) => `:scales: Dispute closed ${amount} — outcome: ${status}`,
    invoiceFailed: (amount: string, customer: string, attempts: string) =>
      `:x: Invoice payment failed ${amount} — customer ${customer}, attempt ${attempts}`,
    payout: (amount: string, day: string) => `:bank: Payout ${amount} — arrives ${day}`,
    unknown: 'unknown',
  },
};

/**
 * An event as accounting reads it in the billing channel. A dispute mentions the accounting group: it has a
 * deadline to answer. What the provider sent (ids, reasons) is echoed as text, never as markup.
 */
export function renderProviderEvent(
  event: ProviderEvent,
  { locale, zone, accountingGroups }: { locale: Locale; zone: string; accountingGroups: readonly string[] },
): MessageView {
  const w = words[locale];
  const amount = money(event.amount, event.currency);
  const customer = echoInput(event.customerId ?? w.unknown);
  const reason = echoInput(event.reason ?? w.unknown);
  const status = echoInput(event.status ?? w.unknown);
  const mention = accountingGroups.map((g) => `<!subteam^${g}> `).join('');
  const text = (() => {
    switch (event.type) {
      case 'charge.refunded':
        return w.refund(amount, customer, reason);
      case 'charge.dispute.created':
        return `${mention}${w.disputeOpened(amount, customer, reason, status)}`;
      case 'charge.dispute.closed':
        return w.disputeClosed(amount, status);
      case 'invoice.payment_failed':
        return w.invoiceFailed(amount, customer, String(event.attempts ?? w.unknown));
      case 'payout.paid':
        return w.payout(amount, event.arrivalAt?.setZone(zone).toISODate() ?? w.unknown);
      default:
        return `${echoInput(event.type)} ${amount}`;
    }
  })();
  return messageView(text, [sectionBlock(`${text}\n_${echoInput(event.id)}_`)]);
}
