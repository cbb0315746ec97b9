import { DateTime } from 'luxon';
import type { BackupManifest, ListedBackup, PruneOutcome, VerifyOutcome } from '../services/backup/index.js';
import { formatCount } from './format.js';
import type { Locale } from './messages.js';

/** The sentences of backups (CLI and Slack reports); `en` has every key of `ja`. */
const ja = {
  made: (file: string, size: string, tables: number, rows: string, seconds: string) =>
    `バックアップを作成しました: ${file} (${size}、${tables} テーブル、${rows} 行、${seconds} 秒)`,
  listHeader: ['作成日時', 'ファイル', 'サイズ', '経過', '検証', '保持の理由'],
  none: 'バックアップはまだありません。',
  unreadable: (names: string) => `読めないマニフェスト: ${names}`,
  state: { verified: '検証済み', failed: '検証失敗', unverified: '未検証' },
  dropped: '次の整理で削除',
  age: (days: number) => `${days} 日`,
  pruneDry: (count: number, action: string, size: string, kept: number) =>
    `整理 (試行のみ、何も変更していません): ${count} 件 (${size}) を${action}予定です。保持は ${kept} 件。`,
  pruneDone: (count: number, action: string, size: string, kept: number) =>
    `整理しました: ${count} 件 (${size}) を${action}しました。保持は ${kept} 件。`,
  action: { delete: '削除', archive: 'アーカイブへ移動' },
  keeps: (count: number) => `保持: ${count} 件`,
  verified: (file: string, size: string, tables: number, rows: string, seconds: string) =>
    `バックアップ ${file} を検証しました (${size}、${tables} テーブル、${rows} 行、${seconds} 秒): 行数と見本のチェックサムがマニフェストと一致します。`,
  verifyFailed: (file: string, problem: string) =>
    `:rotating_light: バックアップ ${file} の検証に失敗しました: ${problem}`,
  /** What the on-call engineer should do when a data-operations job fails, after the error itself. */
  hint: {
    backup:
      '対応: バックアップ先ディスクの空きと、ダンプツール (mariadb-dump) のエラーを確認し、`banto backup run` で取り直してください。',
    verify:
      '対応: このバックアップは復元に使えません。`banto backup run` で取り直して `banto backup verify` を実行し、繰り返すならディスクとデータベースの状態を確認してください。',
    prune:
      '対応: backup.dir と archive_dir の権限と空きを確認し、`banto backup prune --dry-run` で内容を確かめてください。',
    refresh:
      '対応: 開発用データベースは使用禁止のままです (メールも送りません)。config/anonymize.yml のルールを直し、`banto dev refresh` を再実行してください。',
  },
};
const en: typeof ja = {
  made: (file, size, tables, rows, seconds) =>
    `Backup made: ${file} (${size}, ${tables} tables, ${rows} rows, ${seconds} s)`,
  listHeader: ['created', 'file', 'size', 'age', 'verification', 'kept for'],
  none: 'No backups yet.',
  unreadable: (names) => `Unreadable manifests: ${names}`,
  state: { verified: 'verified', failed: 'FAILED', unverified: 'not verified' },
  dropped: 'removed by the next prune',
  age: (days) => `${days} d`,
  pruneDry: (count, action, size, kept) =>
    `Prune (dry run, nothing changed): ${count} backups (${size}) would be ${action}; ${kept} kept.`,
  pruneDone: (count, action, size, kept) => `Pruned: ${count} backups (${size}) ${action}; ${kept} kept.`,
  action: { delete: 'deleted', archive: 'moved to the archive' },
  keeps: (count) => `Kept: ${count}`,
  verified: (file, size, tables, rows, seconds) =>
    `Backup ${file} verified (${size}, ${tables} tables, ${rows} rows, ${seconds} s): row counts and sample checksums match its manifest.`,
  verifyFailed: (file, problem) => `:rotating_light: Backup ${file} failed verification: ${problem}`,
  hint: {
    backup:
      'What to do: check the free space of the backup disk and the dump tool (mariadb-dump) error, then take it again with `banto backup run`.',
    verify:
      'What to do: this backup cannot be restored from. Take another with `banto backup run`, run `banto backup verify`; if it repeats, check the disk and the database.',
    prune:
      'What to do: check the permissions and free space of backup.dir and archive_dir; `banto backup prune --dry-run` shows the plan.',
    refresh:
      'What to do: the development database stays marked unusable (it sends no mail). Fix the rules in config/anonymize.yml and run `banto dev refresh` again.',
  },
};
const catalogue = (locale: Locale) => (locale === 'en' ? en : ja);

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const rowsOf = (b: BackupManifest) => b.tables.reduce((sum, t) => sum + t.rows, 0);

export function renderBackupMade(backup: BackupManifest, locale: Locale): string {
  return catalogue(locale).made(
    backup.file,
    formatBytes(backup.bytes),
    backup.tables.length,
    formatCount(rowsOf(backup)),
    (backup.durationMs / 1000).toFixed(1),
  );
}

/** `banto backup list`: one line a backup, newest first, with its size, age, verification and why it is kept. */
export function renderBackupList(
  listed: { backups: ListedBackup[]; unreadable: string[] },
  options: { zone: string; locale: Locale; now: DateTime },
): string {
  const m = catalogue(options.locale);
  if (listed.backups.length === 0 && listed.unreadable.length === 0) return m.none;
  const rows = listed.backups.map(({ backup, keptFor }) => {
    const created = DateTime.fromISO(backup.createdAt).setZone(options.zone);
    return [
      created.toFormat('yyyy-MM-dd HH:mm'),
      backup.file,
      formatBytes(backup.bytes),
      m.age(Math.floor(options.now.diff(created, 'days').days)),
      m.state[backup.verification?.state ?? 'unverified'],
      keptFor.length > 0 ? keptFor.join(', ') : m.dropped,
    ];
  });
  const table = [m.listHeader, ...rows];
  const widths = m.listHeader.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  if (listed.unreadable.length > 0) lines.push(m.unreadable(listed.unreadable.join(', ')));
  return lines.join('\n');
}

export function renderPruneOutcome(outcome: PruneOutcome, locale: Locale): string {
  const m = catalogue(locale);
  const action = m.action[outcome.action];
  const size = formatBytes(outcome.removed.reduce((sum, b) => sum + b.bytes, 0));
  const head = (outcome.dryRun ? m.pruneDry : m.pruneDone)(outcome.removed.length, action, size, outcome.kept.length);
  return [
    head,
    ...outcome.removed.map((b) => `  - ${b.file}`),
    m.keeps(outcome.kept.length),
    ...outcome.kept.map((k) => `  + ${k.backup.file} (${k.keptFor.join(', ')})`),
  ].join('\n');
}

export function renderVerifyOutcome(outcome: VerifyOutcome, locale: Locale): string {
  const m = catalogue(locale);
  const { backup } = outcome;
  if (outcome.problem) return m.verifyFailed(backup.file, outcome.problem);
  const seconds = (outcome.durationMs / 1000).toFixed(1);
  return m.verified(backup.file, formatBytes(backup.bytes), backup.tables.length, formatCount(rowsOf(backup)), seconds);
}

/** The line a failed data-operations job puts in its alert: what went wrong, then what to do. */
export function renderDataOpsFailure(job: keyof typeof ja.hint, problem: string, locale: Locale): string {
  return `${problem}\n${catalogue(locale).hint[job]}`;
}
