import type { View } from '@slack/types';
import type { RoleName } from '../config.js';
import { customerMessages } from '../views/customer-messages.js';
import { renderCustomerFind, renderCustomerPick, renderCustomerRecord } from '../views/customers.js';
import type { BantoContext, HandlerDeps } from './define.js';

/** Who may press Resend in a lookup: the roles of the resend flow it goes through. */
const resenders: readonly RoleName[] = ['clerk', 'accounting'];

/**
 * The modal for what was typed: the one customer's records, a pick list, or the search box with the reason. The
 * audit row's result names the customer looked at (`customer 123`), or how many matched.
 */
type LookupDeps = Pick<HandlerDeps, 'customers' | 'locale' | 'clock'>;

export async function openCustomerSearch(deps: LookupDeps, query: string, context: BantoContext): Promise<View> {
  const { customers, locale } = deps;
  const m = customerMessages(locale);
  const found = await customers.search(query);
  if (found.kind === 'one') return openCustomer(deps, found.customer.id, context);
  if (found.kind === 'many') {
    context.auditResult = `${found.matches.length}${found.more ? '+' : ''} matches`;
    return renderCustomerPick(found.matches, found.more, locale);
  }
  context.auditResult = found.kind === 'none' ? 'not found' : 'find';
  const problem = found.kind === 'none' ? m.notFound(query) : found.reason === 'too-short' ? m.tooShort : undefined;
  return renderCustomerFind(locale, query.trim(), problem);
}

/** One customer's records, by id. */
export async function openCustomer(
  { customers, locale, clock }: LookupDeps,
  userId: string,
  context: BantoContext,
): Promise<View> {
  const found = await customers.lookup(userId);
  if (!found) {
    context.auditResult = `customer ${userId}: not found`;
    return renderCustomerFind(locale, userId, customerMessages(locale).notFound(userId));
  }
  context.auditResult = `customer ${found.record.id}`;
  // Resending and asking for a refund or a cancellation are the help desk's and accounting's, not exec's.
  const deskWork = resenders.some((role) => context.roles.has(role));
  return renderCustomerRecord(found.record, found.mails, locale, clock.zone, {
    canResend: deskWork,
    canRequest: deskWork,
  });
}
