import type { Step } from '../../services/requests/index.js';
import { requestMessages } from '../../views/request-messages.js';
import { renderRequestPost } from '../../views/requests.js';
import type { Handler, HandlerDeps } from '../define.js';
import { publishHome } from '../home.js';
import { decimalId, readInput } from '../inputs.js';

type Move = 'approve' | 'reject' | 'done';

/**
 * Approve, Reject and Done on a request in the billing channel (accounting). Never by the requester; a second
 * press finds the request moved already and changes nothing. The post shows the new state, and the requester
 * hears it by DM.
 */
export function createRequestStepAction(deps: HandlerDeps, move: Move): Handler<'action', 'later'> {
  const { requests, customers, locale, clock } = deps;
  const m = requestMessages(locale);
  return async ({ action, body, client, respond, context }) => {
    const id = readInput(decimalId, action.type === 'button' ? action.value : undefined, 'the request id');
    const by = body.user.id;
    const step: Step = move === 'done' ? await requests.complete(id, by) : await requests.decide(id, by, move);
    const { request } = step;
    context.auditResult = `request #${id}: ${step.outcome === 'moved' ? request.state : step.outcome}`;
    if (step.outcome !== 'moved') {
      const text = step.outcome === 'own-request' ? m.ownRequest : m.already(m.state[request.state]);
      await respond({ response_type: 'ephemeral', replace_original: false, text });
      return;
    }
    const name = (await customers.find(request.customerId))?.name ?? request.customerId;
    if (request.channel && request.messageTs)
      await client.chat.update({
        channel: request.channel,
        ts: request.messageTs,
        ...renderRequestPost(request, name, locale, clock.zone),
      });
    await client.chat.postMessage({
      channel: request.requestedBy,
      text: m.told(request.id, m.kind[request.kind], m.state[request.state], by),
    });
    // The requester's Home lists their open requests: it shows the new state too.
    await publishHome(deps, client, request.requestedBy);
  };
}
