import type { IncomingMessage, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import Stripe from 'stripe';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { BantoError } from '../errors.js';
import { readProviderEvent, type ProviderEvent } from '../services/provider/event.js';
import type { RecordResult } from '../services/provider/record.js';
import { sendJson } from './server.js';

export interface StripeWebhookDeps {
  secret: string;
  clock: Clock;
  logger: Logger;
  /** Stores the event once (a service call); `duplicate` for an id already stored. */
  record(event: ProviderEvent): Promise<RecordResult>;
  /** Told after a new event is stored, so its post goes out now rather than at the next minute's drain. */
  onStored(): void;
}

/** Stripe's own default, stated: a signature older than five minutes is refused (replays). */
const toleranceSeconds = 300;
/** Stripe's events are a few kB; anything past this is not one. */
const bodyLimitBytes = 512 * 1024;

/**
 * POST /webhooks/stripe. The signature is checked by the official package on the raw body, against Banto's
 * clock; then the event's shape, then it is stored once. Stripe retries anything but a 2xx, so a repeated id
 * answers 200 and a request Banto refuses (bad signature, not an event) answers 400 and stores nothing.
 */
export function createStripeWebhook({ secret, clock, logger, record, onStored }: StripeWebhookDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let raw: string;
    try {
      raw = await getRawBody(req, { limit: bodyLimitBytes, encoding: 'utf8' });
    } catch {
      return sendJson(res, 413, { error: 'body_too_large' });
    }
    const signature = req.headers['stripe-signature'];
    let body: unknown;
    try {
      body = Stripe.webhooks.constructEvent(
        raw,
        typeof signature === 'string' ? signature : '',
        secret,
        toleranceSeconds,
        undefined,
        // Banto's clock, in milliseconds (what the package expects), so the tolerance is measured as Banto sees time.
        clock.nowMs(),
      );
    } catch (error) {
      if (error instanceof SyntaxError) return sendJson(res, 400, { error: 'malformed_body', reason: 'not JSON' });
      logger.warn({ reason: (error as Error).message }, 'a Stripe webhook failed signature verification');
      return sendJson(res, 400, { error: 'invalid_signature' });
    }
    let event: ProviderEvent;
    try {
      event = readProviderEvent(body, raw);
    } catch (error) {
      if (!(error instanceof BantoError)) throw error;
      logger.warn({ reason: error.message }, 'a signed Stripe webhook that is not an event Banto can read');
      return sendJson(res, 400, { error: 'invalid_event', reason: error.message });
    }
    const result = await record(event);
    if (result === 'stored') onStored();
    sendJson(res, 200, { received: true, duplicate: result === 'duplicate' });
  };
}
