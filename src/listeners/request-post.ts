import type { AllMiddlewareArgs } from '@slack/bolt';
import { Duration } from 'luxon';
import { BantoError } from '../errors.js';
import { createSlackPublisher } from '../notifier/slack.js';
import { renderRequestPost } from '../views/requests.js';
import type { HandlerDeps } from './define.js';

export type RequestPostDeps = Pick<
  HandlerDeps,
  'requests' | 'customers' | 'checkBillingChannel' | 'billingChannel' | 'locale' | 'clock' | 'logger'
>;

const keyOf = (id: number) => `help-request-${id}`;

/**
 * Posts requests not yet in the billing channel (or just `only`), with Approve and Reject, while the channel passes
 * the billing guard. Each post carries the request's key as message metadata, so one whose mark was lost is found
 * instead of posted again. Used right after the form is sent, and every minute by `post-help-requests`.
 */
export async function postHelpRequests(
  { requests, customers, checkBillingChannel, billingChannel, locale, clock, logger }: RequestPostDeps,
  client: AllMiddlewareArgs['client'],
  only?: number,
): Promise<number> {
  const publisher = createSlackPublisher(client);
  return requests.postPending({
    only,
    logger,
    claimFor: Duration.fromObject({ minutes: 2 }),
    async post(request) {
      const guard = await checkBillingChannel(billingChannel);
      if (!guard.allowed) throw new BantoError('CHANNEL_GUARD', `${billingChannel} does not pass the billing guard`);
      const name = (await customers.find(request.customerId))?.name ?? request.customerId;
      const view = renderRequestPost(request, name, {
        locale,
        zone: clock.zone,
        provider: requests.providerConfigured,
      });
      const { ts } = await publisher.post(billingChannel, view, { key: keyOf(request.id) });
      return { channel: billingChannel, ts };
    },
    async findPosted(request, since) {
      const ts = await publisher.findPosted?.(billingChannel, keyOf(request.id), since);
      return ts ? { channel: billingChannel, ts } : undefined;
    },
  });
}
