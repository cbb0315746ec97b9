import { performance } from 'node:perf_hooks';
import { App, SocketModeReceiver, webApi, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import type { RequestListener } from 'node:http';
import type { DeliverOptions } from './edge/deliver.js';
import { GuardedReceiver } from './edge/guarded-receiver.js';
import { HttpEdge } from './edge/http-receiver.js';

/** Where Slack's requests reach Banto: signed POSTs to /slack/events, or envelopes over a Socket Mode WebSocket. */
export type Receiving = 'http' | 'socket';

/** Socket Mode's link to Slack, for /healthz: `disconnected` until the first hello and while reconnecting. */
export type SocketState = 'connected' | 'disconnected';

/** How Socket Mode waits: for a pong (a reconnect after a drop waits this long too), and between tries of apps.connections.open. */
export interface SocketTimings {
  clientPingTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

/** Slack's own ping timeout; the wait between tries doubles from 0.5 s to 30 s for as long as Slack is away. */
export const slackSocketTimings: SocketTimings = {
  clientPingTimeoutMs: 5000,
  reconnectMinMs: 500,
  reconnectMaxMs: 30_000,
};

export interface BoltSetup {
  app: App;
  /** HTTP receiving: the handler for POST /slack/events (signature verification on). */
  slackEvents?: RequestListener;
  /** Socket Mode receiving: the state of the link to Slack. */
  socketState?: () => SocketState;
  botUserId: string | undefined;
}

export interface BoltOptions {
  receiving: Receiving;
  botToken: string;
  appToken?: string | undefined;
  signingSecret?: string | undefined;
  apiUrl?: string | undefined;
  logger: Logger;
  slackLogger: SlackLogger;
  socketTimings?: SocketTimings | undefined;
  /** What the edge answers for a request no handler answered in time. */
  unanswered: DeliverOptions['unanswered'];
}

/**
 * Slack shows an error at 3 s; the edge answers for a handler that has not by
 * then, leaving room for the answer's way back.
 */
const ackDeadlineMs = 2500;
/** Slack's largest bodies (a modal's full state) are a few hundred kB. */
const bodyLimitBytes = 1024 * 1024;

/**
 * Retries a little, then gives up: the client's default retries for about half an hour and pauses its whole
 * queue on a 429, which helps nobody. Each call gives up after 10 s.
 */
const webApiPolicy = { timeout: 10_000, retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2000 } };

/**
 * Socket Mode's own client (apps.connections.open) gets its own options: with
 * the short policy above it would give up while Slack is away for a few
 * seconds, and its rejection would end the process. Instead it tries for as
 * long as Slack is away, each wait twice the last, up to a ceiling.
 */
const socketModePolicy = (t: SocketTimings) => ({
  timeout: 10_000,
  retryConfig: {
    forever: true,
    factor: 2,
    minTimeout: t.reconnectMinMs,
    maxTimeout: t.reconnectMaxMs,
    randomize: true,
  },
});

/**
 * Learns the bot's own ids once at start, so Bolt never has to call auth.test
 * on the path of an incoming request; if Slack does not answer, Banto still
 * starts and handles requests.
 */
async function resolveBotIdentity(clientOptions: webApi.WebClientOptions, token: string, logger: Logger) {
  try {
    const result = await new webApi.WebClient(token, { ...clientOptions, retryConfig: { retries: 1 } }).auth.test();
    return { botId: result.bot_id ?? 'B_UNKNOWN', botUserId: result.user_id ?? 'U_UNKNOWN' };
  } catch (error) {
    logger.warn({ err: error }, 'auth.test failed; starting without the bot identity');
    return { botId: 'B_UNKNOWN', botUserId: 'U_UNKNOWN' };
  }
}

// The moment the envelope arrived, so the audit row's latency includes parsing (HTTP's edge sets its own).
const customPropertiesExtractor = () => ({ receivedAt: performance.now() });

function createSocketModeReceiver(options: BoltOptions, apiUrl: { slackApiUrl?: string }, edge: DeliverOptions) {
  if (!options.appToken) throw new Error('an app-level token is required for Socket Mode');
  const timings = options.socketTimings ?? slackSocketTimings;
  const receiver = new SocketModeReceiver({
    appToken: options.appToken,
    logger: options.slackLogger,
    clientPingTimeout: timings.clientPingTimeoutMs,
    customPropertiesExtractor,
    installerOptions: { clientOptions: { ...socketModePolicy(timings), ...apiUrl } },
  });
  let state: SocketState = 'disconnected';
  receiver.client.on('connected', () => (state = 'connected'));
  for (const down of ['close', 'reconnecting', 'disconnected'])
    receiver.client.on(down, () => (state = 'disconnected'));
  return { receiver: new GuardedReceiver(receiver, edge), socketState: () => state };
}

export async function createBolt(options: BoltOptions): Promise<BoltSetup> {
  const { botToken, logger, slackLogger } = options;
  const apiUrl = options.apiUrl ? { slackApiUrl: options.apiUrl } : {};
  const clientOptions: webApi.WebClientOptions = { ...webApiPolicy, logger: slackLogger, ...apiUrl };
  const identity = await resolveBotIdentity(clientOptions, botToken, logger);
  // Banto keeps no per-conversation state in Bolt: without the store, each request skips a lookup and a write.
  const common = { token: botToken, ...identity, logger: slackLogger, clientOptions, convoStore: false as const };
  const edge: DeliverOptions = { logger, ackDeadlineMs, unanswered: options.unanswered };

  if (options.receiving === 'socket') {
    const { receiver, socketState } = createSocketModeReceiver(options, apiUrl, edge);
    return { app: new App({ ...common, receiver }), socketState, botUserId: identity.botUserId };
  }
  if (!options.signingSecret) throw new Error('a signing secret is required in HTTP mode');
  const receiver = new HttpEdge({ ...edge, signingSecret: options.signingSecret, bodyLimitBytes });
  const app = new App({ ...common, receiver });
  return { app, slackEvents: receiver.requestListener, botUserId: identity.botUserId };
}
