import { performance } from 'node:perf_hooks';
import { App, SocketModeReceiver, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import type { RequestListener } from 'node:http';
import type { DeliverOptions } from './edge/deliver.js';
import { GuardedReceiver } from './edge/guarded-receiver.js';
import { HttpEdge } from './edge/http-receiver.js';
import { resolveBotIdentity, socketModeClientOptions, webClientOptions, type SocketTimings } from './slack-client.js';

export type { SocketTimings } from './slack-client.js';

/** Where Slack's requests reach Banto: signed POSTs to /slack/events, or envelopes over a Socket Mode WebSocket. */
export type Receiving = 'http' | 'socket';

/** Socket Mode's link to Slack, for /healthz: `disconnected` until the first hello and while reconnecting. */
export type SocketState = 'connected' | 'disconnected';

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

// The moment the envelope arrived, so the audit row's latency includes parsing (HTTP's edge sets its own).
const customPropertiesExtractor = () => ({ receivedAt: performance.now() });

function createSocketModeReceiver(options: BoltOptions, edge: DeliverOptions) {
  if (!options.appToken) throw new Error('an app-level token is required for Socket Mode');
  const timings = options.socketTimings ?? slackSocketTimings;
  const receiver = new SocketModeReceiver({
    appToken: options.appToken,
    logger: options.slackLogger,
    clientPingTimeout: timings.clientPingTimeoutMs,
    customPropertiesExtractor,
    installerOptions: { clientOptions: socketModeClientOptions(timings, { apiUrl: options.apiUrl }) },
    // The guard in front (edge/deliver.ts) catches every error and acks; should one still arrive here, log it
    // and ack the envelope, so Slack does not send it again.
    processEventErrorHandler: async ({ error }) => {
      edge.logger.error({ err: error }, 'an envelope failed outside the edge; acknowledged');
      return true;
    },
  });
  let state: SocketState = 'disconnected';
  receiver.client.on('connected', () => (state = 'connected'));
  for (const down of ['close', 'reconnecting', 'disconnected'])
    receiver.client.on(down, () => (state = 'disconnected'));
  return { receiver: new GuardedReceiver(receiver, edge), socketState: () => state };
}

export async function createBolt(options: BoltOptions): Promise<BoltSetup> {
  const { botToken, logger, slackLogger } = options;
  const clientOptions = webClientOptions({ apiUrl: options.apiUrl, logger: slackLogger });
  const identity = await resolveBotIdentity(botToken, { apiUrl: options.apiUrl, logger: slackLogger }, logger);
  // Banto keeps no per-conversation state in Bolt: without the store, each request skips a lookup and a write.
  const common = { token: botToken, ...identity, logger: slackLogger, clientOptions, convoStore: false as const };
  const edge: DeliverOptions = { logger, ackDeadlineMs, unanswered: options.unanswered };

  if (options.receiving === 'socket') {
    const { receiver, socketState } = createSocketModeReceiver(options, edge);
    return { app: new App({ ...common, receiver }), socketState, botUserId: identity.botUserId };
  }
  if (!options.signingSecret) throw new Error('a signing secret is required in HTTP mode');
  const receiver = new HttpEdge({ ...edge, signingSecret: options.signingSecret, bodyLimitBytes });
  const app = new App({ ...common, receiver });
  return { app, slackEvents: receiver.requestListener, botUserId: identity.botUserId };
}
