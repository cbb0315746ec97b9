import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderTemplateList } from '../../views/mail.js';
import type { ListenerDeps } from '../deps.js';

/** `/banto templates`: every template with its newest version's state; drafts carry a "Review" button for executives. */
export function createTemplatesCommand({ mail, locale }: ListenerDeps) {
  return async ({ ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    await respond({ response_type: 'ephemeral', ...renderTemplateList(await mail.templates(), locale) });
  };
}
