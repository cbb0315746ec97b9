import { performance } from 'node:perf_hooks';
import { App, HTTPReceiver, webApi, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import type { RequestListener } from 'node:http';
import type { SlackMode } from './config.js';

export interface BoltSetup {
  app: App;
  /** Present in HTTP and local mode: the handler for POST /slack/events (signature verification on). */
  slackEvents?: RequestListener;
  botUserId: string | undefined;
}

export interface BoltOptions {
  mode: SlackMode;
  botToken: string;
  appToken?: string | undefined;
  signingSecret?: string | undefined;
  apiUrl?: string | undefined;
  logger: Logger;
  slackLogger: SlackLogger;
}

/** Retries a little, then gives up: a queue paused for half an hour helps nobody (NOTES.md). */
const retryConfig = { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2000 };

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

export async function createBolt(options: BoltOptions): Promise<BoltSetup> {
  const { mode, botToken, logger, slackLogger } = options;
  const clientOptions: webApi.WebClientOptions = { retryConfig, logger: slackLogger, ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}) };
  const identity = await resolveBotIdentity(clientOptions, botToken, logger);
  // Banto keeps no per-conversation state in Bolt: without the store, each request skips a lookup and a write.
  const common = { token: botToken, ...identity, logger: slackLogger, clientOptions, convoStore: false as const };

  if (mode === 'socket') {
    const app = new App({ ...common, appToken: options.appToken, socketMode: true });
    return { app, botUserId: identity.botUserId };
  }
  if (!options.signingSecret) throw new Error('a signing secret is required in HTTP and local mode');
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: '/slack/events',
    logger: slackLogger,
    // The moment the request arrived, so the audit row's latency includes parsing and verification.
    customPropertiesExtractor: () => ({ receivedAt: performance.now() }),
  });
  const app = new App({ ...common, receiver });
  return { app, slackEvents: receiver.requestListener, botUserId: identity.botUserId };
}
