import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { Clock } from '../../clock.js';
import type { BillingSchema } from '../../config.js';
import { insertReturningId } from '../../db/insert.js';
import { toDbTime } from '../../db/time.js';
import { BantoError } from '../../errors.js';
import type { ProviderApi } from '../provider/api.js';
import { carryOutRequest } from './carry-out.js';
import { postPendingRequests, type PostRequestDeps } from './post.js';
import { toRequest, type Row } from './row.js';

export type { PostRequestDeps } from './post.js';

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

  return {
    get,
    carryOut: (id: number, by: string) => carryOutRequest({ db, clock, schema, provider, get }, id, by),
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
    postPending: (deps: PostRequestDeps) => postPendingRequests(db, clock, deps),
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
