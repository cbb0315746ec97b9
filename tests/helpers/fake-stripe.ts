import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StripeRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  form: Record<string, string>;
}

export interface FakeStripe {
  url: string;
  requests: StripeRequest[];
  /** Refunds made (or found made), by charge. */
  refunds: { id: string; charge: string; amount: number | undefined; key: string | undefined }[];
  /** Subscription id → status. */
  subscriptions: Map<string, string>;
  /** The next writing request gets this error, as Stripe sends one. */
  refuseNext(status: number, code: string, message: string): void;
  stop(): Promise<void>;
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  let body = '';
  for await (const chunk of req) body += (chunk as Buffer).toString('utf8');
  return Object.fromEntries(new URLSearchParams(body));
}

/**
 * The few Stripe endpoints Banto calls, on loopback, answering as the API reference describes: refunds (list by
 * charge, create) and subscriptions (retrieve, cancel). An idempotency key seen before gets the same refund back.
 */
export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: StripeRequest[] = [];
  const refunds: FakeStripe['refunds'] = [];
  const subscriptions = new Map<string, string>();
  const refusals: { status: number; code: string; message: string }[] = [];
  const server = createServer((req, res) => {
    void readForm(req).then((form) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const key = req.headers['idempotency-key'];
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        authorization: req.headers.authorization,
        idempotencyKey: typeof key === 'string' ? key : undefined,
        form,
      });
      const send = (status: number, body: unknown) => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      };
      const toRefund = (r: FakeStripe['refunds'][number]) => ({
        id: r.id,
        object: 'refund',
        charge: r.charge,
        amount: r.amount,
        status: 'succeeded',
        metadata: r.key ? { banto_request: r.key } : {},
      });
      const refusal = req.method !== 'GET' ? refusals.shift() : undefined;
      if (refusal)
        return send(refusal.status, {
          error: { type: 'invalid_request_error', code: refusal.code, message: refusal.message },
        });
      if (req.method === 'GET' && url.pathname === '/v1/refunds') {
        const charge = url.searchParams.get('charge');
        const data = refunds.filter((r) => r.charge === charge).map(toRefund);
        return send(200, { object: 'list', url: '/v1/refunds', has_more: false, data });
      }
      if (req.method === 'POST' && url.pathname === '/v1/refunds') {
        const same = refunds.find((r) => r.key !== undefined && r.key === key);
        if (same) return send(200, toRefund(same));
        const refund = {
          id: `re_fake_${refunds.length + 1}`,
          charge: form.charge ?? '',
          amount: form.amount === undefined ? undefined : Number(form.amount),
          key: form['metadata[banto_request]'],
        };
        refunds.push(refund);
        return send(200, toRefund(refund));
      }
      const subscription = /^\/v1\/subscriptions\/([^/]+)$/.exec(url.pathname)?.[1];
      const status = subscription && subscriptions.get(subscription);
      if (subscription && status) {
        if (req.method === 'DELETE') subscriptions.set(subscription, 'canceled');
        return send(200, { id: subscription, object: 'subscription', status: subscriptions.get(subscription) });
      }
      return send(404, {
        error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such object' },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    refunds,
    subscriptions,
    refuseNext: (status, code, message) => refusals.push({ status, code, message }),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
