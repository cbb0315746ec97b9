import type { RoleName } from '../config.js';

export type Locale = 'ja' | 'en';

const roleLabels: Record<Locale, Record<RoleName, string>> = {
  ja: { exec: '経営 (exec)', accounting: '経理 (accounting)', clerk: '窓口 (clerk)', engineer: 'エンジニア (engineer)' },
  en: { exec: 'exec', accounting: 'accounting', clerk: 'clerk', engineer: 'engineer' },
};

const join = (locale: Locale, items: string[]) =>
  locale === 'ja' ? items.join('・') : items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? '');

/** Every sentence Banto shows a person, in each message language. */
export const messages = {
  ja: {
    refusedRole: (what: string, roles: RoleName[]) => `${what} を使うには ${join('ja', roles.map((r) => roleLabels.ja[r]))} のロールが必要です。`,
    refusedUnknown: (what: string) => `${what} は Banto の知らない操作です。使えるコマンドは \`/banto help\` で確認できます。`,
    helpTitle: 'Banto で使えるコマンド',
    mentionReply: 'Banto です。使えるコマンドは `/banto help` で確認できます。',
    helpNone: 'あなたのロールで使えるコマンドはまだありません。必要なら管理者にロールの付与を依頼してください。',
    commandDescriptions: {
      '/banto help': 'この一覧を表示します',
      '/payments': '決済サマリー: `/payments today`',
    } as Record<string, string>,
    paymentsTitle: (day: string) => `${day} の決済`,
    paymentsLine: (count: string, total: string) => `成功 ${count} 件 / 合計 ${total}`,
    paymentsUsage: '使い方: `/payments today` (今日の成功件数と合計)',
    somethingWentWrong: (code: string) => `処理中にエラーが発生しました (${code})。監査ログに記録されています。`,
  },
  en: {
    refusedRole: (what: string, roles: RoleName[]) => `${what} needs the ${join('en', roles.map((r) => roleLabels.en[r]))} role.`,
    refusedUnknown: (what: string) => `${what} is not something Banto knows. See \`/banto help\` for the commands you can run.`,
    helpTitle: 'Commands you can run in Banto',
    mentionReply: 'Banto here. `/banto help` lists the commands you can run.',
    helpNone: 'Your roles do not allow any command yet. Ask an administrator for a role if you need one.',
    commandDescriptions: {
      '/banto help': 'Show this list',
      '/payments': 'Billing summary: `/payments today`',
    } as Record<string, string>,
    paymentsTitle: (day: string) => `Payments on ${day}`,
    paymentsLine: (count: string, total: string) => `${count} succeeded / total ${total}`,
    paymentsUsage: 'Usage: `/payments today` (count and total of today’s succeeded payments)',
    somethingWentWrong: (code: string) => `Something went wrong (${code}); it is recorded in the audit log.`,
  },
} satisfies Record<Locale, unknown>;

export type Messages = (typeof messages)['ja'];

export function messagesFor(locale: Locale): Messages {
  return messages[locale];
}
