/** Posting to a channel without knowing Slack (the Slack side is src/notifier/slack.ts). */
export interface Publisher {
  /** Resolves with the message's ts, the id a later step (or a retry) can refer to. */
  post(channelId: string, message: { text: string; blocks: unknown[] }): Promise<{ ts: string }>;
  upload(channelId: string, file: { filename: string; title: string; data: Buffer }): Promise<{ fileId: string }>;
}
