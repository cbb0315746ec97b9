import type { Knex } from 'knex';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'unreachable';
  mode: string;
  env: string;
  version: string;
}

/** Is the database answering? Bounded by `timeoutMs` so a hung pool cannot hang the probe. */
export async function checkHealth({ db, mode, env, version, timeoutMs = 2000 }: { db: Knex; mode: string; env: string; version: string; timeoutMs?: number }): Promise<HealthReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  const database = await Promise.race([db.raw('select 1'), timeout]).then(
    () => 'ok' as const,
    () => 'unreachable' as const,
  );
  clearTimeout(timer);
  return { status: database === 'ok' ? 'ok' : 'degraded', database, mode, env, version };
}
