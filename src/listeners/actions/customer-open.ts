import { openCustomer } from '../customer-lookup.js';
import type { Handler, HandlerDeps } from '../define.js';
import { decimalId, readInput } from '../inputs.js';

/** "Open" in the pick list: the modal becomes that customer's records. */
export function createCustomerOpenAction(deps: HandlerDeps): Handler<'action', 'later'> {
  return async ({ action, body, client, context }) => {
    const id = readInput(decimalId, action.type === 'button' ? action.value : undefined, 'the customer id');
    const view = await openCustomer(deps, String(id), context);
    await client.views.update({ view_id: body.view?.id ?? '', hash: body.view?.hash, view });
  };
}
