import type { KnownBlock, View } from '@slack/types';
import { clip, fitToSlack, slackLimits } from './slack-limits.js';

/** A message as Banto sends it: blocks plus the plain text Slack shows in notifications. */
export interface MessageView {
  text: string;
  blocks: KnownBlock[];
}

/** A message, cut to Slack's limits: every renderer that returns one ends here. */
export function messageView(text: string, blocks: KnownBlock[]): MessageView {
  return fitToSlack({ text, blocks });
}

export function sectionBlock(markdown: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(markdown, slackLimits.sectionText) } };
}

export function headerBlock(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, slackLimits.headerText), emoji: true } };
}

/** The box a customer is searched by (resend and lookup both read `customer.query`). */
export function customerQueryInput(label: string, query = ''): KnownBlock {
  return {
    type: 'input',
    block_id: 'customer',
    label: { type: 'plain_text', text: label },
    element: { type: 'plain_text_input', action_id: 'query', ...(query ? { initial_value: query } : {}) },
  };
}

/** A modal that only says something (a refusal, a result, an error), with a close button. */
export function noticeModal(title: string, markdown: string): View {
  return fitToSlack<View>({
    type: 'modal',
    title: { type: 'plain_text', text: title },
    close: { type: 'plain_text', text: '閉じる / Close' },
    blocks: [sectionBlock(markdown)],
  });
}
