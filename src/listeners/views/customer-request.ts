import { z } from 'zod';
import { BantoError } from '../../errors.js';
import { noticeModal } from '../../views/message.js';
import { requestMessages } from '../../views/request-messages.js';
import type { Handler, HandlerDeps } from '../define.js';
import { readInput, readJsonInput, textValue } from '../inputs.js';
import { postHelpRequests } from '../request-post.js';

const metadata = z.object({ customerId: z.string().regex(/^\d{1,18}$/), kind: z.enum(['refund', 'cancel']) });
const optionValue = z
  .string()
  .regex(/^\d{1,18}$/)
  .nullish();

/**
 * The request form sent: recorded, the modal says so at once, then the request is posted to the billing channel
 * (only while that channel passes the billing guard) with Approve and Reject for accounting.
 */
export function createCustomerRequestView(deps: HandlerDeps): Handler<'view', 'ack'> {
  const { requests, locale } = deps;
  const m = requestMessages(locale);
  return async ({ ack, view, body, client, context }) => {
    const { customerId, kind } = readJsonInput(metadata, view.private_metadata, 'the request form');
    const target = readInput(optionValue, view.state.values.target?.id?.selected_option?.value, 'the request target');
    const reason = readInput(textValue, view.state.values.reason?.text?.value, 'the reason') ?? '';
    let request;
    try {
      request = await requests.create({ kind, customerId, targetId: target ?? '', reason, requestedBy: body.user.id });
    } catch (error) {
      if (!(error instanceof BantoError) || !['INVALID_INPUT', 'REQUEST_TARGET'].includes(error.code)) throw error;
      context.auditResult = error.code;
      const errors: Record<string, string> =
        error.code === 'INVALID_INPUT' ? { reason: m.badReason } : { target: m.badTarget };
      return ack({ response_action: 'errors', errors });
    }
    context.auditResult = `request #${request.id}: ${kind} of ${request.targetId} for customer ${customerId}`;
    await ack({ response_action: 'update', view: noticeModal(m.modalTitle(m.kind[kind]), m.sent(request.id)) });
    // Posted now if it can be; if not, `post-help-requests` posts it within a minute, and the requester is told.
    if ((await postHelpRequests(deps, client, request.id)) === 0)
      await client.chat.postMessage({ channel: body.user.id, text: m.notPosted(request.id) });
  };
}
