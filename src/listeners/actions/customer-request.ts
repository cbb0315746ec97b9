import type { HelpRequestKind } from '../../services/requests/index.js';
import { customerMessages } from '../../views/customer-messages.js';
import { noticeModal } from '../../views/message.js';
import { renderRequestForm } from '../../views/requests.js';
import type { Handler, HandlerDeps } from '../define.js';
import { decimalId, readInput } from '../inputs.js';

/** "Request a refund" / "Request cancellation" under a customer's records: the form, over the lookup. */
export function createCustomerRequestAction(
  { customers, locale }: HandlerDeps,
  kind: HelpRequestKind,
): Handler<'action', 'later'> {
  return async ({ action, body, client, context }) => {
    const customerId = readInput(decimalId, action.type === 'button' ? action.value : undefined, 'the customer id');
    const found = await customers.lookup(String(customerId));
    context.auditResult = found ? `customer ${customerId}: ${kind} form` : `customer ${customerId}: not found`;
    const m = customerMessages(locale);
    const view = found
      ? renderRequestForm(found.record, kind, locale)
      : noticeModal(m.title, m.notFound(String(customerId)));
    await client.views.push({ trigger_id: body.trigger_id, view });
  };
}
