import type { RoleName } from '../config.js';
import { formatYen } from './format.js';
import { echoInput } from './slack-limits.js';

export type Locale = 'ja' | 'en';

const roleLabels: Record<Locale, Record<RoleName, string>> = {
  ja: {
    exec: '経営 (exec)',
    accounting: '経理 (accounting)',
    clerk: '窓口 (clerk)',
    engineer: 'エンジニア (engineer)',
  },
  en: { exec: 'exec', accounting: 'accounting', clerk: 'clerk', engineer: 'engineer' },
};

const join = (locale: Locale, items: string[]) =>
  locale === 'ja'
    ? items.join('・')
    : items.length > 1
      ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
      : (items[0] ?? '');

/** Every sentence Banto shows a person; `en` must have every key `ja` has. */
const ja = {
  refusedRole: (what: string, roles: RoleName[]) =>
    `${what} を使うには ${join(
      'ja',
      roles.map((r) => roleLabels.ja[r]),
    )} のロールが必要です。`,
  refusedUnknown: (what: string) =>
    `${what} は Banto の知らない操作です。使えるコマンドは \`/banto help\` で確認できます。`,
  helpTitle: 'Banto で使えるコマンド',
  mentionReply: 'Banto です。使えるコマンドは `/banto help` で確認できます。',
  helpNone: 'あなたのロールで使えるコマンドはまだありません。必要なら管理者にロールの付与を依頼してください。',
  whoami: (roles: RoleName[]) =>
    roles.length > 0
      ? `あなたのロール: ${join(
          'ja',
          roles.map((r) => roleLabels.ja[r]),
        )}`
      : 'あなたにはまだロールがありません。',
  commandDescriptions: {
    '/banto help': 'この一覧を表示します',
    '/payments': '決済サマリー: `/payments today` `yesterday` `2026-11-29` `2026-11` `2026-11-01..2026-11-15`',
    '/jobs': 'バッチジョブの状態と「今すぐ実行」',
    '/banto templates': 'メールテンプレートの一覧と承認',
    '/banto mail-status': '本日のメール送信状況',
    '/banto whoami': 'あなたのロール',
    '/resend-mail':
      '顧客へのメール再送: `/resend-mail taro@example.com`、失敗分の一括再送: `/resend-mail failed today`',
    '/sync-status': '連携システムの同期状況 (エンジニアには「今すぐ同期」)',
    '/customer': '顧客照会: `/customer taro@example.com`、`/customer 123`、`/customer 山田`',
    '/report': '保存されたレポート: `/report` で一覧、`/report 名前 引数` で実行',
  },
  paymentsTitle: (period: string) => `${period} の決済`,
  paymentsLine: (count: string, total: string) => `成功 ${count} 件 / 合計 ${total}`,
  paymentsUsage:
    '使い方: `/payments` に続けて `today` `yesterday` `2026-11-29` (日) `2026-11` (月) `2026-11-01..2026-11-15` (期間、最長1年) のいずれか',
  paymentsProblem: {
    usage: '期間の書き方が違います。',
    backwards: '期間の終わりが始まりより前です。',
    'too-long': '期間が1年を超えています。',
  },
  countUnit: ' 件',
  anomaly: {
    'failed-rate': (day: string, f: Record<string, number | string>) =>
      `:warning: ${day} の決済失敗率が ${f.percent}% です (${f.failed}/${f.attempts} 件、上限 ${f.max}%)。`,
    'below-expected': (day: string, f: Record<string, number | string>) =>
      `:warning: ${day} の入金が予定の ${f.percent}% です (${formatYen(Number(f.paid))} / 予定 ${formatYen(Number(f.expected))}、下限 ${f.min}%)。`,
    'no-payments': (day: string, f: Record<string, number | string>) =>
      `:warning: 支払日 ${day} の ${f.since} から ${f.hours} 時間、成功した決済がありません。`,
    'provider-total': (day: string, f: Record<string, number | string>) =>
      `:warning: ${day} の決済額が決済代行会社の合計と合いません (Banto ${formatYen(Number(f.ours))} / 代行会社 ${formatYen(Number(f.theirs))})。`,
  },
  anomalyOver: (rule: string, day: string) => `:white_check_mark: ${day} の ${rule} は解消しました。`,
  chartTitle: (label: string) => `直近30日の成功額 (${label} まで)`,
  paymentDayTitle: (label: string) => `${label} 支払日の結果`,
  failedCustomers: (ids: string) => `*決済に失敗した顧客 (ID)*: ${ids}`,
  guardBlocked: (channel: string, reason: string, outsiders: string[]) =>
    `:lock: 請求チャンネル <#${channel}> に決済情報を投稿しませんでした: ${reason === 'public' ? '公開チャンネルです' : `exec/accounting 以外のメンバーがいます (${outsiders.map((u) => `<@${u}>`).join(', ')})`}。`,
  guardRestored: (channel: string) =>
    `:white_check_mark: <#${channel}> は再び条件を満たしています。投稿を再開しました。`,
  paySucceeded: '成功',
  payFailed: '失敗',
  payRefunded: '返金',
  payProviderRefunds: '決済代行会社の返金 (未反映分)',
  payPending: '保留',
  payNew: '新規',
  payRenewal: '継続',
  payByPlan: 'プラン別 (成功)',
  payVsPrevious: (label: string, total: string, change: string) => `前期間 (${label}) ${total} から ${change}`,
  payVsLastWeek: (label: string, total: string, change: string) => `先週の同じ曜日 (${label}) ${total} から ${change}`,
  payExpected: (expected: string, paid: string) => `*支払日*: 予定 ${expected} / 入金 ${paid}`,
  somethingWentWrong: (code: string) => `処理中にエラーが発生しました (${code})。監査ログに記録されています。`,
  invalidInput: 'Slack から届いた入力を読み取れませんでした。モーダルを開き直してもう一度お試しください。',
  databaseUnavailable: 'データベースに一時的に接続できません。少し待ってからもう一度お試しください。',
  answerLate: 'Banto が時間内に応答できませんでした。少し待ってからもう一度お試しください。',
  answerFailed: 'Banto がこのリクエストを処理できませんでした。少し待ってからもう一度お試しください。',
  jobsTitle: 'バッチジョブ',
  jobsNeverRun: '前回: まだ実行されていません',
  jobsDisabled: '(停止中)',
  jobsRunNow: '今すぐ実行',
  jobsLastRun: (status: string, ms: number | null, at: string, by: string | null) =>
    `前回: ${status}${ms === null ? '' : ` (${ms} ms)`} ${at}${by ? ` ${by} が手動実行` : ''}`,
  jobsNextRun: (at: string) => `次回: ${at}`,
  jobStarted: (job: string) => `*${job}* を開始しました…`,
  jobFinished: (job: string, status: string, ms: number, detail: string) =>
    `*${job}*: ${status} (${ms} ms)${detail ? ` — ${detail}` : ''}`,
  jobUnknown: (job: string) => `*${echoInput(job)}* というジョブはありません。`,
  jobFailed: (job: string, attempts: number, error: string) =>
    `:rotating_light: ジョブ *${job}* が ${attempts} 回試して失敗しました: ${error}`,
  jobCrashed: (job: string, host: string) =>
    `:rotating_light: ジョブ *${job}* の実行が途中で止まりました (${host} からの応答が途絶えました)。再実行はしていません。`,
  jobSilent: (job: string, since: string) =>
    `:rotating_light: ジョブ *${job}* が ${since} 以降一度も成功していません。`,
  jobRecovered: (job: string, slot: string) => `:white_check_mark: *${job}* は復旧しました (${slot} の実行が成功)。`,
  /** Each job of the schedule table, as `/jobs` describes it. */
  jobDescriptions: {
    'billing-daily-summary': '前日の決済サマリーと30日間のグラフを請求チャンネルに投稿します',
    'billing-anomalies': '決済失敗率、予定と入金の差、決済のない支払日、決済代行会社の合計を確認します',
    'prune-job-runs': '保存期間 (jobs.retention_days) を過ぎたジョブ実行と解決済みアラートを削除します',
    'refresh-homes': '最近ホームを開いた人のホームを、内容が変わったときだけ更新します',
    'billing-rollups': '変わった日の決済集計 (ロールアップ) を作り直します',
    'post-help-requests': 'まだ請求チャンネルに投稿できていない返金・解約の依頼を投稿します',
    'mail-payment-reminders': '支払日の数営業日前と当日のリマインダーメールをキューに入れます',
    'mail-article-digest': '前回以降に公開された記事のダイジェストをキューに入れます',
    'mail-outbox-health': '送信待ちが長すぎるとき、失敗が多すぎるときにアラートを出します',
    'provider-events':
      '決済代行会社のイベント (返金・チャージバック・支払い失敗・入金) のうち未投稿のものを請求チャンネルに投稿します',
    backup: '本番データベースをバックアップします (backup.dir、gzip、sha256 とマニフェスト付き)',
    'backup-prune': '保持ルール (backup.keep) から外れたバックアップを削除またはアーカイブします',
    'backup-verify': '最新のバックアップを一時データベースに復元し、行数と見本のチェックサムを確かめます',
    'dev-refresh': '検証済みの最新バックアップから開発用データベースを作り直し、匿名化して確かめます',
  } as Partial<Record<string, string>>,
};

export type Messages = typeof ja;
/** The key of a command's line in `/banto help`. */
export type HelpKey = keyof Messages['commandDescriptions'];

const en: Messages = {
  refusedRole: (what: string, roles: RoleName[]) =>
    `${what} needs the ${join(
      'en',
      roles.map((r) => roleLabels.en[r]),
    )} role.`,
  refusedUnknown: (what: string) =>
    `${what} is not something Banto knows. See \`/banto help\` for the commands you can run.`,
  helpTitle: 'Commands you can run in Banto',
  mentionReply: 'Banto here. `/banto help` lists the commands you can run.',
  helpNone: 'Your roles do not allow any command yet. Ask an administrator for a role if you need one.',
  whoami: (roles: RoleName[]) =>
    roles.length > 0 ? `Your roles: ${roles.map((r) => roleLabels.en[r]).join(', ')}` : 'You hold no role yet.',
  commandDescriptions: {
    '/banto help': 'Show this list',
    '/payments': 'Billing summary: `/payments today`, `yesterday`, `2026-11-29`, `2026-11`, `2026-11-01..2026-11-15`',
    '/jobs': 'Batch jobs: last run, next run, "Run now"',
    '/banto templates': 'Mail templates, and approving them',
    '/banto mail-status': "Today's mail: counts by state, the oldest waiting",
    '/banto whoami': 'The roles you hold',
    '/resend-mail':
      "Resend a customer's mail: `/resend-mail taro@example.com`; every failed one: `/resend-mail failed today`",
    '/sync-status': 'Partner syncs: health, lag, next run (engineers: Sync now)',
    '/customer': 'Look a customer up: `/customer taro@example.com`, `/customer 123`, `/customer Yamada`',
    '/report': 'Saved reports: `/report` lists them, `/report NAME args` runs one',
  },
  paymentsTitle: (period: string) => `Payments, ${period}`,
  paymentsLine: (count: string, total: string) => `${count} succeeded / total ${total}`,
  paymentsUsage:
    'Usage: `/payments` then `today`, `yesterday`, `2026-11-29` (a day), `2026-11` (a month) or `2026-11-01..2026-11-15` (a range of at most a year)',
  paymentsProblem: {
    usage: 'That is not a period Banto reads.',
    backwards: 'The range ends before it starts.',
    'too-long': 'The range is longer than a year.',
  },
  countUnit: '',
  anomaly: {
    'failed-rate': (day: string, f: Record<string, number | string>) =>
      `:warning: ${f.percent}% of payments failed on ${day} (${f.failed} of ${f.attempts}; the limit is ${f.max}%).`,
    'below-expected': (day: string, f: Record<string, number | string>) =>
      `:warning: ${day} brought in ${f.percent}% of what was expected (${formatYen(Number(f.paid))} of ${formatYen(Number(f.expected))}; the floor is ${f.min}%).`,
    'no-payments': (day: string, f: Record<string, number | string>) =>
      `:warning: No payment has succeeded for ${f.hours} hours since ${f.since} on payment day ${day}.`,
    'provider-total': (day: string, f: Record<string, number | string>) =>
      `:warning: ${day}'s total does not match the payment provider's (Banto ${formatYen(Number(f.ours))}, provider ${formatYen(Number(f.theirs))}).`,
  },
  anomalyOver: (rule: string, day: string) => `:white_check_mark: ${rule} on ${day} is over.`,
  chartTitle: (label: string) => `Succeeded totals, 30 days to ${label}`,
  paymentDayTitle: (label: string) => `Payment day ${label}`,
  failedCustomers: (ids: string) => `*Customers whose payment failed (ids)*: ${ids}`,
  guardBlocked: (channel: string, reason: string, outsiders: string[]) =>
    `:lock: Nothing was posted to the billing channel <#${channel}>: ${reason === 'public' ? 'it is public' : `members without exec or accounting (${outsiders.map((u) => `<@${u}>`).join(', ')})`}.`,
  guardRestored: (channel: string) => `:white_check_mark: <#${channel}> passes the check again; billing posts resume.`,
  paySucceeded: 'Succeeded',
  payFailed: 'Failed',
  payRefunded: 'Refunded',
  payProviderRefunds: 'Refunded at the provider (not yet in our data)',
  payPending: 'Pending',
  payNew: 'New',
  payRenewal: 'Renewals',
  payByPlan: 'By plan (succeeded)',
  payVsPrevious: (label: string, total: string, change: string) => `Previous period (${label}) ${total}: ${change}`,
  payVsLastWeek: (label: string, total: string, change: string) =>
    `Same weekday last week (${label}) ${total}: ${change}`,
  payExpected: (expected: string, paid: string) => `*Payment day*: expected ${expected} / paid ${paid}`,
  somethingWentWrong: (code: string) => `Something went wrong (${code}); it is recorded in the audit log.`,
  invalidInput: 'Banto could not read what Slack sent; open the modal again and retry.',
  databaseUnavailable: 'The database cannot be reached for the moment; try again shortly.',
  answerLate: 'Banto could not answer in time; try again shortly.',
  answerFailed: 'Banto could not handle this request; try again shortly.',
  jobsTitle: 'Batch jobs',
  jobsNeverRun: 'Last run: never',
  jobsDisabled: '(switched off)',
  jobsRunNow: 'Run now',
  jobsLastRun: (status: string, ms: number | null, at: string, by: string | null) =>
    `Last run: ${status}${ms === null ? '' : ` (${ms} ms)`} ${at}${by ? `, started by ${by}` : ''}`,
  jobsNextRun: (at: string) => `Next run: ${at}`,
  jobStarted: (job: string) => `Started *${job}*…`,
  jobFinished: (job: string, status: string, ms: number, detail: string) =>
    `*${job}*: ${status} (${ms} ms)${detail ? ` — ${detail}` : ''}`,
  jobUnknown: (job: string) => `There is no job named *${echoInput(job)}*.`,
  jobFailed: (job: string, attempts: number, error: string) =>
    `:rotating_light: Job *${job}* failed after ${attempts} attempt(s): ${error}`,
  jobCrashed: (job: string, host: string) =>
    `:rotating_light: A run of *${job}* stopped midway (${host} stopped answering). It was not run again.`,
  jobSilent: (job: string, since: string) => `:rotating_light: Job *${job}* has not succeeded since ${since}.`,
  jobRecovered: (job: string, slot: string) =>
    `:white_check_mark: *${job}* has recovered (the run for ${slot} succeeded).`,
  jobDescriptions: {
    'billing-daily-summary': "posts yesterday's billing figures and a 30-day chart to the billing channel",
    'billing-anomalies': 'checks the failed-payment rate, paid vs expected, silent payment days and the provider total',
    'prune-job-runs': 'deletes job runs and resolved alerts older than jobs.retention_days',
    'refresh-homes': "republishes the Home of each recent viewer whose Home's content changed",
    'billing-rollups': 'rolls up again the billing days whose payments changed',
    'post-help-requests': 'posts refund and cancellation requests not yet in the billing channel',
    'mail-payment-reminders': 'queues payment-day reminders a few business days before the payment day and on it',
    'mail-article-digest': 'queues the digest of the articles published since the last one',
    'mail-outbox-health': 'alerts when queued mail waits too long or too much mail fails',
    'provider-events':
      "posts the payment provider's events (refunds, disputes, failed payments, payouts) not yet posted to the billing channel",
    backup: 'backs up the production database (backup.dir, gzipped, with a sha256 and a manifest)',
    'backup-prune': 'deletes or archives the backups that fall out of backup.keep',
    'backup-verify': 'restores the newest backup into a scratch database and checks its row counts and samples',
    'dev-refresh': 'rebuilds the development database from the newest verified backup, anonymized and proven so',
  },
};

export const messages: Record<Locale, Messages> = { ja, en };

export function messagesFor(locale: Locale): Messages {
  return messages[locale];
}
