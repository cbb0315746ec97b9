import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parse as parseForm } from 'node:querystring';
import { verifySlackRequest, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import getRawBody from 'raw-body';
import { deliverToBolt, type DeliverOptions } from './deliver.js';
import { checkSlackBody } from './slack-body.js';

export interface HttpEdgeOptions extends DeliverOptions {
  signingSecret: string;
  /** Slack's largest bodies (a modal's full state) are a few hundred kB; anything past this is refused with 413. */
  bodyLimitBytes: number;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function refuse(res: ServerResponse, status: number, error: string, reason?: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error, reason }));
}

/** With the length known, Node sends head and body in one write instead of chunked. */
function send(res: ServerResponse, contentType: string, body: string): void {
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
}

// A frozen answer cannot change, so its JSON is made once: handlers that answer from a cache (help) pay no
// serialisation per request.
const serialised = new WeakMap<object, string>();

function toJson(response: object): string {
  if (!Object.isFrozen(response)) return JSON.stringify(response);
  let json = serialised.get(response);
  if (json === undefined) serialised.set(response, (json = JSON.stringify(response)));
  return json;
}

function answer(res: ServerResponse, response: unknown): Promise<void> {
  if (res.headersSent) return Promise.resolve();
  if (response === undefined || response === '') res.writeHead(200, { 'content-length': 0 }).end();
  else if (typeof response === 'string') send(res, 'text/plain; charset=utf-8', response);
  else {
    const json = typeof response === 'object' && response !== null ? toJson(response) : JSON.stringify(response);
    send(res, 'application/json; charset=utf-8', json);
  }
  return Promise.resolve();
}

const formType = 'application/x-www-form-urlencoded';

/**
 * A form's `payload` holds an interaction's JSON; a form without one is a slash command's fields (copied into a
 * plain object by the shape check, not here).
 */
function parseBody(raw: string, form: ReturnType<typeof parseForm> | undefined, contentType: string | undefined) {
  if (form) return 'payload' in form ? (JSON.parse(String(form.payload)) as unknown) : form;
  if (contentType?.startsWith('application/json')) return JSON.parse(raw) as unknown;
  throw new Error(`unsupported content type ${contentType ?? '(none)'}`);
}

function isVerified(req: IncomingMessage, raw: string, signingSecret: string): boolean {
  const signature = header(req, 'x-slack-signature');
  const timestamp = header(req, 'x-slack-request-timestamp');
  if (!signature || !timestamp) return false;
  try {
    // Bolt's own check: v0 HMAC of the raw body, timestamp no older than five minutes.
    verifySlackRequest({
      signingSecret,
      body: raw,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Banto's receiver for POST /slack/events. It does what Bolt's HTTPReceiver
 * does (read the body within a limit, verify the signature, answer ssl_check
 * and url_verification) and, before Bolt sees anything, parses the body once
 * and checks its shape: a body that is not what Slack sends gets a fast 400
 * and runs nothing. Bolt's HTTPReceiver ends the process on some of those
 * (`payload=null`) and leaves others to its 3-s timeout.
 */
export class HttpEdge implements Receiver {
  private app: App | undefined;

  constructor(private readonly options: HttpEdgeOptions) {}

  init(app: App): void {
    this.app = app;
  }

  // Banto's own HTTP server listens; this receiver only handles its route.
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  readonly requestListener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((error: unknown) => {
      this.options.logger.error({ err: error }, 'slack request failed');
      if (!res.headersSent) refuse(res, 500, 'internal_error');
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const { logger, signingSecret, bodyLimitBytes } = this.options;
    let raw: string;
    try {
      raw = await getRawBody(req, { limit: bodyLimitBytes, length: req.headers['content-length'], encoding: 'utf8' });
    } catch (error) {
      const tooLarge = (error as { type?: string }).type === 'entity.too.large';
      return refuse(res, tooLarge ? 413 : 400, tooLarge ? 'body_too_large' : 'unreadable_body');
    }
    const contentType = header(req, 'content-type');
    const form = contentType?.startsWith(formType) ? parseForm(raw) : undefined;
    // Slack checks the certificate with an unsigned ssl_check; it carries nothing to run.
    if (form?.ssl_check === '1') return answer(res, undefined);
    if (!isVerified(req, raw, signingSecret)) {
      logger.warn('a request to /slack/events failed signature verification');
      return refuse(res, 401, 'invalid_signature');
    }
    let body: unknown;
    try {
      body = parseBody(raw, form, contentType);
    } catch (error) {
      return refuse(res, 400, 'malformed_body', (error as Error).message);
    }
    const checked = checkSlackBody(body);
    if (!checked.ok) {
      logger.warn({ reason: checked.reason }, 'a signed request that is not what Slack sends; refused');
      return refuse(res, 400, 'invalid_slack_request', checked.reason);
    }
    const slackBody = checked.body as ReceiverEvent['body'];
    if (checked.kind === 'url_verification') return answer(res, { challenge: slackBody.challenge });
    if (!this.app) return refuse(res, 503, 'not_ready');
    const retryNum = header(req, 'x-slack-retry-num');
    const event: ReceiverEvent = {
      body: slackBody,
      ack: (response?: unknown) => answer(res, response),
      retryNum: retryNum === undefined ? undefined : Number(retryNum),
      retryReason: header(req, 'x-slack-retry-reason'),
      customProperties: { receivedAt },
    };
    await deliverToBolt(this.app, event, checked.kind, this.options);
  }
}
