import { openCustomerSearch } from '../customer-lookup.js';
import type { Handler, HandlerDeps } from '../define.js';

/** `/customer EMAIL|USER_ID|NAME`: the customer's records in a modal, a pick list for several, a search box for none. */
export function createCustomerCommand(deps: HandlerDeps): Handler<'command', 'later'> {
  return async ({ command, client, context }) => {
    const view = await openCustomerSearch(deps, command.text, context);
    await client.views.open({ trigger_id: command.trigger_id, view });
  };
}
