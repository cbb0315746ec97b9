import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A partner system on loopback: a cursor-paged JSON list of records, as the common partner API serves one.
// Local mode configures it as a sync source; tests drive it (records, failures) to watch runs and alerts.

export type PartnerRecord = Record<string, unknown> & { id: string };

/**
 * What the next request gets instead of its page: an HTTP status, a hang, a dropped connection or bad JSON;
 * `serve` lets one request through, so a failure can be aimed at a later page.
 */
export type PartnerFailure =
  | { serve: true }
  | { status: number; retryAfter?: string; body?: string }
  | { hangMs: number }
  | { drop: true }
  | { malformed: true };

export interface PartnerRequest {
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

export interface PartnerApi {
  /** The list endpoint, e.g. http://127.0.0.1:PORT/customers. */
  url: string;
  /** Adds a record, or replaces the one with its id; either way it is the newest change. */
  put(record: PartnerRecord): void;
  failNext(...failures: PartnerFailure[]): void;
  /** Every request fails with this until it is set back to undefined (the console's "partner down"). */
  setOutage(failure: PartnerFailure | undefined): void;
  readonly requests: PartnerRequest[];
  close(): Promise<void>;
}

export interface PartnerApiOptions {
  /** Bearer token the partner expects; without it, any request is served. */
  token?: string | undefined;
  path?: string;
  port?: number;
  /** `cursor` (the default): `?cursor=` and `next_cursor`; `offset`: `?offset=` and the list's `total`. */
  paging?: 'cursor' | 'offset';
}

interface Change {
  seq: number;
  record: PartnerRecord;
}

/** The index of the first change after sequence `after` (binary search: the list is in change order). */
function firstAfter(ordered: readonly Change[], after: number): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ordered[mid]!.seq > after) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The cursor is the change sequence of the last record a page gave (`s42`); a page holds the records changed
 * after it, oldest first, so a record changed again moves behind the cursor and is fetched again.
 */
export async function startPartnerApi({
  token,
  path = '/customers',
  port = 0,
  paging = 'cursor',
}: PartnerApiOptions = {}): Promise<PartnerApi> {
  let sequence = 0;
  const changes = new Map<string, Change>();
  let ordered: Change[] | undefined;
  const queued: PartnerFailure[] = [];
  let outage: PartnerFailure | undefined;
  const requests: PartnerRequest[] = [];

  const fail = (res: ServerResponse, failure: Exclude<PartnerFailure, { serve: true }>) => {
    if ('hangMs' in failure) {
      const timer = setTimeout(() => res.writeHead(200).end('{}'), failure.hangMs);
      res.on('close', () => clearTimeout(timer));
    } else if ('drop' in failure) res.socket?.destroy();
    else if ('malformed' in failure)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": [ {"id": "oops"');
    else {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (failure.retryAfter !== undefined) headers['retry-after'] = failure.retryAfter;
      res.writeHead(failure.status, headers).end(failure.body ?? JSON.stringify({ error: `status ${failure.status}` }));
    }
  };

  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://partner.local');
    requests.push({
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
    });
    const failure = queued.shift() ?? outage;
    if (failure && !('serve' in failure)) return fail(res, failure);
    if (url.pathname !== path) return res.writeHead(404).end('{"error":"not_found"}');
    if (token && req.headers.authorization !== `Bearer ${token}`) return res.writeHead(401).end('{"error":"auth"}');
    const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
    const after = Number(/^s(\d+)$/.exec(url.searchParams.get('cursor') ?? '')?.[1] ?? 0);
    // A Map keeps insertion order and put() re-inserts a change, so its values are in change order already.
    ordered ??= [...changes.values()];
    if (paging === 'offset') {
      const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0) || 0);
      const records = ordered.slice(offset, offset + limit).map((c) => c.record);
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: records, total: ordered.length }));
    }
    const from = firstAfter(ordered, after);
    const page = ordered.slice(from, from + limit);
    const last = page.at(-1)?.seq ?? after;
    const body = { data: page.map((c) => c.record), next_cursor: `s${last}`, has_more: from + limit < ordered.length };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}${path}`,
    put(record) {
      changes.delete(record.id);
      changes.set(record.id, { seq: ++sequence, record });
      ordered = undefined;
    },
    failNext: (...failures) => void queued.push(...failures),
    setOutage: (failure) => void (outage = failure),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
