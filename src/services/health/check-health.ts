import type { Knex } from 'knex';

/** How Slack reaches Banto: over HTTP (nothing to watch), or a Socket Mode link that may be down. */
export type SlackLink = 'http' | 'connected' | 'disconnected';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'unreachable';
  slack: SlackLink;
  mode: string;
  env: string;
  version: string;
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
  const database = await Promise.race([db.raw('select 1'), timeout]).then(
    () => 'ok' as const,
    () => 'unreachable' as const,
  );
  clearTimeout(timer);
  const link = slack();
  const healthy = database === 'ok' && (link === 'http' || link === 'connected');
  return { status: healthy ? 'ok' : 'degraded', database, slack: link, mode, env, version };
}
