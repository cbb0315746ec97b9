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
import { isUnprovenCopy } from '../refresh/marker.js';
import { renderMail, type Params } from './render.js';
import { findVersionByNumber, type TemplateVersion } from './templates.js';
import type { HandOver, MailTransport, OutgoingMail } from './transport.js';

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

/** What one sender's parts share. */
interface Sender extends MailSenderDeps {
  /** Claims in flight: how many of their messages are unfinished, and until when the claim holds. */
  claims: Map<string, { left: number; until: DateTime }>;
  versionOf(name: string, version: number): Promise<TemplateVersion | undefined>;
  recordSent(mark: SentMark): void;
  flushSent(): Promise<void>;
  /** Whether the last claim round found an unproven development copy (said once in the log, not per round). */
  refusing: boolean;
  /** The domain of message ids. */
  domain: string;
  idle: { wake?: () => void };
  stopped: boolean;
}

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

/** "Sent" is written in batches: a message already handed over is safe even if its mark is lost to a crash. */
function batchSentMarks({ db, logger, settings }: MailSenderDeps): Pick<Sender, 'recordSent' | 'flushSent'> {
  let marks: SentMark[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing = Promise.resolve();
  const flushSent = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = marks;
    marks = [];
    flushing = flushing
      .then(() => markSent(db, batch))
      .catch((error: unknown) =>
        logger.error({ err: error, ids: batch.map((m) => m.id) }, 'could not mark mail as sent; reconciliation will'),
      );
    return flushing;
  };
  const recordSent = (mark: SentMark) => {
    marks.push(mark);
    if (marks.length >= settings.batchSize) void flushSent();
    else timer ??= setTimeout(() => void flushSent(), 20);
  };
  return { recordSent, flushSent };
}

/** Approved versions never change, so they are kept; anything else is looked up again next time. */
function cacheVersions(db: Knex): Sender['versionOf'] {
  const versions = new Map<string, Promise<TemplateVersion | undefined>>();
  return (name, version) => {
    const key = `${name}@${version}`;
    let found = versions.get(key);
    if (!found) {
      found = findVersionByNumber(db, name, version).then((v) => {
        if (v?.state !== 'approved') versions.delete(key);
        return v;
      });
      versions.set(key, found);
    }
    return found;
  };
}

/** The message as it leaves: outside production, to the test recipient, with the original named in a header. */
function composeMail(sender: Sender, row: OutboxRow, version: TemplateVersion): OutgoingMail {
  const { settings } = sender;
  const id = Number(row.id);
  const rendered = renderMail(version, JSON.parse(row.params) as Params);
  const rewritten = settings.env !== 'production';
  const headers: Record<string, string> = {
    'X-Banto-Outbox-Id': String(id),
    'X-Banto-Template': `${version.name} v${version.version}`,
  };
  if (rewritten) headers['X-Banto-Original-To'] = row.to_address;
  const to = rewritten ? settings.testRecipient : row.to_address;
  return { from: settings.from, to, ...rendered, messageId: `<banto.${id}@${sender.domain}>`, headers };
}

/** After a failed delivery: taken as sent (handed over, no answer), failed for good, or queued again after a doubling wait. */
async function settleFailure(
  sender: Sender,
  row: OutboxRow,
  token: string,
  mail: OutgoingMail,
  error: unknown,
  handedOver: boolean,
): Promise<Outcome> {
  const { db, clock, settings } = sender;
  const id = Number(row.id);
  const at = clock.now();
  if (handedOver && !hasAnswer(error)) {
    // The connection broke after the final dot: the server may well have it. Not sent again.
    const note = `unconfirmed: ${describe(error)} after the message was handed over`;
    sender.recordSent({ id, token, at: at.toMillis(), providerMessageId: null, deliveredTo: mail.to, note });
    return 'sent';
  }
  const attempts = Number(row.attempts);
  if (isPermanent(error) || attempts >= settings.retry.maxAttempts) {
    const reason = `${describe(error)}${isPermanent(error) ? '' : ` (gave up after ${attempts} attempts)`}`;
    await markFailed(db, id, token, { at, error: reason });
    return 'failed';
  }
  const wait = Math.min(settings.retry.first.toMillis() * 2 ** (attempts - 1), settings.retry.max.toMillis());
  await requeue(db, id, token, { at, retryAt: at.plus({ milliseconds: wait }), error: describe(error) });
  return 'retrying';
}

async function deliverOne(sender: Sender, row: OutboxRow, token: string): Promise<Outcome> {
  const { db, clock, logger, settings } = sender;
  const id = Number(row.id);
  const version = await sender.versionOf(row.template, Number(row.template_version));
  if (!version || (version.state !== 'approved' && row.purpose !== 'test')) {
    const error = `TEMPLATE_NOT_APPROVED: ${row.template} v${row.template_version} is ${version?.state ?? 'missing'}; never sent`;
    await markFailed(db, id, token, { at: clock.now(), error });
    return 'failed';
  }
  const mail = composeMail(sender, row, version);
  let handedOver = false;
  const point = prepareHandOver(db, id, token);
  const handOver: HandOver = {
    async prepare() {
      // A claim close to running out may be reconciled by another sender meanwhile: better not to start.
      if ((sender.claims.get(token)?.until.toMillis() ?? 0) - clock.nowMs() < settings.lease.toMillis() / 3)
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
    const receipt = await sender.transport.deliver(mail, handOver);
    if (!(await point.recorded())) logger.error({ id }, 'a message was sent after its claim was lost');
    sender.recordSent({
      id,
      token,
      at: clock.nowMs(),
      providerMessageId: receipt.providerMessageId,
      deliveredTo: mail.to,
    });
    return 'sent';
  } catch (error) {
    if (!(handedOver && !hasAnswer(error))) await point.recorded().catch(() => false);
    return settleFailure(sender, row, token, mail, error, handedOver);
  }
}

/** Renews every claim in flight six times per lease, so a long batch is never reconciled under a live sender. */
function renewClaimsEvery(sender: Sender): NodeJS.Timeout {
  const { db, clock, logger, settings } = sender;
  return setInterval(() => {
    const until = clock.now().plus(settings.lease);
    const renewing = [...sender.claims.entries()];
    renewClaims(
      db,
      renewing.map(([token]) => token),
      until,
    )
      .then(() => renewing.forEach(([, claim]) => (claim.until = until)))
      .catch((error: unknown) => logger.warn({ err: error }, 'could not renew mail claims'));
  }, settings.lease.toMillis() / 6);
}

async function reconcile({ db, clock, logger }: Sender): Promise<void> {
  const result = await reconcileExpired(db, clock.now());
  if (result.requeued + result.assumedSent > 0)
    logger.warn(result, 'reconciled mail left in sending by a stopped sender');
}

/** Claims up to `room` due messages and starts each; every one leaves `inFlight` when done. */
async function claimAndStart(
  sender: Sender,
  room: number,
  inFlight: Set<Promise<void>>,
  counts: Record<Outcome, number>,
): Promise<number> {
  // A development copy of production whose anonymization is not proven may still hold real addresses: nothing
  // leaves it, not even to the test recipient, until its refresh proves it (services/refresh).
  if (sender.settings.env !== 'production' && (await isUnprovenCopy(sender.db))) {
    if (!sender.refusing)
      sender.logger.warn('this database is a development copy not proven anonymized: no mail is sent');
    sender.refusing = true;
    return 0;
  }
  sender.refusing = false;
  await reconcile(sender);
  const token = randomUUID().replaceAll('-', '');
  const now = sender.clock.now();
  const rows = await claimDue(sender.db, { token, limit: room, now, lease: sender.settings.lease });
  if (rows.length > 0) sender.claims.set(token, { left: rows.length, until: now.plus(sender.settings.lease) });
  for (const row of rows) {
    const sending: Promise<void> = deliverOne(sender, row, token)
      .then((outcome) => void (counts[outcome] += 1))
      .catch((error: unknown) => sender.logger.error({ err: error, id: row.id }, 'mail delivery bookkeeping failed'))
      .finally(() => {
        inFlight.delete(sending);
        const claim = sender.claims.get(token);
        if (claim && --claim.left === 0) sender.claims.delete(token);
      });
    inFlight.add(sending);
  }
  return rows.length;
}

/** Keeps up to batchSize messages in flight, claiming more whenever half have finished. */
async function pump(sender: Sender, untilEmpty: boolean) {
  const { batchSize, poll } = sender.settings;
  const counts = { sent: 0, failed: 0, retrying: 0 };
  const inFlight = new Set<Promise<void>>();
  const heartbeat = renewClaimsEvery(sender);
  try {
    while (!sender.stopped) {
      const claimed =
        inFlight.size <= batchSize / 2 ? await claimAndStart(sender, batchSize - inFlight.size, inFlight, counts) : 0;
      if (inFlight.size > 0 && (claimed === 0 || inFlight.size > batchSize / 2)) await Promise.race(inFlight);
      else if (claimed === 0 && inFlight.size === 0) {
        if (untilEmpty) break;
        await sleep(poll.toMillis(), sender.idle);
      }
    }
    await Promise.all(inFlight);
    await sender.flushSent();
  } finally {
    clearInterval(heartbeat);
  }
  return counts;
}

export function createMailSender(deps: MailSenderDeps): MailSender {
  const sender: Sender = {
    ...deps,
    claims: new Map(),
    versionOf: cacheVersions(deps.db),
    ...batchSentMarks(deps),
    domain: deps.settings.from.replace(/^.*@/, '').replace(/>.*$/, '') || 'banto.local',
    idle: {},
    stopped: false,
    refusing: false,
  };
  let loop: Promise<void> | undefined;
  return {
    drain: () => pump(sender, true),
    start() {
      loop ??= (async () => {
        while (!sender.stopped) {
          try {
            await pump(sender, false);
          } catch (error) {
            deps.logger.error({ err: error }, 'mail sender loop failed; retrying');
            await sleep(deps.settings.poll.toMillis(), sender.idle);
          }
        }
      })();
    },
    wake: () => sender.idle.wake?.(),
    async stop() {
      sender.stopped = true;
      sender.idle.wake?.();
      await loop;
      await deps.transport.close();
    },
  };
}
