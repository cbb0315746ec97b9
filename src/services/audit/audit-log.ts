import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { toDbTime } from '../../db/time.js';

export type AuditOutcome = 'allowed' | 'refused' | 'error';

export interface AuditEntry {
  at: DateTime;
  userId: string;
  kind: string;
  name: string;
  arguments?: string | undefined;
  channelId?: string | undefined;
  outcome: AuditOutcome;
  reason?: string | undefined;
  result?: string | undefined;
  latencyMs: number;
}

export interface AuditLog {
  /** Queues the entry; it is written with the next batch, never on the caller's path. */
  record(entry: AuditEntry): void;
  /** Resolves once everything recorded so far is in the database. */
  flush(): Promise<void>;
  close(): Promise<void>;
  pending(): number;
}

export interface AuditLogDeps {
  db: Knex;
  logger: Logger;
  maxBatch?: number;
  retryDelayMs?: number;
}

const clip = (value: string | undefined, max: number) => (value === undefined ? null : value.slice(0, max));

function toRow(entry: AuditEntry) {
  return {
    at: toDbTime(entry.at),
    user_id: entry.userId.slice(0, 32),
    kind: entry.kind,
    name: entry.name.slice(0, 128),
    arguments: clip(entry.arguments, 2000),
    channel_id: clip(entry.channelId, 32),
    outcome: entry.outcome,
    reason: clip(entry.reason, 255),
    result: clip(entry.result, 255),
    latency_ms: Math.max(0, Math.round(entry.latencyMs)),
  };
}

/**
 * Write-behind audit trail. A per-request INSERT on the ack path costs SQLite
 * an order of magnitude in throughput (docs/benchmarks.md), so entries are
 * queued and written together right after the current turn of the event loop.
 * A failed write keeps its rows and tries again; close() drains the queue.
 */
export function createAuditLog({ db, logger, maxBatch = 250, retryDelayMs = 500 }: AuditLogDeps): AuditLog {
  let queue: ReturnType<typeof toRow>[] = [];
  let writing: Promise<void> | undefined;
  let scheduled = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const writeQueued = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      await db('banto_audit').insert(batch);
      queue = queue.slice(batch.length);
    }
  };

  const drain = (): Promise<void> => {
    if (writing) return writing;
    writing = writeQueued().finally(() => {
      writing = undefined;
    });
    return writing;
  };

  const scheduleDrain = () => {
    if (scheduled || retryTimer) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      drain().catch((error: unknown) => {
        logger.error({ err: error, queued: queue.length }, 'audit write failed; keeping the rows and retrying');
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          scheduleDrain();
        }, retryDelayMs);
        retryTimer.unref();
      });
    });
  };

  const flush = async (): Promise<void> => {
    // A drain may already be running for earlier rows; run again until nothing is left.
    while (queue.length > 0 || writing) await drain();
  };

  return {
    record(entry) {
      queue.push(toRow(entry));
      scheduleDrain();
    },
    flush,
    async close() {
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      await flush();
    },
    pending: () => queue.length,
  };
}
