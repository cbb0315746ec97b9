import { renderCustomerFind } from '../../views/customers.js';
import type { Handler, HandlerDeps } from '../define.js';

/** "Look a customer up" on the Home tab: the lookup's search box. */
export function createHomeCustomerSearchAction({ locale }: HandlerDeps): Handler<'action', 'later'> {
  return async ({ body, client }) => {
    await client.views.open({ trigger_id: body.trigger_id, view: renderCustomerFind(locale) });
  };
}
