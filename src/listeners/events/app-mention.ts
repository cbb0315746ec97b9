import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { renderMentionReply } from '../../views/help.js';
import type { ListenerDeps } from '../deps.js';

/** "@banto …" in a channel: a short pointer to the commands, in the thread. */
export function createAppMentionListener({ locale }: ListenerDeps) {
  return async ({ event, client }: SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs) => {
    await client.chat.postMessage({
      channel: event.channel,
      thread_ts: event.thread_ts ?? event.ts,
      ...renderMentionReply(locale),
    });
  };
}
