import { renderTemplateList } from '../../views/mail.js';
import type { Handler, HandlerDeps } from '../define.js';

/** `/banto templates`: every template with its newest version's state; drafts carry a "Review" button for executives. */
export function createTemplatesCommand({ mail, locale }: HandlerDeps): Handler<'command', 'later'> {
  return async ({ respond }) => {
    await respond({ response_type: 'ephemeral', ...renderTemplateList(await mail.templates(), locale) });
  };
}
