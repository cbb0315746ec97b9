import type { webApi } from '@slack/bolt';
import type { Notifier } from '../services/alerts/alerts.js';

/** Alerts go to the alerts channel and @mention the on-call user group, so only the people on call are paged. */
export function createSlackNotifier({ client, alertsChannel, oncallUsergroup }: { client: webApi.WebClient; alertsChannel: string; oncallUsergroup?: string | undefined }): Notifier {
  const mention = oncallUsergroup ? `<!subteam^${oncallUsergroup}> ` : '';
  return {
    async postAlert(text) {
      const posted = await client.chat.postMessage({ channel: alertsChannel, text: `${mention}${text}`, unfurl_links: false });
      return { channelId: String(posted.channel ?? alertsChannel), ts: String(posted.ts) };
    },
    async postReply(channelId, threadTs, text) {
      await client.chat.postMessage({ channel: channelId, thread_ts: threadTs, text });
    },
  };
}
