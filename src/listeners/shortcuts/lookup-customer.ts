import { findCustomerReference } from '../../services/customers/index.js';
import { customerMessages } from '../../views/customer-messages.js';
import { renderCustomerFind } from '../../views/customers.js';
import { openCustomerSearch } from '../customer-lookup.js';
import type { Handler, HandlerDeps } from '../define.js';

/** "Look up customer" on a message: the first e-mail address or user id in it, looked up as `/customer` would. */
export function createLookupCustomerShortcut(deps: HandlerDeps): Handler<'shortcut', 'later'> {
  return async ({ shortcut, client, context }) => {
    const text = shortcut.type === 'message_action' ? (shortcut.message.text ?? '') : '';
    const reference = findCustomerReference(text);
    const view = reference
      ? await openCustomerSearch(deps, reference, context)
      : renderCustomerFind(deps.locale, '', customerMessages(deps.locale).noReference);
    if (!reference) context.auditResult = 'no reference in the message';
    await client.views.open({ trigger_id: shortcut.trigger_id, view });
  };
}
