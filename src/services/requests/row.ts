import { fromDbTime } from '../../db/time.js';
import type { HelpRequest, HelpRequestKind, HelpRequestState } from './index.js';

/** A `banto_help_requests` row as the drivers return it. */
export interface Row {
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

export const toRequest = (r: Row): HelpRequest => ({
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
