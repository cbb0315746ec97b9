import { z } from 'zod';
import { errorCode } from '../../errors.js';
import { mailMessages } from '../../views/mail-messages.js';
import { renderResendConfirm, renderResendPick } from '../../views/mail.js';
import { noticeModal } from '../../views/message.js';
import type { Handler, HandlerArgs, HandlerDeps } from '../define.js';
import { decimalId, readInput, readJsonInput, textValue } from '../inputs.js';

const customerMetadata = z.object({ id: z.string(), email: z.string(), name: z.string() });

type Args = HandlerArgs<'view', 'ack'>;
const audit = (args: Args, result: string) => (args.context.auditResult = result);

/** Step 1: the clerk typed an address or a user id; the modal moves on to that customer's mail. */
export function createResendFindView({ mail, locale, clock }: HandlerDeps): Handler<'view', 'ack'> {
  const m = mailMessages(locale);
  return async (args) => {
    const typed = readInput(textValue, args.view.state.values.customer?.query?.value, 'the customer query');
    const query = typed?.trim() ?? '';
    const customer = await mail.findCustomer(query);
    audit(args, customer ? `customer ${customer.id}` : 'not found');
    if (!customer) return args.ack({ response_action: 'errors', errors: { customer: m.notFound(query) } });
    await args.ack({
      response_action: 'update',
      view: renderResendPick(
        customer,
        await mail.recentOf({ userId: customer.id, email: customer.email }, 10),
        locale,
        clock.zone,
      ),
    });
  };
}

/** Step 2: one mail chosen; the modal asks to confirm. */
export function createResendPickView({ mail, locale }: HandlerDeps): Handler<'view', 'ack'> {
  const m = mailMessages(locale);
  return async (args) => {
    const id = Number(args.view.state.values.mail?.id?.selected_option?.value ?? NaN);
    const customer = readJsonInput(customerMetadata, args.view.private_metadata, 'the customer of the modal');
    const chosen = Number.isFinite(id) ? await mail.find(id) : undefined;
    // Only the customer's own mail can be picked, whatever the submission says.
    if (!chosen || (chosen.userId !== customer.id && chosen.to !== customer.email)) {
      audit(args, 'no mail chosen');
      return args.ack({ response_action: 'errors', errors: { mail: m.pickLabel } });
    }
    audit(args, `mail #${chosen.id}`);
    await args.ack({ response_action: 'update', view: renderResendConfirm(customer, chosen, locale) });
  };
}

/** Step 3: confirmed; a new message linked to the original is queued and the modal shows its number. */
export function createResendConfirmView({ mail, locale }: HandlerDeps): Handler<'view', 'ack'> {
  const m = mailMessages(locale);
  return async (args) => {
    const original = readInput(decimalId, args.view.private_metadata, 'the mail of the modal');
    try {
      const id = await mail.resend(original, args.body.user.id);
      audit(args, `resend #${id} of #${original}`);
      await args.ack({ response_action: 'update', view: noticeModal(m.resendTitle, m.resendQueued(id, original)) });
    } catch (error) {
      audit(args, errorCode(error));
      await args.ack({
        response_action: 'update',
        view: noticeModal(m.resendTitle, m.refusedBecause(errorCode(error))),
      });
    }
  };
}
