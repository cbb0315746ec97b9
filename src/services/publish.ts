/** Posting to a channel without knowing Slack (the Slack side is src/notifier/slack.ts). */
export interface Publisher {
  post(channelId: string, message: { text: string; blocks: unknown[] }): Promise<void>;
  upload(channelId: string, file: { filename: string; title: string; data: Buffer }): Promise<void>;
}
