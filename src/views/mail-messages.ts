import type { Locale } from './messages.js';

/** The sentences of mail: the outbox's alerts, /banto mail-status, templates and /resend-mail. */
const mail = {
  ja: {
    backlogAlert: (minutes: number, id: number, limit: number) => `:envelope: 送信待ちのメールが ${minutes} 分待っています (最古 #${id}、上限 ${limit} 分)。SMTP と送信ワーカーを確認してください。`,
    backlogOver: ':white_check_mark: 送信待ちのメールは解消しました。',
    failuresAlert: (percent: number, failed: number, finished: number, limit: number) => `:envelope: 本日のメール送信失敗率が ${percent}% です (${failed}/${finished} 件、上限 ${limit}%)。`,
    failuresOver: ':white_check_mark: メール送信失敗率は基準内に戻りました。',
  },
  en: {
    backlogAlert: (minutes: number, id: number, limit: number) => `:envelope: Queued mail has waited ${minutes} minutes (oldest #${id}, limit ${limit}). Check SMTP and the sender.`,
    backlogOver: ':white_check_mark: The mail backlog has cleared.',
    failuresAlert: (percent: number, failed: number, finished: number, limit: number) => `:envelope: ${percent}% of today's mail failed (${failed} of ${finished}, limit ${limit}%).`,
    failuresOver: ':white_check_mark: The mail failure rate is back under the limit.',
  },
} satisfies Record<Locale, unknown>;

export const mailMessages = (locale: Locale) => mail[locale];
