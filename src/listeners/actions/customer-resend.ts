import { mailMessages } from '../../views/mail-messages.js';
import { renderResendConfirm } from '../../views/mail.js';
import { noticeModal } from '../../views/message.js';
import type { Handler, HandlerDeps } from '../define.js';
import { decimalId, readInput } from '../inputs.js';

/**
 * "Resend" beside a mail in the lookup: the resend flow's confirmation, pushed over the lookup. Only the looked-up
 * customer's own mail can be resent from there, whatever the button's value says.
 */
export function createCustomerResendAction({ customers, mail, locale }: HandlerDeps): Handler<'action', 'later'> {
  return async ({ action, body, client, context }) => {
    const mailId = readInput(decimalId, action.type === 'button' ? action.value : undefined, 'the mail id');
    const customerId = readInput(decimalId, body.view?.private_metadata, 'the customer of the modal');
    const customer = await customers.find(String(customerId));
    const chosen = await mail.find(mailId);
    const own = customer && chosen && (chosen.userId === customer.id || chosen.to === customer.email);
    context.auditResult = own ? `customer ${customerId}: mail #${mailId}` : `customer ${customerId}: not their mail`;
    const view =
      own && customer
        ? renderResendConfirm(customer, chosen, locale)
        : noticeModal(mailMessages(locale).resendTitle, mailMessages(locale).pickLabel);
    await client.views.push({ trigger_id: body.trigger_id, view });
  };
}
