import type { Knex } from 'knex';
import type { DateTime, Duration } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { BillingSchema } from '../../config.js';
import { insertReturningId } from '../../db/insert.js';
import { fromDbTime, toDbTime } from '../../db/time.js';
import { BantoError } from '../../errors.js';
import type { ProviderApi } from '../provider/api.js';

export type HelpRequestKind = 'refund' | 'cancel';
export type HelpRequestState = 'pending' | 'approved' | 'rejected' | 'done';

export interface HelpRequest {
  id: number;
  kind: HelpRequestKind;
  customerId: string;
  /** The payment to refund, or the subscription to cancel. */
  targetId: string;
  amount: number | undefined;
  reason: string;
  requestedBy: string;
  requestedAt: DateTime;
  state: HelpRequestState;
  decidedBy: string | undefined;
  decidedAt: DateTime | undefined;
  doneBy: string | undefined;
  channel: string | undefined;
  messageTs: string | undefined;
  /** The provider's id of the refund or cancellation that carried the request out. */
  providerRef: string | undefined;
  /** Why the provider refused, or could not be reached, at the last try. */
  providerError: string | undefined;
}

/** What pressing a button did: the request moved, or why it did not. */
export type Step =
  | { outcome: 'moved'; request: HelpRequest }
  | { outcome: 'own-request'; request: HelpRequest }
  | { outcome: 'already'; request: HelpRequest };

/** What carrying an approved request out through the provider did. */
export type CarryOut =
  | Step
  /** No provider, or no provider id for its payment or subscription: a person does it and presses Done. */
  | { outcome: 'manual'; request: HelpRequest }
  | { outcome: 'failed'; request: HelpRequest; code: string };

interface Row {
  id: number;
  kind: HelpRequestKind;
  customer_id: string;
  payment_id: string | null;
  subscription_id: string | null;
  amount: number | string | null;
  reason: string;
  requested_by: string;
  requested_at: string;
  state: HelpRequestState;
  decided_by: string | null;
  decided_at: string | null;
  done_by: string | null;
  channel: string | null;
  message_ts: string | null;
  provider_ref: string | null;
  provider_error: string | null;
  post_claimed_at: string | null;
}

const toRequest = (r: Row): HelpRequest => ({
  id: Number(r.id),
  kind: r.kind,
  customerId: r.customer_id,
  targetId: (r.kind === 'refund' ? r.payment_id : r.subscription_id) ?? '',
  amount: r.amount === null ? undefined : Number(r.amount),
  reason: r.reason,
  requestedBy: r.requested_by,
  requestedAt: fromDbTime(r.requested_at),
  state: r.state,
  decidedBy: r.decided_by ?? undefined,
  decidedAt: r.decided_at ? fromDbTime(r.decided_at) : undefined,
  doneBy: r.done_by ?? undefined,
  channel: r.channel ?? undefined,
  messageTs: r.message_ts ?? undefined,
  providerRef: r.provider_ref ?? undefined,
  providerError: r.provider_error ?? undefined,
});

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

export interface RequestServiceDeps {
  db: Knex;
  clock: Clock;
  schema: BillingSchema;
  /** The payment provider's API, when configured: an approved request is carried out through it. */
  provider?: ProviderApi | undefined;
}

/**
 * Refund and cancellation requests: asked by one person, decided by another (never the same), then carried out.
 * With a payment provider, an approval is carried out through it; without one, it is a person's task, closed with
 * "Done".
 */
export function createRequestService({ db, clock, schema, provider }: RequestServiceDeps) {
  const get = async (id: number) => {
    const row = (await db('banto_help_requests').where({ id }).first()) as Row | undefined;
    if (!row) throw new BantoError('REQUEST_NOT_FOUND', `no request #${id}`);
    return toRequest(row);
  };

  /** The payment (succeeded, the customer's own) or the subscription (the customer's own, not cancelled yet). */
  async function readTarget(kind: HelpRequestKind, customerId: string, targetId: string) {
    if (kind === 'refund') {
      const p = schema.payments;
      const row = (await db(p.table)
        .where({ [p.id]: targetId, [p.user_id]: customerId, [p.status]: 'succeeded' })
        .first({ amount: p.amount })) as { amount: number } | undefined;
      return row && Number(row.amount);
    }
    const s = schema.subscriptions;
    const row = (await db(s.table)
      .where({ [s.id]: targetId, [s.user_id]: customerId })
      .whereNot(s.status, 'cancelled')
      .first({ amount: s.amount })) as { amount: number } | undefined;
    return row && Number(row.amount);
  }

  /** A step from one state to the next, by anyone but the requester, once. */
  async function step(
    id: number,
    by: string,
    [from, to]: [HelpRequestState, HelpRequestState],
    who: 'decided' | 'done',
  ): Promise<Step> {
    const before = await get(id);
    if (before.requestedBy === by) return { outcome: 'own-request', request: before };
    // Conditional on the state it moves from: of two presses, or two replicas, one moves it.
    const changed = await db('banto_help_requests')
      .where({ id, state: from })
      .update({ state: to, [`${who}_by`]: by, [`${who}_at`]: toDbTime(clock.now()) });
    return { outcome: changed === 1 ? 'moved' : 'already', request: await get(id) };
  }

  /** The provider's id of the request's payment (its charge) or subscription, when the schema maps one. */
  async function readProviderId(request: HelpRequest): Promise<string | undefined> {
    const { table, id } = request.kind === 'refund' ? schema.payments : schema.subscriptions;
    const column =
      request.kind === 'refund' ? schema.payments.provider_charge_id : schema.subscriptions.provider_subscription_id;
    if (!column) return undefined;
    const row = (await db(table)
      .where({ [id]: request.targetId })
      .first({ ref: column })) as { ref: string | null } | undefined;
    return row?.ref ? String(row.ref) : undefined;
  }

  /**
   * An approved request, carried out through the provider. The key is the request's own, so a retry after a failure
   * half-way (the provider did it, the mark was lost) finds what was done instead of doing it twice.
   */
  async function carryOut(id: number, by: string): Promise<CarryOut> {
    const request = await get(id);
    if (request.state !== 'approved') return { outcome: 'already', request };
    if (request.requestedBy === by) return { outcome: 'own-request', request };
    const providerId = provider && (await readProviderId(request));
    if (!provider || !providerId) return { outcome: 'manual', request };
    const key = `banto-help-request-${request.id}`;
    let ref: string;
    try {
      ref =
        request.kind === 'refund'
          ? await provider.refund({ chargeId: providerId, amount: request.amount, key })
          : await provider.cancelSubscription({ subscriptionId: providerId, key });
    } catch (error) {
      if (!(error instanceof BantoError)) throw error;
      await db('banto_help_requests')
        .where({ id, state: 'approved' })
        .update({ provider_error: error.message.slice(0, 500) });
      return { outcome: 'failed', request: await get(id), code: error.code };
    }
    const changed = await db('banto_help_requests')
      .where({ id, state: 'approved' })
      .update({ state: 'done', done_by: by, done_at: toDbTime(clock.now()), provider_ref: ref, provider_error: null });
    return { outcome: changed === 1 ? 'moved' : 'already', request: await get(id) };
  }

  /**
   * Posts requests not posted yet (all, or just `only`), each once: claimed before its post, so the form's own post
   * and the minute's job, or two replicas, never both make it; marked with the message after. A claim that ran out
   * may have posted before its sender died, so Slack is asked for the request's post first. A post that fails leaves
   * the request unposted; its claim runs out and the next try makes it. Returns how many were posted.
   */
  async function postPending({ post, findPosted, claimFor, logger, only }: PostRequestDeps): Promise<number> {
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

  return {
    get,
    carryOut,
    /** Whether approved requests can be carried out through a provider at all. */
    providerConfigured: provider !== undefined,
    async create(input: {
      kind: HelpRequestKind;
      customerId: string;
      targetId: string;
      reason: string;
      requestedBy: string;
    }) {
      const reason = input.reason.trim();
      if (reason.length === 0 || reason.length > 500)
        throw new BantoError('INVALID_INPUT', 'a reason of 1 to 500 characters');
      const amount = await readTarget(input.kind, input.customerId, input.targetId);
      if (amount === undefined)
        throw new BantoError(
          'REQUEST_TARGET',
          `${input.kind === 'refund' ? 'payment' : 'subscription'} ${input.targetId} is not one this customer can have ${input.kind === 'refund' ? 'refunded' : 'cancelled'}`,
        );
      const id = await insertReturningId(db, 'banto_help_requests', {
        kind: input.kind,
        customer_id: input.customerId,
        payment_id: input.kind === 'refund' ? input.targetId : null,
        subscription_id: input.kind === 'cancel' ? input.targetId : null,
        amount,
        reason,
        requested_by: input.requestedBy,
        requested_at: toDbTime(clock.now()),
        state: 'pending',
      });
      return get(id);
    },
    postPending,
    decide: (id: number, by: string, decision: 'approve' | 'reject') =>
      step(id, by, ['pending', decision === 'approve' ? 'approved' : 'rejected'], 'decided'),
    complete: (id: number, by: string) => step(id, by, ['approved', 'done'], 'done'),
    /** A person's requests still waiting for a decision or to be carried out. */
    async openOf(userId: string): Promise<HelpRequest[]> {
      const rows = (await db('banto_help_requests')
        .where({ requested_by: userId })
        .whereIn('state', ['pending', 'approved'])
        .orderBy('id', 'desc')
        .limit(20)) as Row[];
      return rows.map(toRequest);
    },
  };
}

export type RequestService = ReturnType<typeof createRequestService>;
