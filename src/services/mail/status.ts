import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import { fromDbTime, toDbTime } from '../../db/time.js';
import type { MailState } from './outbox.js';

export interface MailStatus {
  from: DateTime;
  to: DateTime;
  /** Messages created in [from, to), by state. */
  counts: Record<MailState, number>;
  oldestQueued:
    { id: number; template: string; createdAt: DateTime; attempts: number; lastError: string | null } | undefined;
}

const states: MailState[] = ['queued', 'sending', 'sent', 'failed', 'cancelled'];

/** Counts by state of the messages created in a window, and the oldest message still waiting (of any day). */
export async function readMailStatus(db: Knex, from: DateTime, to: DateTime): Promise<MailStatus> {
  const rows = (await db('banto_mail_outbox')
    .where('created_at', '>=', toDbTime(from))
    .andWhere('created_at', '<', toDbTime(to))
    .groupBy('state')
    .select('state')
    .count({ n: '*' })) as { state: MailState; n: number | string }[];
  const counts = Object.fromEntries(states.map((s) => [s, 0])) as Record<MailState, number>;
  for (const row of rows) counts[row.state] = Number(row.n);
  const oldest = (await db('banto_mail_outbox')
    .where('state', 'queued')
    .orderBy('created_at')
    .orderBy('id')
    .first('id', 'template', 'created_at', 'attempts', 'last_error')) as
    { id: number; template: string; created_at: string; attempts: number; last_error: string | null } | undefined;
  return {
    from,
    to,
    counts,
    oldestQueued: oldest
      ? {
          id: Number(oldest.id),
          template: oldest.template,
          createdAt: fromDbTime(oldest.created_at),
          attempts: Number(oldest.attempts),
          lastError: oldest.last_error,
        }
      : undefined,
  };
}

export interface HealthRules {
  backlogMinutes: number;
  failurePercent: number;
  minAttempts: number;
}

/** What is wrong with the outbox now: a backlog older than the threshold, or too many failures today. */
export function judgeMailHealth(status: MailStatus, rules: HealthRules, now: DateTime) {
  const waitedMinutes = status.oldestQueued ? now.diff(status.oldestQueued.createdAt, 'minutes').minutes : 0;
  const finished = status.counts.sent + status.counts.failed;
  const failedPercent = finished === 0 ? 0 : (status.counts.failed / finished) * 100;
  return {
    backlog: { firing: waitedMinutes > rules.backlogMinutes, minutes: Math.floor(waitedMinutes) },
    failures: {
      firing: finished >= rules.minAttempts && failedPercent > rules.failurePercent,
      percent: Math.round(failedPercent * 10) / 10,
      failed: status.counts.failed,
      finished,
    },
  };
}
