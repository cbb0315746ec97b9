import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DateTime, Duration } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { BantoEnv } from '../../config.js';
import {
  claimDue,
  markFailed,
  markSent,
  prepareHandOver,
  reconcileExpired,
  renewClaims,
  requeue,
  type SentMark,
} from './claims.js';
import type { OutboxRow } from './outbox.js';
import { renderMail, type Params } from './render.js';
import { findVersionByNumber, type TemplateVersion } from './templates.js';
import type { HandOver, MailTransport } from './transport.js';

export interface SenderSettings {
  env: BantoEnv;
  /** Outside production every message goes here instead of to its recipient. */
  testRecipient: string;
  from: string;
  batchSize: number;
  lease: Duration;
  poll: Duration;
  retry: { maxAttempts: number; first: Duration; max: Duration };
}

export interface MailSenderDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  transport: MailTransport;
  settings: SenderSettings;
}

export interface MailSender {
  /** Sends everything that is due now, then returns (the CLI's `banto mail drain`, tests). */
  drain(): Promise<{ sent: number; failed: number; retrying: number }>;
  start(): void;
  /** Something was queued: look now instead of at the next poll. */
  wake(): void;
  /** Finishes the messages in flight, then closes the transport. */
  stop(): Promise<void>;
}

type Outcome = 'sent' | 'failed' | 'retrying';
const sleep = (ms: number, signal: { wake?: () => void }) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

/** A 4xx answer or a lost connection may pass; a 5xx answer will not. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500;
}
const hasAnswer = (error: unknown) => typeof (error as { responseCode?: unknown }).responseCode === 'number';
const describe = (error: unknown) =>
  `${(error as { code?: string }).code ?? 'ERROR'}: ${error instanceof Error ? error.message : String(error)}`;

export function createMailSender({ db, clock, logger, transport, settings }: MailSenderDeps): MailSender {
  const versions = new Map<string, Promise<TemplateVersion | undefined>>();
  /** Claims in flight: how many of their messages are unfinished, and until when the claim holds. */
  const claims = new Map<string, { left: number; until: DateTime }>();
  const domain = settings.from.replace(/^.*@/, '').replace(/>.*$/, '') || 'banto.local';
  let loop: Promise<void> | undefined;
  let stopped = false;
  const idle: { wake?: () => void } = {};
  // "Sent" is written in batches: a message already handed over is safe even if its mark is lost to a crash.
  let sentMarks: SentMark[] = [];
  let sentTimer: NodeJS.Timeout | undefined;
  let flushing = Promise.resolve();
  const flushSent = () => {
    clearTimeout(sentTimer);
    sentTimer = undefined;
    const batch = sentMarks;
    sentMarks = [];
    flushing = flushing
      .then(() => markSent(db, batch))
      .catch((error: unknown) =>
        logger.error({ err: error, ids: batch.map((m) => m.id) }, 'could not mark mail as sent; reconciliation will'),
      );
    return flushing;
  };
  const recordSent = (mark: SentMark) => {
    sentMarks.push(mark);
    if (sentMarks.length >= settings.batchSize) void flushSent();
    else sentTimer ??= setTimeout(() => void flushSent(), 20);
  };

  const versionOf = (name: string, version: number) => {
    const key = `${name}@${version}`;
    let found = versions.get(key);
    // Approved versions never change; anything else is looked up again next time.
    if (!found)
      versions.set(
        key,
        (found = findVersionByNumber(db, name, version).then((v) => {
          if (v?.state !== 'approved') versions.delete(key);
          return v;
        })),
      );
    return found;
  };

  async function deliverOne(row: OutboxRow, token: string): Promise<Outcome> {
    const id = Number(row.id);
    const version = await versionOf(row.template, Number(row.template_version));
    if (!version || (version.state !== 'approved' && row.purpose !== 'test')) {
      await markFailed(db, id, token, {
        at: clock.now(),
        error: `TEMPLATE_NOT_APPROVED: ${row.template} v${row.template_version} is ${version?.state ?? 'missing'}; never sent`,
      });
      return 'failed';
    }
    const rendered = renderMail(version, JSON.parse(row.params) as Params);
    const rewritten = settings.env !== 'production';
    const to = rewritten ? settings.testRecipient : row.to_address;
    const headers: Record<string, string> = {
      'X-Banto-Outbox-Id': String(id),
      'X-Banto-Template': `${version.name} v${version.version}`,
    };
    if (rewritten) headers['X-Banto-Original-To'] = row.to_address;
    let handedOver = false;
    const point = prepareHandOver(db, id, token);
    const handOver: HandOver = {
      async prepare() {
        // A claim close to running out may be reconciled by another sender meanwhile: better not to start.
        if ((claims.get(token)?.until.toMillis() ?? 0) - clock.nowMs() < settings.lease.toMillis() / 3)
          throw Object.assign(new Error(`the claim on message ${id} is about to run out`), {
            code: 'MAIL_CLAIM_EXPIRING',
          });
        await point.prepare();
      },
      commit() {
        point.commit(clock.nowMs());
        handedOver = true;
      },
      abandon: () => point.abandon(),
    };
    try {
      const receipt = await transport.deliver(
        {
          from: settings.from,
          to,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId: `<banto.${id}@${domain}>`,
          headers,
        },
        handOver,
      );
      if (!(await point.recorded())) logger.error({ id }, 'a message was sent after its claim was lost');
      recordSent({ id, token, at: clock.nowMs(), providerMessageId: receipt.providerMessageId, deliveredTo: to });
      return 'sent';
    } catch (error) {
      const at = clock.now();
      if (handedOver && !hasAnswer(error)) {
        // The connection broke after the final dot: the server may well have it. Not sent again.
        recordSent({
          id,
          token,
          at: at.toMillis(),
          providerMessageId: null,
          deliveredTo: to,
          note: `unconfirmed: ${describe(error)} after the message was handed over`,
        });
        return 'sent';
      }
      await point.recorded().catch(() => false);
      const attempts = Number(row.attempts);
      if (isPermanent(error) || attempts >= settings.retry.maxAttempts) {
        await markFailed(db, id, token, {
          at,
          error: `${describe(error)}${isPermanent(error) ? '' : ` (gave up after ${attempts} attempts)`}`,
        });
        return 'failed';
      }
      const wait = Math.min(settings.retry.first.toMillis() * 2 ** (attempts - 1), settings.retry.max.toMillis());
      await requeue(db, id, token, { at, retryAt: at.plus({ milliseconds: wait }), error: describe(error) });
      return 'retrying';
    }
  }

  /** Keeps up to batchSize messages in flight, claiming more whenever half have finished. */
  async function pump(untilEmpty: boolean) {
    const counts = { sent: 0, failed: 0, retrying: 0 };
    const inFlight = new Set<Promise<void>>();
    const heartbeat = setInterval(() => {
      const until = clock.now().plus(settings.lease);
      const renewing = [...claims.entries()];
      renewClaims(
        db,
        renewing.map(([token]) => token),
        until,
      )
        .then(() => renewing.forEach(([, claim]) => (claim.until = until)))
        .catch((error: unknown) => logger.warn({ err: error }, 'could not renew mail claims'));
    }, settings.lease.toMillis() / 6);
    try {
      while (!stopped) {
        let claimed = 0;
        if (inFlight.size <= settings.batchSize / 2) {
          await reconcile();
          const token = randomUUID().replaceAll('-', '');
          const now = clock.now();
          const rows = await claimDue(db, {
            token,
            limit: settings.batchSize - inFlight.size,
            now,
            lease: settings.lease,
          });
          claimed = rows.length;
          if (claimed > 0) claims.set(token, { left: claimed, until: now.plus(settings.lease) });
          for (const row of rows) {
            const sending: Promise<void> = deliverOne(row, token)
              .then((outcome) => {
                counts[outcome] += 1;
              })
              .catch((error: unknown) => logger.error({ err: error, id: row.id }, 'mail delivery bookkeeping failed'))
              .finally(() => {
                inFlight.delete(sending);
                const claim = claims.get(token);
                if (claim && --claim.left === 0) claims.delete(token);
              });
            inFlight.add(sending);
          }
        }
        if (inFlight.size > 0 && (claimed === 0 || inFlight.size > settings.batchSize / 2))
          await Promise.race(inFlight);
        else if (claimed === 0 && inFlight.size === 0) {
          if (untilEmpty) break;
          await sleep(settings.poll.toMillis(), idle);
        }
      }
      await Promise.all(inFlight);
      await flushSent();
    } finally {
      clearInterval(heartbeat);
    }
    return counts;
  }

  async function reconcile() {
    const result = await reconcileExpired(db, clock.now());
    if (result.requeued + result.assumedSent > 0)
      logger.warn(result, 'reconciled mail left in sending by a stopped sender');
  }

  return {
    drain: () => pump(true),
    start() {
      loop ??= (async () => {
        while (!stopped) {
          try {
            await pump(false);
          } catch (error) {
            logger.error({ err: error }, 'mail sender loop failed; retrying');
            await sleep(settings.poll.toMillis(), idle);
          }
        }
      })();
    },
    wake: () => idle.wake?.(),
    async stop() {
      stopped = true;
      idle.wake?.();
      await loop;
      await transport.close();
    },
  };
}
