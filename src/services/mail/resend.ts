import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import { insertReturningId } from '../../db/insert.js';
import { fromDbTime, toDbTime } from '../../db/time.js';
import { BantoError } from '../../errors.js';
import { enqueuePrepared, outboxRow, type OutboxRow } from './outbox.js';
import { findVersionByNumber } from './templates.js';

export interface Customer {
  id: string;
  email: string;
  name: string;
}

/** A customer by e-mail address or user id, as a clerk types it. */
export async function findCustomer(db: Knex, query: string): Promise<Customer | undefined> {
  const q = query.trim().replace(/^<mailto:[^|>]+\|([^>]+)>$/, '$1');
  if (!q) return undefined;
  const row = (await db('users')
    .where(/^\d+$/.test(q) ? { id: q } : { email: q.toLowerCase() })
    .first('id', 'email', 'name')) as { id: number; email: string; name: string } | undefined;
  return row ? { id: String(row.id), email: row.email, name: row.name } : undefined;
}

/** A copy of a customer's message, queued anew and linked to the original; the original's approved version is used. */
function resendRow(original: OutboxRow, requestedBy: string, dedupeKey: string, at: DateTime): Record<string, unknown> {
  const { template, template_version, user_id, to_address, params } = original;
  return outboxRow(
    {
      dedupe_key: dedupeKey,
      template,
      template_version,
      purpose: 'resend',
      user_id,
      to_address,
      params,
      resend_of: original.id,
      requested_by: requestedBy,
    },
    at,
  );
}

export async function resendMail(db: Knex, input: { id: number; requestedBy: string; at: DateTime }): Promise<number> {
  const original = (await db('banto_mail_outbox').where({ id: input.id }).first()) as OutboxRow | undefined;
  if (!original || original.purpose === 'test') throw new BantoError('MAIL_NOT_FOUND', `no customer mail #${input.id}`);
  const version = await findVersionByNumber(db, original.template, Number(original.template_version));
  if (version?.state !== 'approved')
    throw new BantoError('TEMPLATE_NOT_APPROVED', `${original.template} v${original.template_version} is not approved`);
  return insertReturningId(
    db,
    'banto_mail_outbox',
    resendRow(original, input.requestedBy, `resend:${original.id}:${randomUUID()}`, input.at),
  );
}

export interface BulkResend {
  id: number;
  requestedBy: string;
  from: DateTime;
  to: DateTime;
  label: string;
  failedCount: number;
  state: 'pending' | 'approved';
  decidedBy: string | null;
  queuedCount: number | null;
}

const failedIn = (db: Knex, from: DateTime, to: DateTime) =>
  db('banto_mail_outbox')
    .where('state', 'failed')
    .whereNot('purpose', 'test')
    .andWhere('failed_at', '>=', toDbTime(from))
    .andWhere('failed_at', '<', toDbTime(to));

/** Asks to resend every failed message of [from, to); nothing is queued until a second person approves. */
export async function requestBulkResend(
  db: Knex,
  input: { requestedBy: string; from: DateTime; to: DateTime; label: string; at: DateTime },
): Promise<BulkResend> {
  const count = Number((await failedIn(db, input.from, input.to).count({ n: '*' }).first())?.n ?? 0);
  const id = await insertReturningId(db, 'banto_mail_bulk_resends', {
    requested_by: input.requestedBy,
    window_from: toDbTime(input.from),
    window_to: toDbTime(input.to),
    label: input.label,
    failed_count: count,
    state: 'pending',
    created_at: toDbTime(input.at),
  });
  return {
    id,
    requestedBy: input.requestedBy,
    from: input.from,
    to: input.to,
    label: input.label,
    failedCount: count,
    state: 'pending',
    decidedBy: null,
    queuedCount: null,
  };
}

/** The second person's approval: queues a linked copy of each failed message, once, whoever presses twice. */
export async function approveBulkResend(
  db: Knex,
  input: { id: number; approvedBy: string; at: DateTime },
): Promise<BulkResend> {
  const row = (await db('banto_mail_bulk_resends').where({ id: input.id }).first()) as
    Record<string, string | number | null> | undefined;
  if (!row) throw new BantoError('BULK_RESEND_NOT_FOUND', `no bulk resend #${input.id}`);
  if (row.requested_by === input.approvedBy)
    throw new BantoError('SECOND_PERSON_REQUIRED', 'the person who asked cannot approve their own bulk resend');
  const claimed = await db('banto_mail_bulk_resends')
    .where({ id: input.id, state: 'pending' })
    .update({ state: 'approved', decided_by: input.approvedBy, decided_at: toDbTime(input.at) });
  if (claimed === 0)
    throw new BantoError(
      'BULK_RESEND_DECIDED',
      `bulk resend #${input.id} was already approved by ${String(row.decided_by)}`,
      [String(row.decided_by)],
    );
  const from = fromDbTime(String(row.window_from));
  const to = fromDbTime(String(row.window_to));
  const failed = (await failedIn(db, from, to).orderBy('id')) as OutboxRow[];
  const queued = await enqueuePrepared(
    db,
    failed.map((original) => resendRow(original, input.approvedBy, `resend:${original.id}:bulk${input.id}`, input.at)),
  );
  await db('banto_mail_bulk_resends').where({ id: input.id }).update({ queued_count: queued });
  return {
    id: input.id,
    requestedBy: String(row.requested_by),
    from,
    to,
    label: String(row.label),
    failedCount: Number(row.failed_count),
    state: 'approved',
    decidedBy: input.approvedBy,
    queuedCount: queued,
  };
}
