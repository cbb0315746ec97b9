import type { DateTime } from 'luxon';

/** Posting to a channel without knowing Slack (the Slack side is src/notifier/slack.ts). */
export interface Publisher {
  /** Resolves with the message's ts, the id a later step (or a retry) can refer to. */
  post(
    channelId: string,
    message: { text: string; blocks: unknown[] },
    options?: { key?: string },
  ): Promise<{ ts: string }>;
  /**
   * The ts of a message posted with `key` to the channel since `since`, if Slack has one: how a post whose sender
   * died before recording it is found instead of being posted again.
   */
  findPosted?(channelId: string, key: string, since: DateTime): Promise<string | undefined>;
  upload(channelId: string, file: { filename: string; title: string; data: Buffer }): Promise<{ fileId: string }>;
}
