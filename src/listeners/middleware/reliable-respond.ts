import type { RespondArguments, RespondFn, webApi } from '@slack/bolt';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';

/** How an answer reached the person, for the audit row. */
export type AnswerRoute = 'response_url' | 'chat.postMessage' | 'chat.postEphemeral' | 'dm' | 'lost';

/**
 * response_url: three tries, each given up after 5 s, 250 ms and then 1 s
 * apart; a 4xx other than 429 is not tried again (the URL expired or was
 * refused). Then the Web API, whose own client has its stated policy.
 */
export const respondPolicy = { attempts: 3, timeoutMs: 5000, backoffMs: [250, 1000] } as const;

export interface ReliableRespondDeps {
  responseUrl: string | undefined;
  client: webApi.WebClient;
  userId: string;
  channelId: string | undefined;
  logger: Logger;
  /** Called once per answer that did not go by response_url (or went nowhere). */
  onRoute(route: AnswerRoute): void;
  policy?: { attempts: number; timeoutMs: number; backoffMs: readonly number[] };
}

async function postToResponseUrl(url: string, message: RespondArguments, deps: ReliableRespondDeps): Promise<boolean> {
  const policy = deps.policy ?? respondPolicy;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let status: number | string;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      if (response.ok) return true;
      status = response.status;
    } catch (error) {
      status = (error as Error).name;
    }
    const final = attempt === policy.attempts || (typeof status === 'number' && status < 500 && status !== 429);
    deps.logger.warn({ status, attempt, final }, 'response_url failed');
    if (final) return false;
    await delay(policy.backoffMs[attempt - 1] ?? policy.backoffMs.at(-1) ?? 0);
  }
  return false;
}

const responseUrlOnly = new Set(['response_type', 'replace_original', 'delete_original']);

/** The message without the response_url-only fields, for chat.postMessage and chat.postEphemeral. */
function asChatMessage(message: RespondArguments): { text?: string } {
  return Object.fromEntries(Object.entries(message).filter(([key]) => !responseUrlOnly.has(key)));
}

/**
 * A `respond` that gets the answer to the person: response_url with retries,
 * then the same message through the Web API: to the channel for an in-channel
 * answer, privately in the channel for an ephemeral one, and as a direct
 * message when neither works (a channel the bot is not in, or none at all).
 */
export function createReliableRespond(deps: ReliableRespondDeps): RespondFn {
  return (async (input: string | RespondArguments) => {
    const message: RespondArguments = typeof input === 'string' ? { text: input } : input;
    if (deps.responseUrl && (await postToResponseUrl(deps.responseUrl, message, deps))) return undefined;
    const { client, userId, channelId } = deps;
    const chat = { text: '', ...asChatMessage(message) };
    const tries: [AnswerRoute, () => Promise<unknown>][] = [];
    if (channelId && message.response_type === 'in_channel')
      tries.push(['chat.postMessage', () => client.chat.postMessage({ ...chat, channel: channelId })]);
    if (channelId)
      tries.push([
        'chat.postEphemeral',
        () => client.chat.postEphemeral({ ...chat, channel: channelId, user: userId }),
      ]);
    tries.push(['dm', () => client.chat.postMessage({ ...chat, channel: userId })]);
    for (const [route, send] of tries) {
      try {
        await send();
        deps.onRoute(route);
        return undefined;
      } catch (error) {
        deps.logger.warn({ err: error, route }, 'could not deliver an answer this way');
      }
    }
    deps.onRoute('lost');
    throw Object.assign(new Error('the answer could not be delivered by any route'), { code: 'ANSWER_LOST' });
  }) as unknown as RespondFn;
}
