import { setTimeout as sleep } from 'node:timers/promises';
import { BantoError } from '../../errors.js';
import { pageShapes } from './shapes/index.js';
import type { SyncSource } from './source.js';

/** Why a run failed, in the terms of `/sync-status` and the alert. */
export type SyncErrorClass =
  | 'timeout'
  | 'connection'
  | 'http_4xx'
  | 'http_5xx'
  | 'malformed_json'
  | 'lag'
  | 'too_many_pages'
  | 'database'
  | 'unexpected';

export class SyncError extends BantoError {
  constructor(
    readonly errorClass: SyncErrorClass,
    message: string,
  ) {
    super(`SYNC_${errorClass.toUpperCase()}`, message);
    this.name = 'SyncError';
  }
}

export interface Page {
  records: unknown[];
  nextCursor: string | undefined;
  hasMore: boolean;
}

export interface FetchDeps {
  /** Waits between attempts; tests pass one that records the wait instead of taking it. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal | undefined;
}

/** The longest `Retry-After` a run waits for; a partner asking for more fails the run, and the next one tries. */
const maxRetryAfterMs = 60_000;

/** Where a source lives, for messages: host and path only, so a key in its query string is never shown. */
function placeOf(source: SyncSource): string {
  const url = new URL(source.url);
  return `${url.host}${url.pathname}`;
}

function pageUrl(source: SyncSource, cursor: string | undefined): string {
  const url = new URL(source.url);
  url.searchParams.set(source.pageSizeParam, String(source.pageSize));
  if (cursor !== undefined) url.searchParams.set(source.cursor.param, cursor);
  return url.toString();
}

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function classifyNetworkError(error: unknown, source: SyncSource): SyncError {
  const name = (error as Error | undefined)?.name;
  if (name === 'TimeoutError')
    return new SyncError('timeout', `no answer within ${source.timeout.as('seconds')} s from ${placeOf(source)}`);
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = cause?.code ?? (error as { code?: string } | undefined)?.code;
  const what = code === 'ECONNREFUSED' ? 'connection refused' : (code ?? cause?.message ?? String(error));
  return new SyncError('connection', `${what} at ${new URL(source.url).host}`);
}

function readPage(source: SyncSource, text: string, cursor: string | undefined): Page {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SyncError(
      'malformed_json',
      `the answer is not JSON (it starts with ${JSON.stringify(text.slice(0, 40))})`,
    );
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new SyncError('malformed_json', 'the answer is not a JSON object');
  return pageShapes[source.shape].readPage(body as Record<string, unknown>, source, cursor);
}

/**
 * One page of a source, from `cursor`. Each attempt has the source's timeout. A 429 or 503 (the partner asking
 * for patience) and a dropped connection are tried again up to `retry.attempts` in all, after `Retry-After` or
 * a doubling backoff; every other failure ends the page at once with its class.
 */
export async function fetchPage(source: SyncSource, cursor: string | undefined, deps: FetchDeps = {}): Promise<Page> {
  const wait = deps.wait ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (source.auth) headers[source.auth.header] = source.auth.value;
  let backoffMs = source.retry.backoff.toMillis();
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= source.retry.attempts;
    const timeout = AbortSignal.timeout(source.timeout.toMillis());
    const signal = deps.signal ? AbortSignal.any([deps.signal, timeout]) : timeout;
    let failure: SyncError;
    let delayMs = backoffMs;
    try {
      const response = await fetch(pageUrl(source, cursor), { headers, signal, redirect: 'error' });
      const text = await response.text();
      if (response.ok) return readPage(source, text, cursor);
      const status = response.status;
      failure = new SyncError(status < 500 ? 'http_4xx' : 'http_5xx', `HTTP ${status} from ${placeOf(source)}`);
      if (status !== 429 && status !== 503) throw failure;
      delayMs = retryAfterMs(response.headers.get('retry-after')) ?? backoffMs;
      if (delayMs > maxRetryAfterMs) throw failure;
    } catch (error) {
      if (error instanceof SyncError) throw error;
      if (deps.signal?.aborted) throw new SyncError('timeout', 'the run was stopped (its job timed out)');
      failure = classifyNetworkError(error, source);
      if (failure.errorClass === 'timeout') throw failure;
    }
    if (last) throw failure;
    await wait(delayMs, deps.signal).catch(() => {
      // The job's timeout fired during the wait: the run ends as one that took too long, not as a crash.
      throw new SyncError('timeout', 'the run was stopped (its job timed out)');
    });
    backoffMs *= 2;
  }
}
