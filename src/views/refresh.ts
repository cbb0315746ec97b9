import type { RefreshOutcome } from '../services/refresh/index.js';
import { formatCount } from './format.js';
import type { Locale } from './messages.js';

/** The sentences of the development refresh; `en` has every key of `ja`. */
const ja = {
  usable: (target: string, backup: string, rows: string, tables: number, truncated: number, seconds: string) =>
    `開発用データベース ${target} を ${backup} から作り直し、匿名化を確認しました (${tables} テーブルの ${rows} 行を匿名化、${truncated} テーブルを空に、${seconds} 秒)。`,
  unusable: (target: string, failures: string) =>
    `:rotating_light: 開発用データベース ${target} の匿名化を確認できませんでした。使用禁止のままです (メールも送りません): ${failures}`,
  unused: (names: string) => `この複製にないためルールを使わなかったもの: ${names}`,
};
const en: typeof ja = {
  usable: (target, backup, rows, tables, truncated, seconds) =>
    `Development database ${target} refreshed from ${backup} and proven anonymized (${rows} rows in ${tables} tables anonymized, ${truncated} tables emptied, ${seconds} s).`,
  unusable: (target, failures) =>
    `:rotating_light: The anonymization of development database ${target} could not be proven; it stays marked unusable (and sends no mail): ${failures}`,
  unused: (names) => `Rules not used, the copy has no such table or column: ${names}`,
};

export function renderRefreshOutcome(outcome: RefreshOutcome, locale: Locale): string {
  const m = locale === 'en' ? en : ja;
  const rows = outcome.report.updated.reduce((sum, u) => sum + u.rows, 0);
  const head =
    outcome.status === 'usable'
      ? m.usable(
          outcome.target,
          outcome.backup.file,
          formatCount(rows),
          outcome.report.updated.length,
          outcome.report.truncated.length,
          (outcome.durationMs / 1000).toFixed(1),
        )
      : m.unusable(outcome.target, outcome.failures.join('; '));
  return outcome.report.unused.length > 0 ? `${head}\n${m.unused(outcome.report.unused.join(', '))}` : head;
}
