import type { Knex } from 'knex';
import type { DateTime, Duration } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { fromDbTime, toDbTime } from '../../db/time.js';
import { readProviderEvent, type ProviderEvent } from './event.js';

export interface PostPendingDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  /** Posts one event to the billing channel; throws when it cannot (Slack away, the channel not private). */
  post(event: ProviderEvent): Promise<{ ts: string }>;
  /** The ts of this event's post if Slack already has it (posted by a sender that died before recording it). */
  findPosted(eventId: string, since: DateTime): Promise<string | undefined>;
  /** How long a claim keeps other replicas off an event whose post may still be under way. */
  claimFor: Duration;
}

type Row = Record<string, unknown>;

/**
 * Posts each stored event that is still to be posted, oldest first, once: a row is claimed before its post
 * (so two replicas, or the webhook's own drain and the minute's job, never both post it) and marked posted with
 * the message's ts after. A post that fails keeps the row pending; its claim runs out and the next drain tries
 * again. Returns how many were posted.
 */
export async function postPendingEvents({
  db,
  clock,
  logger,
  post,
  findPosted,
  claimFor,
}: PostPendingDeps): Promise<number> {
  const expired = () => toDbTime(clock.now().minus(claimFor));
  const rows = (await db('banto_provider_events')
    .where({ post_state: 'pending' })
    .andWhere((q) => q.whereNull('post_claimed_at').orWhere('post_claimed_at', '<', expired()))
    .orderBy('event_created_at')
    .limit(100)) as Row[];
  let done = 0;
  for (const row of rows) {
    // Claimed at its own moment: a drain slowed by Slack must not hand out claims that are already old.
    const cutoff = expired();
    const claimed = await db('banto_provider_events')
      .where({ id: row.id, post_state: 'pending' })
      .andWhere((q) => q.whereNull('post_claimed_at').orWhere('post_claimed_at', '<', cutoff))
      .update({ post_claimed_at: toDbTime(clock.now()) });
    if (claimed !== 1) continue;
    try {
      const payload = String(row.payload);
      // A claim that ran out may have posted before its sender died: Slack is asked before posting again.
      const earlier = row.post_claimed_at
        ? await findPosted(String(row.id), fromDbTime(String(row.post_claimed_at)))
        : undefined;
      const { ts } = earlier ? { ts: earlier } : await post(readProviderEvent(JSON.parse(payload), payload));
      await db('banto_provider_events').where({ id: row.id }).update({ post_state: 'posted', posted_ts: ts });
      done++;
    } catch (error) {
      logger.warn({ err: error, event: row.id }, 'could not post a provider event; it stays pending');
    }
  }
  return done;
}
