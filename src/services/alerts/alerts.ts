import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { isUniqueViolation } from '../../db/errors.js';
import { insertReturningId } from '../../db/insert.js';
import { fromDbTime, toDbTime } from '../../db/time.js';

/** How services reach people without knowing Slack: the alerts channel, with the on-call mention. */
export interface Notifier {
  /** Posts to the alerts channel for on-call; `alsoNotify` names more user groups to mention (accounting for billing). */
  postAlert(text: string, alsoNotify?: readonly string[]): Promise<{ channelId: string; ts: string }>;
  postReply(channelId: string, threadTs: string, text: string): Promise<void>;
  /** Replaces an alert's text in place (no new notification); the mentions stay as they were posted. */
  updateAlert(channelId: string, ts: string, text: string, alsoNotify?: readonly string[]): Promise<void>;
}

export interface Alerts {
  /** Posts the alert unless one is already open for `key`; true when this call posted it. */
  open(key: string, message: string, alsoNotify?: readonly string[]): Promise<boolean>;
  /** Rewrites the open alert for `key` (the same incident, news of it); false when none is open or nothing changed. */
  update(key: string, message: string, alsoNotify?: readonly string[]): Promise<boolean>;
  /** Replies in the open alert's thread and closes it; false when none was open. */
  resolve(key: string, message: string): Promise<boolean>;
  isOpen(key: string): Promise<boolean>;
  /** The alerts open now, the oldest first. */
  listOpen(): Promise<{ key: string; message: string; openedAt: DateTime }[]>;
}

const table = 'banto_alerts';

/** The key of the alert for a billing channel that fails the privacy check. */
export const billingGuardAlert = 'billing-channel-guard';

/**
 * One open alert per key, whichever replica notices first: the row (with
 * open_key unique) is claimed before anything is posted, so an incident is
 * announced once and recovered once, never as a storm.
 */
export function createAlerts({
  db,
  notifier,
  clock,
  logger,
}: {
  db: Knex;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
}): Alerts {
  return {
    async open(key, message, alsoNotify = []) {
      let id: number;
      try {
        id = await insertReturningId(db, table, { key, open_key: key, message, opened_at: toDbTime(clock.now()) });
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
      try {
        const posted = await notifier.postAlert(message, alsoNotify);
        await db(table).where({ id }).update({ channel_id: posted.channelId, thread_ts: posted.ts });
        return true;
      } catch (error) {
        // Not announced: give the claim back so the next occurrence tries again.
        await db(table).where({ id }).delete();
        logger.error({ err: error, key }, 'could not post an alert');
        throw error;
      }
    },
    async update(key, message, alsoNotify = []) {
      const open = (await db(table).where({ open_key: key }).first()) as
        { id: number; message: string; channel_id: string | null; thread_ts: string | null } | undefined;
      if (!open || open.message === message) return false;
      const changed = await db(table).where({ id: open.id, open_key: key, message: open.message }).update({ message });
      // Another replica wrote it first: its text is as new as ours.
      if (changed !== 1) return false;
      if (open.channel_id && open.thread_ts)
        await notifier.updateAlert(open.channel_id, open.thread_ts, message, alsoNotify);
      return true;
    },
    async resolve(key, message) {
      const open = (await db(table).where({ open_key: key }).first()) as
        { id: number; channel_id: string | null; thread_ts: string | null } | undefined;
      if (!open) return false;
      const changed = await db(table)
        .where({ id: open.id, open_key: key })
        .update({ open_key: null, resolved_at: toDbTime(clock.now()) });
      if (changed !== 1) return false;
      if (open.channel_id && open.thread_ts) await notifier.postReply(open.channel_id, open.thread_ts, message);
      return true;
    },
    async isOpen(key) {
      return (await db(table).where({ open_key: key }).first()) !== undefined;
    },
    async listOpen() {
      const rows = (await db(table).whereNotNull('open_key').orderBy('opened_at').limit(20)) as {
        key: string;
        message: string;
        opened_at: string;
      }[];
      return rows.map((r) => ({ key: r.key, message: r.message, openedAt: fromDbTime(r.opened_at) }));
    },
  };
}

export async function pruneResolvedAlerts(db: Knex, resolvedBefore: DateTime): Promise<number> {
  return db(table).whereNull('open_key').andWhere('resolved_at', '<', toDbTime(resolvedBefore)).delete();
}
