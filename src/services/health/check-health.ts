import type { Knex } from 'knex';
import { readRefreshMark, type RefreshMark } from '../refresh/marker.js';

/** How Slack reaches Banto: over HTTP (nothing to watch), or a Socket Mode link that may be down. */
export type SlackLink = 'http' | 'connected' | 'disconnected';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'unreachable';
  slack: SlackLink;
  mode: string;
  env: string;
  version: string;
  /**
   * Outside production, when this database is a refreshed copy of production: the state of its refresh. Until
   * the anonymization proof has passed (`usable`), the copy must not be used and the report is degraded.
   */
  copy?: { status: RefreshMark['status']; backup: string; reason?: string | undefined } | undefined;
}

interface HealthDeps {
  db: Knex;
  slack: () => SlackLink;
  mode: string;
  env: string;
  version: string;
  timeoutMs?: number;
}

/** Is the database answering, and is the link to Slack up? The database probe is bounded by `timeoutMs` so a hung pool cannot hang it. */
export async function checkHealth({
  db,
  slack,
  mode,
  env,
  version,
  timeoutMs = 2000,
}: HealthDeps): Promise<HealthReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  // Production is never a refreshed copy; elsewhere the probe is the read of the copy's refresh mark.
  const probe = env === 'production' ? db.raw('select 1').then(() => undefined) : readRefreshMark(db);
  const [database, mark] = await Promise.race([probe, timeout]).then(
    (found) => ['ok' as const, found] as const,
    () => ['unreachable' as const, undefined] as const,
  );
  clearTimeout(timer);
  const link = slack();
  const copy = mark && { status: mark.status, backup: mark.backup, reason: mark.reason };
  const healthy = database === 'ok' && (link === 'http' || link === 'connected') && (!copy || copy.status === 'usable');
  return { status: healthy ? 'ok' : 'degraded', database, slack: link, mode, env, version, ...(copy ? { copy } : {}) };
}
