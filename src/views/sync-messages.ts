import type { SyncErrorClass } from '../services/sync/fetch-page.js';
import type { Locale } from './messages.js';
import { echoInput } from './slack-limits.js';

/** The sentences of partner syncs: alerts, `/sync-status` and the job's description; `en` has every key of `ja`. */
const ja = {
  failing: (source: string, problem: string, streak: number, lastGood: string) =>
    `:rotating_light: 連携 *${source}* の同期が ${streak} 回続けて失敗しています: ${problem}\n最後に成功した同期: ${lastGood}`,
  stale: (source: string, minutes: number, limit: number, lastGood: string) =>
    `:rotating_light: 連携 *${source}* のデータが古いままです: 最新のレコードが ${minutes} 分前のものです (許容 ${limit} 分)。\n最後に成功した同期: ${lastGood}`,
  whatToDo: (hint: string) => `対応: ${hint}`,
  recovered: (source: string, records: number) =>
    `:white_check_mark: 連携 *${source}* の同期は復旧しました (${records} 件を取り込み)。`,
  never: 'まだありません',
  problem: {
    timeout: '相手先が時間内に応答しませんでした',
    connection: '相手先に接続できませんでした',
    http_4xx: '相手先がリクエストを拒否しました',
    http_5xx: '相手先がエラーを返しました',
    malformed_json: '相手先の応答が想定した JSON ではありません',
    lag: '相手先のデータが古いままです',
    too_many_pages: '1 回の同期でページが多すぎます',
    database: 'データベースへの書き込みに失敗しました',
    unexpected: '予期しないエラーです',
  } satisfies Record<SyncErrorClass, string>,
  hint: {
    timeout: '相手先のステータスページを確認し、続くようなら timeout_seconds を見直してください。',
    connection: '相手先の URL と DNS、ファイアウォールを確認してください。',
    http_4xx: '認証情報 (secret_env の変数) と URL を確認してください。401/403 は多くの場合キーの失効です。',
    http_5xx: '相手先の障害です。ステータスページを確認し、復旧を待ってください (自動で再試行します)。',
    malformed_json: '相手先の API が変わった可能性があります。records_at と cursor の設定を確認してください。',
    lag: '相手先でデータの更新が止まっていないか確認してください。',
    too_many_pages: 'カーソルが進んでいない可能性があります。cursor の設定と max_pages を確認してください。',
    database: 'データベースの状態と、同期先テーブルの列を確認してください。',
    unexpected: 'Banto のログ (source と run id) を確認してください。',
  } satisfies Record<SyncErrorClass, string>,
  jobDescription: (source: string) => `連携 ${source} から変更されたレコードを取り込みます`,
  unknownSource: (name: string) => `*${echoInput(name)}* という連携はありません。`,
  statusTitle: '連携の同期状況',
  noSources: '同期する連携はまだ設定されていません (YAML の sync.sources)。',
  health: {
    healthy: ':large_green_circle: 正常',
    failing: ':red_circle: 失敗中',
    stale: ':warning: データが古い',
    'never-run': ':white_circle: 未実行',
  } as Record<string, string>,
  lastSuccess: (at: string) => `最後の成功: ${at}`,
  lag: (minutes: number | undefined, limit: number) =>
    `遅れ: ${minutes === undefined ? '—' : `${minutes} 分`} (許容 ${limit} 分)`,
  streak: (n: number) => `連続失敗: ${n} 回`,
  nextRun: (at: string) => `次回: ${at}`,
  syncedToday: (n: number) => `本日の取り込み: ${n.toLocaleString('ja-JP')} 件`,
  lastError: (problem: string, message: string, at: string) => `最後のエラー (${at}): ${problem} — ${message}`,
  syncNow: '今すぐ同期',
  showErrors: 'エラーを表示',
  started: (source: string) => `:arrows_counterclockwise: *${source}* の同期を開始しました…`,
  alreadyRunning: (source: string) =>
    `*${source}* の同期はすでにこの 1 分の間に開始されています。結果は \`/sync-status\` で確認してください。`,
  finished: (source: string, summary: string) => `*${source}*: ${summary}`,
  skippedTitle: 'スキップしたレコード',
  noSkipped: (source: string) => `*${source}* の最後の同期でスキップしたレコードはありません。`,
  skippedIntro: (source: string, shown: number, total: number) =>
    `*${source}* の最後の同期でスキップしたレコード (${total} 件中 ${shown} 件):`,
};

const en: typeof ja = {
  failing: (source: string, problem: string, streak: number, lastGood: string) =>
    `:rotating_light: Sync of *${source}* has failed ${streak} times in a row: ${problem}\nLast good sync: ${lastGood}`,
  stale: (source: string, minutes: number, limit: number, lastGood: string) =>
    `:rotating_light: Data from *${source}* is stale: its newest record is ${minutes} min old (allowed: ${limit} min).\nLast good sync: ${lastGood}`,
  whatToDo: (hint: string) => `What to do: ${hint}`,
  recovered: (source: string, records: number) =>
    `:white_check_mark: Sync of *${source}* has recovered (${records} records written).`,
  never: 'never',
  problem: {
    timeout: 'the partner did not answer in time',
    connection: 'the partner could not be reached',
    http_4xx: 'the partner refused the request',
    http_5xx: 'the partner answered with an error',
    malformed_json: 'the partner answered with something other than the expected JSON',
    lag: "the partner's data is not being updated",
    too_many_pages: 'too many pages in one run',
    database: 'writing to the database failed',
    unexpected: 'an unexpected error',
  } satisfies Record<SyncErrorClass, string>,
  hint: {
    timeout: "check the partner's status page; if it persists, review timeout_seconds.",
    connection: "check the partner's URL, DNS and firewall.",
    http_4xx: 'check the credentials (the secret_env variable) and the URL; a 401/403 is usually an expired key.',
    http_5xx: 'the partner is failing: check its status page and wait (Banto keeps retrying on schedule).',
    malformed_json: "the partner's API may have changed: check records_at and cursor in the config.",
    lag: 'check whether the partner has stopped updating its data.',
    too_many_pages: 'the cursor may not be moving: check the cursor settings and max_pages.',
    database: "check the database and the sync table's columns.",
    unexpected: "check Banto's log (source and run id).",
  } satisfies Record<SyncErrorClass, string>,
  jobDescription: (source: string) => `Pulls the records changed at partner ${source}`,
  unknownSource: (name: string) => `There is no sync source named *${echoInput(name)}*.`,
  statusTitle: 'Partner syncs',
  noSources: 'No partner source is configured yet (YAML sync.sources).',
  health: {
    healthy: ':large_green_circle: healthy',
    failing: ':red_circle: failing',
    stale: ':warning: stale',
    'never-run': ':white_circle: not run yet',
  } as Record<string, string>,
  lastSuccess: (at: string) => `Last success: ${at}`,
  lag: (minutes: number | undefined, limit: number) =>
    `Lag: ${minutes === undefined ? '—' : `${minutes} min`} (allowed ${limit} min)`,
  streak: (n: number) => `Failures in a row: ${n}`,
  nextRun: (at: string) => `Next run: ${at}`,
  syncedToday: (n: number) => `Synced today: ${n.toLocaleString('en-US')} records`,
  lastError: (problem: string, message: string, at: string) => `Last error (${at}): ${problem} — ${message}`,
  syncNow: 'Sync now',
  showErrors: 'Show errors',
  started: (source: string) => `:arrows_counterclockwise: Sync of *${source}* started…`,
  alreadyRunning: (source: string) =>
    `A sync of *${source}* was already started this minute; see \`/sync-status\` for its result.`,
  finished: (source: string, summary: string) => `*${source}*: ${summary}`,
  skippedTitle: 'Skipped records',
  noSkipped: (source: string) => `The last sync of *${source}* skipped no record.`,
  skippedIntro: (source: string, shown: number, total: number) =>
    `Records the last sync of *${source}* skipped (${shown} of ${total}):`,
};

const sync: Record<Locale, typeof ja> = { ja, en };

export const syncMessages = (locale: Locale) => sync[locale];
