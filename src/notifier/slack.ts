import type { webApi } from '@slack/bolt';
import type { Notifier } from '../services/alerts/alerts.js';
import type { Publisher } from '../services/publish.js';
import type { ChannelFacts } from '../services/access/channel-guard.js';

/** Alerts go to the alerts channel and @mention the on-call user group (and any group an alert names), so only the people concerned are paged. */
export function createSlackNotifier({
  client,
  alertsChannel,
  oncallUsergroup,
}: {
  client: webApi.WebClient;
  alertsChannel: string;
  oncallUsergroup?: string | undefined;
}): Notifier {
  const mentionOf = (alsoNotify: readonly string[]) =>
    [...new Set([...(oncallUsergroup ? [oncallUsergroup] : []), ...alsoNotify])]
      .map((g) => `<!subteam^${g}> `)
      .join('');
  return {
    async postAlert(text, alsoNotify = []) {
      const mention = mentionOf(alsoNotify);
      const posted = await client.chat.postMessage({
        channel: alertsChannel,
        text: `${mention}${text}`,
        unfurl_links: false,
      });
      return { channelId: String(posted.channel ?? alertsChannel), ts: String(posted.ts) };
    },
    async postReply(channelId, threadTs, text) {
      await client.chat.postMessage({ channel: channelId, thread_ts: threadTs, text });
    },
    async updateAlert(channelId, ts, text, alsoNotify = []) {
      await client.chat.update({ channel: channelId, ts, text: `${mentionOf(alsoNotify)}${text}` });
    },
  };
}

const postKeyEvent = 'banto_post';

/** Billing posts and chart uploads (files.uploadV2) to a channel. */
export function createSlackPublisher(client: webApi.WebClient): Publisher {
  return {
    async post(channelId, message, options = {}) {
      const posted = await client.chat.postMessage({
        channel: channelId,
        text: message.text,
        blocks: message.blocks as never,
        // The key travels with the message, so a later look at the channel can tell it was posted.
        ...(options.key ? { metadata: { event_type: postKeyEvent, event_payload: { key: options.key } } } : {}),
      });
      return { ts: posted.ts ?? '' };
    },
    async findPosted(channelId, key, since) {
      let cursor: string | undefined;
      // A few pages back from `since` at most: the post looked for is minutes old.
      for (let page = 0; page < 5; page++) {
        const history = await client.conversations.history({
          channel: channelId,
          oldest: String(Math.floor(since.toSeconds()) - 60),
          include_all_metadata: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        const found = history.messages?.find(
          (m) =>
            m.metadata?.event_type === postKeyEvent &&
            (m.metadata.event_payload as Record<string, unknown> | undefined)?.key === key,
        );
        if (found?.ts) return found.ts;
        cursor = history.response_metadata?.next_cursor;
        if (!history.has_more || !cursor) return undefined;
      }
      return undefined;
    },
    async upload(channelId, file) {
      const uploaded = (await client.files.uploadV2({
        channel_id: channelId,
        file: file.data,
        filename: file.filename,
        title: file.title,
      })) as { files?: { files?: { id?: string }[] }[] };
      return { fileId: uploaded.files?.[0]?.files?.[0]?.id ?? '' };
    },
  };
}

/** What the billing-channel guard needs to know of a channel (conversations.info and conversations.members). */
export function createSlackChannelReader(client: webApi.WebClient): (channelId: string) => Promise<ChannelFacts> {
  return async (channel) => {
    const info = await client.conversations.info({ channel });
    const members = await client.conversations.members({ channel, limit: 1000 });
    return { isPrivate: info.channel?.is_private === true, members: members.members ?? [] };
  };
}
