import { DateTime } from 'luxon';
import type { BackupManifest } from './manifest.js';

export interface KeepPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface RetentionPlan {
  /** Kept backups, newest first, each with why (`daily 2026-11-30`, `newest verified`, ...). */
  keep: { backup: BackupManifest; reasons: string[] }[];
  /** Backups that fall out of the policy, newest first. */
  remove: BackupManifest[];
}

/**
 * Grandfather-father-son, as restic's `forget`: for the last `daily` days that have backups, the newest backup of
 * each day; the same for ISO weeks and months (in the business zone). The newest backup and the newest verified
 * one are kept whatever the policy says, so a prune can never leave nothing to restore.
 */
export function planRetention(backups: readonly BackupManifest[], keep: KeepPolicy, zone: string): RetentionPlan {
  const newestFirst = [...backups].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  const reasons = new Map<BackupManifest, string[]>();
  const mark = (backup: BackupManifest, reason: string) =>
    reasons.set(backup, [...(reasons.get(backup) ?? []), reason]);
  const buckets: [number, string, (at: DateTime) => string][] = [
    [keep.daily, 'daily', (at) => at.toISODate() ?? ''],
    [keep.weekly, 'weekly', (at) => at.toFormat("kkkk-'W'WW")],
    [keep.monthly, 'monthly', (at) => at.toFormat('yyyy-MM')],
  ];
  for (const [count, name, bucketOf] of buckets) {
    const seen = new Set<string>();
    for (const backup of newestFirst) {
      if (seen.size >= count) break;
      const bucket = bucketOf(DateTime.fromISO(backup.createdAt, { zone }));
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      mark(backup, `${name} ${bucket}`);
    }
  }
  const newest = newestFirst[0];
  if (newest) mark(newest, 'newest');
  const newestVerified = newestFirst.find((b) => b.verification?.state === 'verified');
  if (newestVerified) mark(newestVerified, 'newest verified');
  return {
    keep: newestFirst.filter((b) => reasons.has(b)).map((backup) => ({ backup, reasons: reasons.get(backup)! })),
    remove: newestFirst.filter((b) => !reasons.has(b)),
  };
}
