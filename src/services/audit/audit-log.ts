import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createBulkInserter } from '../../db/bulk-insert.js';
import { toDbTime } from '../../db/time.js';

export type AuditOutcome = 'allowed' | 'refused' | 'error';

export interface AuditEntry {
  /** The instant, as epoch milliseconds. */
  at: number;
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
  /** How long the first queued entry waits for others to share its INSERT. */
  batchWindowMs?: number;
  retryDelayMs?: number;
  /**
   * Rows held while the database is away. Past this, a row goes to the log
   * instead (about 200 bytes a row: 100,000 is some 20 MB).
   */
  maxQueued?: number;
}

const clip = (value: string | undefined, max: number) => (value === undefined ? null : value.slice(0, max));

/** The columns of `banto_audit` that a row fills, in insert order. */
export const auditColumns = [
  'at',
  'user_id',
  'kind',
  'name',
  'arguments',
  'channel_id',
  'outcome',
  'reason',
  'result',
  'latency_ms',
] as const;

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
 * Write-behind audit trail. One INSERT per request on the ack path costs an
 * embedded SQLite most of its throughput (docs/benchmarks.md, audit-insert), so entries are queued and
 * written together: one multi-row INSERT per short window (`batchWindowMs`).
 * A failed write keeps its rows and tries again; flush() and close() drain
 * the queue, so a clean stop loses nothing.
 */
export function createAuditLog({
  db,
  logger,
  maxBatch = 250,
  batchWindowMs = 20,
  retryDelayMs = 500,
  maxQueued = 100_000,
}: AuditLogDeps): AuditLog {
  let queue: ReturnType<typeof toRow>[] = [];
  let writing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const insert = createBulkInserter(db, 'banto_audit', auditColumns);

  const writeQueued = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      await insert(batch);
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

  const scheduleDrain = (delayMs: number) => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      drain().catch((error: unknown) => {
        logger.error({ err: error, queued: queue.length }, 'audit write failed; keeping the rows and retrying');
        scheduleDrain(retryDelayMs);
      });
    }, delayMs);
  };

  const flush = async (): Promise<void> => {
    // A drain may already be running for earlier rows; run again until nothing is left.
    while (queue.length > 0 || writing) await drain();
  };

  return {
    record(entry) {
      if (closed) {
        // Nowhere left to write it: the log keeps it rather than nothing.
        logger.error({ audit: toRow(entry) }, 'audit entry recorded after close');
        return;
      }
      if (queue.length >= maxQueued) {
        logger.error({ audit: toRow(entry), queued: queue.length }, 'audit queue full; the row is in this log only');
        return;
      }
      queue.push(toRow(entry));
      scheduleDrain(queue.length >= maxBatch ? 0 : batchWindowMs);
    },
    flush,
    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      try {
        await flush();
      } catch (error) {
        // The last way out: the rows the database would not take go to the log, so none is lost.
        logger.error({ err: error, audit: queue }, 'audit rows could not be written at stop; they are in this log');
        queue = [];
      }
    },
    pending: () => queue.length,
  };
}
