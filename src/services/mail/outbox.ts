import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import { isUniqueViolation, retryOnLockError } from '../../db/errors.js';
import { insertReturningId } from '../../db/insert.js';
import { fromDbTime, toDbTime } from '../../db/time.js';
import { BantoError } from '../../errors.js';
import { checkParams, type Params } from './render.js';
import { findSendableVersion, type TemplateVersion } from './templates.js';

export type MailState = 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';
/** customer: the template's approved version; test: a draft sent to the staff member reviewing it; resend: a clerk's resend. */
export type MailPurpose = 'customer' | 'test' | 'resend';

export interface MailRequest {
  template: string;
  to: string;
  params: Params;
  dedupeKey: string;
  userId?: string | null | undefined;
  purpose?: MailPurpose;
  /** Pins a version (test sends of a draft); default: the approved version. */
  version?: TemplateVersion;
  resendOf?: number | null;
  requestedBy?: string | null;
}

export interface OutboxMail {
  id: number;
  dedupeKey: string;
  template: string;
  templateVersion: number;
  purpose: MailPurpose;
  userId: string | null;
  to: string;
  params: Params;
  state: MailState;
  attempts: number;
  lastError: string | null;
  providerMessageId: string | null;
  deliveredTo: string | null;
  resendOf: number | null;
  requestedBy: string | null;
  createdAt: DateTime;
  sentAt: DateTime | null;
  failedAt: DateTime | null;
}

export interface OutboxRow {
  id: number;
  dedupe_key: string;
  template: string;
  template_version: number;
  purpose: MailPurpose;
  user_id: string | null;
  to_address: string;
  params: string;
  state: MailState;
  attempts: number;
  next_attempt_at: string;
  claim_token: string | null;
  lease_until: string | null;
  handed_over_at: string | null;
  last_error: string | null;
  provider_message_id: string | null;
  delivered_to: string | null;
  resend_of: number | null;
  requested_by: string | null;
  created_at: string;
  sent_at: string | null;
  failed_at: string | null;
}

export function toOutboxMail(row: OutboxRow): OutboxMail {
  return {
    id: Number(row.id),
    dedupeKey: row.dedupe_key,
    template: row.template,
    templateVersion: Number(row.template_version),
    purpose: row.purpose,
    userId: row.user_id,
    to: row.to_address,
    params: JSON.parse(row.params) as Params,
    state: row.state,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    providerMessageId: row.provider_message_id,
    deliveredTo: row.delivered_to,
    resendOf: row.resend_of === null ? null : Number(row.resend_of),
    requestedBy: row.requested_by,
    createdAt: fromDbTime(row.created_at),
    sentAt: row.sent_at ? fromDbTime(row.sent_at) : null,
    failedAt: row.failed_at ? fromDbTime(row.failed_at) : null,
  };
}

const emailPattern = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
export const isEmailAddress = (value: string): boolean => value.length <= 254 && emailPattern.test(value);

/** The version a request is sent with: the approved one, or the pinned one for a test send. */
export async function resolveVersion(
  db: Knex,
  template: string,
  pinned?: TemplateVersion,
  purpose?: MailPurpose,
): Promise<TemplateVersion> {
  const version = pinned ?? (await findSendableVersion(db, template));
  if (!version) {
    const known = await db('banto_mail_templates').where({ name: template }).first('id');
    throw known
      ? new BantoError(
          'TEMPLATE_NOT_APPROVED',
          `template ${template} has no approved version yet; an executive approves it in Slack (/banto templates)`,
        )
      : new BantoError('TEMPLATE_UNKNOWN', `no template named ${template}`);
  }
  if (version.state !== 'approved' && purpose !== 'test')
    throw new BantoError(
      'TEMPLATE_NOT_APPROVED',
      `${version.name} v${version.version} is ${version.state}, not approved`,
    );
  return version;
}

/** The outbox row for a request, or a BantoError (MAIL_INVALID) that names every problem. */
export function buildRow(
  version: TemplateVersion,
  request: Omit<MailRequest, 'template' | 'version'>,
  at: DateTime,
): Record<string, unknown> {
  const problems = checkParams(version.params, request.params);
  if (!isEmailAddress(request.to)) problems.unshift(`to: not an e-mail address: ${request.to}`);
  if (request.dedupeKey.length === 0 || request.dedupeKey.length > 191) problems.push('dedupeKey: 1 to 191 characters');
  if (problems.length > 0) throw new BantoError('MAIL_INVALID', problems.join('; '), problems);
  return outboxRow(
    {
      dedupe_key: request.dedupeKey,
      template: version.name,
      template_version: version.version,
      purpose: request.purpose ?? 'customer',
      user_id: request.userId ?? null,
      to_address: request.to,
      params: JSON.stringify(request.params),
      resend_of: request.resendOf ?? null,
      requested_by: request.requestedBy ?? null,
    },
    at,
  );
}

/** What a message is (already checked), queued at `at`: the one place an outbox row is made. */
export function outboxRow(message: Record<string, unknown>, at: DateTime): Record<string, unknown> {
  const when = toDbTime(at);
  return { ...message, state: 'queued', attempts: 0, next_attempt_at: when, created_at: when, updated_at: when };
}

export async function prepareMail(db: Knex, request: MailRequest, at: DateTime): Promise<Record<string, unknown>> {
  return buildRow(await resolveVersion(db, request.template, request.version, request.purpose), request, at);
}

/** Queues one message; a dedupe key seen before returns the existing message instead of a second one. */
export async function enqueueMail(
  db: Knex,
  request: MailRequest,
  at: DateTime,
): Promise<{ id: number; created: boolean }> {
  const row = await prepareMail(db, request, at);
  const existing = await db('banto_mail_outbox').where({ dedupe_key: request.dedupeKey }).first('id');
  if (existing) return { id: Number(existing.id), created: false };
  try {
    // A sender's claim (an UPDATE … ORDER BY … LIMIT) holds next-key locks that an insert can deadlock with on
    // InnoDB; the insert was rolled back, and the dedupe key makes running it again safe.
    return { id: await retryOnLockError(() => insertReturningId(db, 'banto_mail_outbox', row)), created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await db('banto_mail_outbox').where({ dedupe_key: request.dedupeKey }).first('id');
    return { id: Number(winner?.id), created: false };
  }
}

/** Queues prepared rows in chunks; rows whose dedupe key exists are skipped. Returns how many were new. */
export async function enqueuePrepared(db: Knex, rows: Record<string, unknown>[], chunkSize = 500): Promise<number> {
  let added = 0;
  for (let i = 0; i < rows.length; i += chunkSize) {
    const chunk = rows.slice(i, i + chunkSize);
    const before = await countKeys(
      db,
      chunk.map((r) => String(r.dedupe_key)),
    );
    await retryOnLockError(
      async () => void (await db('banto_mail_outbox').insert(chunk).onConflict('dedupe_key').ignore()),
    );
    added += chunk.length - before;
  }
  return added;
}

async function countKeys(db: Knex, keys: string[]): Promise<number> {
  const row = await db('banto_mail_outbox').whereIn('dedupe_key', keys).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function findMail(db: Knex, id: number): Promise<OutboxMail | undefined> {
  const row = (await db('banto_mail_outbox').where({ id }).first()) as OutboxRow | undefined;
  return row ? toOutboxMail(row) : undefined;
}

/** A customer's most recent messages, by user id or by address, newest first. */
export async function recentMailOf(
  db: Knex,
  who: { userId?: string | undefined; email?: string | undefined },
  limit = 10,
): Promise<OutboxMail[]> {
  const rows = (await db('banto_mail_outbox')
    .where((q) => {
      if (who.userId) q.orWhere({ user_id: who.userId });
      if (who.email) q.orWhere({ to_address: who.email });
    })
    .orderBy('id', 'desc')
    .limit(limit)) as OutboxRow[];
  return rows.map(toOutboxMail);
}
