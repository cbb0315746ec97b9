import { mailMessages } from '../../views/mail-messages.js';
import { renderBulkRequest, renderResendFind, renderResendPick } from '../../views/mail.js';
import type { Handler, HandlerDeps } from '../define.js';

/**
 * `/resend-mail [email or user id]` opens the resend modal, at the customer's
 * mail when the customer is found. `/resend-mail failed PERIOD` asks to resend
 * every mail that failed in the period: a message with an approval button that
 * only a second person may press.
 */
export function createResendMailCommand({ mail, payments, clock, locale }: HandlerDeps): Handler<'command', 'later'> {
  const m = mailMessages(locale);
  return async ({ command, client, respond, context: audit }) => {
    const text = command.text.trim();
    const bulk = /^failed(?:\s+(.*))?$/i.exec(text);
    if (bulk) {
      const parsed = payments.parsePeriod(bulk[1] ?? 'today');
      if ('problem' in parsed) {
        audit.auditResult = `usage: ${parsed.problem}`;
        await respond({ response_type: 'ephemeral', text: m.bulkUsage });
        return;
      }
      const { start: from, end: to, label } = parsed.period;
      const request = await mail.requestBulkResend({ requestedBy: command.user_id, from, to, label });
      audit.auditResult = `bulk #${request.id}: ${request.failedCount} failed`;
      if (request.failedCount === 0) {
        await respond({ response_type: 'ephemeral', text: m.bulkNone(label) });
        return;
      }
      await client.chat.postMessage({
        channel: command.channel_id,
        ...renderBulkRequest(request.id, command.user_id, request.failedCount, label, locale),
      });
      return;
    }
    const customer = text ? await mail.findCustomer(text) : undefined;
    audit.auditResult = customer ? `customer ${customer.id}` : text ? 'not found' : 'find';
    const view = customer
      ? renderResendPick(
          customer,
          await mail.recentOf({ userId: customer.id, email: customer.email }, 10),
          locale,
          clock.zone,
        )
      : renderResendFind(locale, text, text ? m.notFound(text) : undefined);
    await client.views.open({ trigger_id: command.trigger_id, view });
  };
}
