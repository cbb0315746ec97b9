import type { KnownBlock, View } from '@slack/types';

/** A message as Banto sends it: blocks plus the plain text Slack shows in notifications. */
export interface MessageView {
  text: string;
  blocks: KnownBlock[];
}

export function sectionBlock(markdown: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: markdown } };
}

export function headerBlock(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: text.slice(0, 150), emoji: true } };
}

/** A modal that only says something (a refusal, a result, an error), with a close button. */
export function noticeModal(title: string, markdown: string): View {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: title.slice(0, 24) },
    close: { type: 'plain_text', text: '閉じる / Close' },
    blocks: [sectionBlock(markdown)],
  };
}
