import Stripe from 'stripe';
import type { ProviderSettings } from '../../config.js';
import { BantoError } from '../../errors.js';

/** What Banto asks of the payment provider: one refund, one cancellation, each safe to ask again. */
export interface ProviderApi {
  /** Refunds a charge; `key` marks it, so asking again (a retry, a second replica) finds the same refund. */
  refund(input: { chargeId: string; amount: number | undefined; key: string }): Promise<string>;
  /** Cancels a subscription now; one cancelled already is answered as it stands. */
  cancelSubscription(input: { subscriptionId: string; key: string }): Promise<string>;
}

function toBantoError(error: unknown): BantoError {
  if (error instanceof Stripe.errors.StripeError) {
    // A dropped connection or the provider's own failure may pass; anything else is the provider saying no.
    const unavailable = error.type === 'StripeConnectionError' || (error.statusCode ?? 0) >= 500;
    const what = [error.code, error.message].filter(Boolean).join(': ');
    return new BantoError(unavailable ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_REFUSED', what.slice(0, 400));
  }
  return new BantoError('PROVIDER_UNAVAILABLE', error instanceof Error ? error.message : String(error));
}

/** Stripe, with the timeout and retries of `billing.provider` instead of the package's defaults. */
export function createStripeApi(settings: ProviderSettings & { apiKey: string }): ProviderApi {
  const url = settings.apiUrl ? new URL(settings.apiUrl) : undefined;
  const stripe = new Stripe(settings.apiKey, {
    timeout: settings.timeoutMs,
    // Only 409, 5xx and dropped connections are retried by the package, each POST with its idempotency key.
    maxNetworkRetries: settings.retries,
    telemetry: false,
    ...(url && {
      host: url.hostname,
      port: Number(url.port) || (url.protocol === 'http:' ? 80 : 443),
      protocol: url.protocol === 'http:' ? ('http' as const) : ('https' as const),
    }),
  });
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toBantoError(error);
    }
  };
  return {
    refund: ({ chargeId, amount, key }) =>
      call(async () => {
        // The idempotency key holds for a day; the refund's metadata finds one made earlier than that.
        const earlier = await stripe.refunds.list({ charge: chargeId, limit: 100 });
        const found = earlier.data.find((r) => r.metadata?.banto_request === key);
        if (found) return found.id;
        const refund = await stripe.refunds.create(
          { charge: chargeId, ...(amount !== undefined && { amount }), metadata: { banto_request: key } },
          { idempotencyKey: key },
        );
        return refund.id;
      }),
    cancelSubscription: ({ subscriptionId, key }) =>
      call(async () => {
        const current = await stripe.subscriptions.retrieve(subscriptionId);
        if (current.status === 'canceled') return current.id;
        const cancelled = await stripe.subscriptions.cancel(
          subscriptionId,
          { cancellation_details: { comment: key } },
          { idempotencyKey: key },
        );
        return cancelled.id;
      }),
  };
}
