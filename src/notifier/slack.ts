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

/** Billing posts and chart uploads (files.uploadV2) to a channel. */
export function createSlackPublisher(client: webApi.WebClient): Publisher {
  return {
    async post(channelId, message) {
      const posted = await client.chat.postMessage({
        channel: channelId,
        text: message.text,
        blocks: message.blocks as never,
      });
      return { ts: posted.ts ?? '' };
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
