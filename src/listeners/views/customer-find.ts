import { openCustomerSearch } from '../customer-lookup.js';
import type { Handler, HandlerDeps } from '../define.js';
import { readInput, textValue } from '../inputs.js';

/** The search box submitted: the modal becomes the customer, or a pick list, or says why not. */
export function createCustomerFindView(deps: HandlerDeps): Handler<'view', 'ack'> {
  return async ({ ack, view, context }) => {
    const query = readInput(textValue, view.state.values.customer?.query?.value, 'the customer query') ?? '';
    await ack({ response_action: 'update', view: await openCustomerSearch(deps, query, context) });
  };
}
