import type { CarryOut } from '../../services/requests/index.js';
import { requestMessages } from '../../views/request-messages.js';
import { renderRequestPost } from '../../views/requests.js';
import type { Handler, HandlerDeps } from '../define.js';
import { publishHome } from '../home.js';
import { decimalId, readInput } from '../inputs.js';

type Move = 'approve' | 'reject' | 'done' | 'carry-out';

/**
 * Approve, Reject, Done and "Carry out" on a request in the billing channel (accounting). Never by the requester; a
 * second press finds the request moved already and changes nothing. With a payment provider, an approval is
 * carried out through it at once; when the provider says no, the post says why and offers the same again. The post
 * shows the new state, and the requester hears the outcome by DM.
 */
export function createRequestStepAction(deps: HandlerDeps, move: Move): Handler<'action', 'later'> {
  const { requests, customers, locale, clock } = deps;
  const m = requestMessages(locale);
  return async ({ action, body, client, respond, context }) => {
    const id = readInput(decimalId, action.type === 'button' ? action.value : undefined, 'the request id');
    const by = body.user.id;
    let step: CarryOut =
      move === 'done'
        ? await requests.complete(id, by)
        : move === 'carry-out'
          ? await requests.carryOut(id, by)
          : await requests.decide(id, by, move);
    if (move === 'approve' && step.outcome === 'moved') {
      const carried = await requests.carryOut(id, by);
      if (carried.outcome !== 'manual') step = carried;
    }
    const { request } = step;
    context.auditResult = `request #${id}: ${step.outcome === 'moved' ? request.state : step.outcome === 'failed' ? `failed (${step.code})` : step.outcome}`;
    if (step.outcome === 'own-request' || step.outcome === 'already' || step.outcome === 'manual') {
      const text =
        step.outcome === 'own-request'
          ? m.ownRequest
          : step.outcome === 'manual'
            ? m.noProviderId
            : m.already(m.state[request.state]);
      await respond({ response_type: 'ephemeral', replace_original: false, text });
      return;
    }
    const name = (await customers.find(request.customerId))?.name ?? request.customerId;
    if (request.channel && request.messageTs)
      await client.chat.update({
        channel: request.channel,
        ts: request.messageTs,
        ...renderRequestPost(request, name, { locale, zone: clock.zone, provider: requests.providerConfigured }),
      });
    // A refusal by the provider is accounting's to handle (the post says why); the requester hears of decisions.
    if (step.outcome === 'failed' && move === 'carry-out') return;
    await client.chat.postMessage({
      channel: request.requestedBy,
      text: m.told(request.id, m.kind[request.kind], m.state[request.state], by),
    });
    // The requester's Home lists their open requests: it shows the new state too.
    await publishHome(deps, client, request.requestedBy);
  };
}
