import { DateTime } from 'luxon';
import { z } from 'zod';
import { BantoError } from '../../errors.js';

/** The event types Banto acts on; any other type is stored and answered, and does nothing else. */
export const providerEventTypes = [
  'charge.succeeded',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'invoice.payment_failed',
  'payout.paid',
] as const;
export type KnownEventType = (typeof providerEventTypes)[number];

/** One provider event in Banto's terms: the figures its type carries, amounts in the currency's minor unit. */
export interface ProviderEvent {
  id: string;
  type: string;
  createdAt: DateTime;
  objectId: string | undefined;
  customerId: string | undefined;
  amount: number | undefined;
  currency: string | undefined;
  /** A refund's or a dispute's reason. */
  reason: string | undefined;
  /** A dispute's status (`needs_response`, `won`, `lost`, ...). */
  status: string | undefined;
  chargeId: string | undefined;
  /** An invoice's payment attempts so far. */
  attempts: number | undefined;
  /** When a payout reaches the bank. */
  arrivalAt: DateTime | undefined;
  payload: string;
}

const id = z.string().min(1).max(255);
const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const currency = z
  .string()
  .regex(/^[a-zA-Z]{3}$/)
  .transform((c) => c.toUpperCase());
const customer = z
  .union([id, z.looseObject({ id })])
  .nullish()
  .transform((c) => (typeof c === 'object' ? c?.id : c));
const unixSeconds = z.number().int().positive();
const at = (seconds: number) => DateTime.fromSeconds(seconds, { zone: 'utc' });

const envelope = z.looseObject({
  id,
  object: z.literal('event'),
  type: z.string().min(1).max(64),
  created: unixSeconds,
  data: z.looseObject({ object: z.looseObject({}) }),
});

const dispute = z.looseObject({
  id,
  amount,
  currency,
  charge: id.nullish(),
  reason: z.string().nullish(),
  status: z.string().min(1),
});

const objects = {
  'charge.succeeded': z.looseObject({ id, amount, currency, customer }),
  'charge.refunded': z.looseObject({
    id,
    amount_refunded: amount,
    currency,
    customer,
    refunds: z.looseObject({ data: z.array(z.looseObject({ reason: z.string().nullish() })) }).nullish(),
  }),
  'charge.dispute.created': dispute,
  'charge.dispute.closed': dispute,
  'invoice.payment_failed': z.looseObject({
    id,
    amount_due: amount,
    currency,
    customer,
    attempt_count: z.number().int().min(0).nullish(),
  }),
  'payout.paid': z.looseObject({ id, amount, currency, arrival_date: unixSeconds }),
} satisfies Record<KnownEventType, z.ZodType>;

const isKnown = (type: string): type is KnownEventType => (providerEventTypes as readonly string[]).includes(type);

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'event'}: ${issue.message}` : 'not an event';
}

/**
 * A verified webhook body as a ProviderEvent. A body that is not an event, or a known type whose object lacks
 * what Banto needs, is refused with INVALID_EVENT (the sender hears 400 and nothing is stored).
 */
export function readProviderEvent(body: unknown, payload: string): ProviderEvent {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) throw new BantoError('INVALID_EVENT', describeIssue(parsed.error));
  const event = parsed.data;
  const base = {
    id: event.id,
    type: event.type,
    createdAt: at(event.created),
    objectId: undefined,
    customerId: undefined,
    amount: undefined,
    currency: undefined,
    reason: undefined,
    status: undefined,
    chargeId: undefined,
    attempts: undefined,
    arrivalAt: undefined,
    payload,
  };
  if (!isKnown(event.type)) return base;
  const object = objects[event.type].safeParse(event.data.object);
  if (!object.success) throw new BantoError('INVALID_EVENT', `data.object.${describeIssue(object.error)}`);
  const o = object.data as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    ...base,
    objectId: text(o.id),
    customerId: text(o.customer),
    amount: (event.type === 'charge.refunded'
      ? o.amount_refunded
      : event.type === 'invoice.payment_failed'
        ? o.amount_due
        : o.amount) as number,
    currency: o.currency as string,
    reason: text(o.reason) ?? text((o.refunds as { data?: { reason?: unknown }[] } | undefined)?.data?.[0]?.reason),
    status: text(o.status),
    chargeId: text(o.charge),
    attempts: typeof o.attempt_count === 'number' ? o.attempt_count : undefined,
    arrivalAt: typeof o.arrival_date === 'number' ? at(o.arrival_date) : undefined,
  };
}
