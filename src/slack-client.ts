import { webApi, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * Every Web API client Banto makes is built here, with its limits stated:
 * the app's (through Bolt's clientOptions), the CLI's and Socket Mode's.
 *
 * Ordinary calls retry a little, then give up: the library's default retries
 * for about half an hour and pauses its whole queue on a 429, which helps
 * nobody. Each call gives up after 10 s; it is tried 4 times in all, 200 ms,
 * 400 ms and 800 ms apart, or after the Retry-After Slack gave with a 429.
 */
const webApiPolicy = {
  timeout: 10_000,
  rejectRateLimitedCalls: false,
  retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2000 },
} as const;

export interface SlackClientOptions {
  /** Slack's Web API base URL (the emulator's in local mode and tests). */
  apiUrl?: string | undefined;
  logger?: SlackLogger | undefined;
}

/** The options of an ordinary Web API client: Bolt builds the app's client from these. */
export function webClientOptions({ apiUrl, logger }: SlackClientOptions): webApi.WebClientOptions {
  return { ...webApiPolicy, ...(logger ? { logger } : {}), ...(apiUrl ? { slackApiUrl: apiUrl } : {}) };
}

export function createWebClient(token: string, options: SlackClientOptions): webApi.WebClient {
  return new webApi.WebClient(token, webClientOptions(options));
}

/** How Socket Mode waits: for a pong (a reconnect after a drop waits this long too), and between tries of apps.connections.open. */
export interface SocketTimings {
  clientPingTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

/**
 * Socket Mode's own client (apps.connections.open) has its own policy: with
 * the short one above it would give up while Slack is away for a few seconds,
 * and its rejection would end the process. It tries for as long as Slack is
 * away instead, each wait twice the last, up to a ceiling.
 */
export function socketModeClientOptions(t: SocketTimings, { apiUrl }: SlackClientOptions): webApi.WebClientOptions {
  return {
    timeout: 10_000,
    retryConfig: {
      forever: true,
      factor: 2,
      minTimeout: t.reconnectMinMs,
      maxTimeout: t.reconnectMaxMs,
      randomize: true,
    },
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
  };
}

export interface BotIdentity {
  botId: string;
  botUserId: string;
}

/**
 * The bot's own ids, learnt once with auth.test (one retry), so no request
 * path has to ask and the billing-channel guard knows the bot is no outsider.
 * If Slack does not answer, Banto goes on without them.
 */
export async function resolveBotIdentity(
  token: string,
  options: SlackClientOptions,
  logger: Logger,
): Promise<BotIdentity> {
  try {
    const client = new webApi.WebClient(token, { ...webClientOptions(options), retryConfig: { retries: 1 } });
    const result = await client.auth.test();
    return { botId: result.bot_id ?? 'B_UNKNOWN', botUserId: result.user_id ?? 'U_UNKNOWN' };
  } catch (error) {
    logger.warn({ err: error }, 'auth.test failed; going on without the bot identity');
    return { botId: 'B_UNKNOWN', botUserId: 'U_UNKNOWN' };
  }
}
