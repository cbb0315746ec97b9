import type { Knex } from 'knex';
import type { DateTime, Duration } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { fromDbTime, toDbTime } from '../../db/time.js';
import type { HelpRequest } from './index.js';
import { toRequest, type Row } from './row.js';

export interface PostRequestDeps {
  /** Posts one request to the billing channel; throws when it cannot (Slack away, the channel not private). */
  post(request: HelpRequest): Promise<{ channel: string; ts: string }>;
  /** The request's post if Slack has it already (made by a sender that died before marking it). */
  findPosted(request: HelpRequest, since: DateTime): Promise<{ channel: string; ts: string } | undefined>;
  /** How long a claim keeps others off a request whose post may still be under way. */
  claimFor: Duration;
  logger: Logger;
  /** Just this request (the form's own post, right after it is sent). */
  only?: number | undefined;
}

/**
 * Posts requests not posted yet (all, or just `only`), each once: claimed before its post, so the form's own post
 * and the minute's job, or two replicas, never both make it; marked with the message after. A claim that ran out
 * may have posted before its sender died, so Slack is asked for the request's post first. A post that fails leaves
 * the request unposted; its claim runs out and the next try makes it. Returns how many were posted.
 */
export async function postPendingRequests(
  db: Knex,
  clock: Clock,
  { post, findPosted, claimFor, logger, only }: PostRequestDeps,
): Promise<number> {
  const expired = () => toDbTime(clock.now().minus(claimFor));
  const rows = (await db('banto_help_requests')
    .whereNull('message_ts')
    .andWhere((q) => q.whereNull('post_claimed_at').orWhere('post_claimed_at', '<', expired()))
    .modify((q) => (only === undefined ? q : q.where({ id: only })))
    .orderBy('id')
    .limit(50)) as Row[];
  let posted = 0;
  for (const row of rows) {
    const claimed = await db('banto_help_requests')
      .where({ id: row.id })
      .whereNull('message_ts')
      .andWhere((q) => q.whereNull('post_claimed_at').orWhere('post_claimed_at', '<', expired()))
      .update({ post_claimed_at: toDbTime(clock.now()) });
    if (claimed !== 1) continue;
    const request = toRequest(row);
    try {
      const earlier = row.post_claimed_at ? await findPosted(request, fromDbTime(row.post_claimed_at)) : undefined;
      const { channel, ts } = earlier ?? (await post(request));
      await db('banto_help_requests').where({ id: row.id }).update({ channel, message_ts: ts });
      posted++;
    } catch (error) {
      logger.warn({ err: error, request: request.id }, 'could not post a help request; it is tried again');
    }
  }
  return posted;
}
