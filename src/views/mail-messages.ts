import { echoInput } from './slack-limits.js';
import type { Locale } from './messages.js';

/** The sentences of mail: the outbox's alerts, /banto mail-status, templates and /resend-mail. */
const mail = {
  ja: {
    backlogAlert: (minutes: number, id: number, limit: number) =>
      `:envelope: 送信待ちのメールが ${minutes} 分待っています (最古 #${id}、上限 ${limit} 分)。SMTP と送信ワーカーを確認してください。`,
    backlogOver: ':white_check_mark: 送信待ちのメールは解消しました。',
    failuresAlert: (percent: number, failed: number, finished: number, limit: number) =>
      `:envelope: 本日のメール送信失敗率が ${percent}% です (${failed}/${finished} 件、上限 ${limit}%)。`,
    failuresOver: ':white_check_mark: メール送信失敗率は基準内に戻りました。',
    templatesTitle: 'メールテンプレート',
    templateLine: (name: string, version: number, state: string, sendable: string) =>
      `*${name}* v${version} — ${state} / 送信中の版: ${sendable}`,
    noneApproved: 'なし',
    review: (version: number) => `v${version} を確認`,
    state: { draft: '下書き (未承認)', approved: '承認済み', rejected: '却下' } as Record<string, string>,
    decided: (state: string, by: string, at: string) => `${state}: <@${by}> ${at}`,
    previewSubject: '件名',
    previewText: '本文 (テキスト)',
    previewParams: 'パラメータ (サンプル値でプレビュー)',
    approve: '承認',
    reject: '却下',
    sendTest: '自分にテスト送信',
    testQueued: (id: number, to: string) => `:email: テストメール #${id} を ${to} 宛てにキューに入れました。`,
    noEmail: 'Slack からあなたのメールアドレスを取得できませんでした (スコープ users:read.email が必要です)。',
    statusTitle: (day: string) => `メール送信状況 (${day})`,
    statusCounts: (c: Record<string, number>) =>
      `送信済み ${c.sent} / 待機 ${c.queued} / 送信中 ${c.sending} / 失敗 ${c.failed} / 取消 ${c.cancelled}`,
    oldestQueued: (id: number, template: string, at: string, attempts: number, error: string | null) =>
      `最古の送信待ち: #${id} ${template} (${at} 作成、試行 ${attempts} 回${error ? `、最後のエラー: ${error}` : ''})`,
    nothingQueued: '送信待ちのメールはありません。',
    resendTitle: 'メール再送',
    findLabel: 'メールアドレスまたはユーザーID',
    find: '検索',
    notFound: (q: string) => `「${echoInput(q)}」に一致する顧客が見つかりません。`,
    customer: (name: string, id: string, email: string) => `*${name}* (ユーザー ${id}, ${email})`,
    noMail: 'この顧客へのメールはまだありません。',
    pickLabel: '再送するメール',
    next: '次へ',
    confirm: '再送する',
    confirmText: (id: number, template: string, state: string, to: string) =>
      `メール #${id} (${template}、${state}) を ${to} に再送します。よろしいですか?`,
    resendQueued: (id: number, original: number) =>
      `:white_check_mark: 再送をキューに入れました: #${id} (元のメール #${original})。状態は \`/banto mail-status\` で確認できます。`,
    close: '閉じる',
    bulkUsage: '使い方: `/resend-mail failed today` (または yesterday, 2026-11-29, 2026-11-01..2026-11-15)',
    bulkNone: (label: string) => `${label} に失敗したメールはありません。`,
    bulkRequest: (by: string, count: number, label: string) =>
      `:envelope: <@${by}> が ${label} に送信失敗したメール ${count} 件の再送を求めています。依頼者以外の窓口・経理の方の承認が必要です。`,
    bulkApprove: '承認して再送',
    bulkDone: (by: string, approver: string, queued: number, label: string) =>
      `:white_check_mark: <@${approver}> が承認しました (依頼: <@${by}>)。${label} の失敗メール ${queued} 件を再送キューに入れました。`,
    secondPerson: '自分の依頼は承認できません。別の方に承認を依頼してください。',
    alreadyDecided: (decidedBy: string) => `この依頼は処理済みです (<@${decidedBy}> が承認しました)。`,
    templateNotFound: 'そのテンプレートのバージョンは見つかりません。',
    /** What a clerk or an executive reads when a mail action cannot be done, by the error's code. */
    refusedBecause: (code: string) =>
      ({
        MAIL_NOT_FOUND: 'そのメールは見つかりません (テスト送信は再送できません)。',
        TEMPLATE_NOT_APPROVED: 'このメールのテンプレートは承認されていないため、再送できません。',
        TEMPLATE_NOT_FOUND: 'そのテンプレートのバージョンは見つかりません。',
        TEMPLATE_ALREADY_DECIDED: 'このバージョンはすでに承認または却下されています。',
      })[code] ?? `処理できませんでした (${code})。`,
  },
  en: {
    backlogAlert: (minutes: number, id: number, limit: number) =>
      `:envelope: Queued mail has waited ${minutes} minutes (oldest #${id}, limit ${limit}). Check SMTP and the sender.`,
    backlogOver: ':white_check_mark: The mail backlog has cleared.',
    failuresAlert: (percent: number, failed: number, finished: number, limit: number) =>
      `:envelope: ${percent}% of today's mail failed (${failed} of ${finished}, limit ${limit}%).`,
    failuresOver: ':white_check_mark: The mail failure rate is back under the limit.',
    templatesTitle: 'Mail templates',
    templateLine: (name: string, version: number, state: string, sendable: string) =>
      `*${name}* v${version} — ${state} / sending: ${sendable}`,
    noneApproved: 'none',
    review: (version: number) => `Review v${version}`,
    state: { draft: 'draft (not approved)', approved: 'approved', rejected: 'rejected' } as Record<string, string>,
    decided: (state: string, by: string, at: string) => `${state}: <@${by}> ${at}`,
    previewSubject: 'Subject',
    previewText: 'Text',
    previewParams: 'Parameters (previewed with sample values)',
    approve: 'Approve',
    reject: 'Reject',
    sendTest: 'Send me a test',
    testQueued: (id: number, to: string) => `:email: Test mail #${id} queued for ${to}.`,
    noEmail: 'Slack did not give Banto your e-mail address (the app needs the users:read.email scope).',
    statusTitle: (day: string) => `Mail status (${day})`,
    statusCounts: (c: Record<string, number>) =>
      `sent ${c.sent} / queued ${c.queued} / sending ${c.sending} / failed ${c.failed} / cancelled ${c.cancelled}`,
    oldestQueued: (id: number, template: string, at: string, attempts: number, error: string | null) =>
      `Oldest queued: #${id} ${template} (created ${at}, ${attempts} attempts${error ? `, last error: ${error}` : ''})`,
    nothingQueued: 'Nothing is waiting to be sent.',
    resendTitle: 'Resend mail',
    findLabel: 'E-mail address or user id',
    find: 'Find',
    notFound: (q: string) => `No customer matches "${echoInput(q)}".`,
    customer: (name: string, id: string, email: string) => `*${name}* (user ${id}, ${email})`,
    noMail: 'No mail has been sent to this customer yet.',
    pickLabel: 'Mail to resend',
    next: 'Next',
    confirm: 'Resend',
    confirmText: (id: number, template: string, state: string, to: string) =>
      `Resend mail #${id} (${template}, ${state}) to ${to}?`,
    resendQueued: (id: number, original: number) =>
      `:white_check_mark: Resend queued: #${id} (of #${original}). Follow it with \`/banto mail-status\`.`,
    close: 'Close',
    bulkUsage: 'Usage: `/resend-mail failed today` (or yesterday, 2026-11-29, 2026-11-01..2026-11-15)',
    bulkNone: (label: string) => `No mail failed ${label}.`,
    bulkRequest: (by: string, count: number, label: string) =>
      `:envelope: <@${by}> asks to resend the ${count} mails that failed ${label}. Someone else from the clerks or accounting must approve.`,
    bulkApprove: 'Approve and resend',
    bulkDone: (by: string, approver: string, queued: number, label: string) =>
      `:white_check_mark: <@${approver}> approved (asked by <@${by}>): ${queued} failed mails of ${label} queued again.`,
    secondPerson: 'You cannot approve your own request; ask someone else.',
    alreadyDecided: (decidedBy: string) => `This request is already settled: <@${decidedBy}> approved it.`,
    templateNotFound: 'No such template version.',
    refusedBecause: (code: string) =>
      ({
        MAIL_NOT_FOUND: 'No such mail (test sends cannot be resent).',
        TEMPLATE_NOT_APPROVED: "This mail's template is not approved, so it cannot be resent.",
        TEMPLATE_NOT_FOUND: 'No such template version.',
        TEMPLATE_ALREADY_DECIDED: 'This version has already been approved or rejected.',
      })[code] ?? `That could not be done (${code}).`,
  },
} satisfies Record<Locale, unknown>;

export const mailMessages = (locale: Locale) => mail[locale];
