import { renderPaymentsUsage, renderPeriodSummary } from '../../views/payments.js';
import type { Handler, HandlerDeps } from '../define.js';

/**
 * `/payments [period]` (exec, accounting). The whole billing channel may see
 * the answer only when the channel passes the guard; anywhere else only the
 * caller sees it.
 */
export function createPaymentsCommand({
  payments,
  locale,
  billingChannel,
  checkBillingChannel,
}: HandlerDeps): Handler<'command', 'later'> {
  return async ({ command, respond, context }) => {
    const parsed = payments.parsePeriod(command.text);
    if ('problem' in parsed) {
      context.auditResult = `usage: ${parsed.problem}`;
      await respond({ response_type: 'ephemeral', ...renderPaymentsUsage(parsed.problem, locale) });
      return;
    }
    const summary = await payments.summarize(parsed.period);
    // The check itself alerts the engineers when the billing channel stops keeping billing data private.
    const inChannel = command.channel_id === billingChannel && (await checkBillingChannel(billingChannel)).allowed;
    context.auditResult = `${parsed.period.label} ${inChannel ? 'in_channel' : 'ephemeral'}`;
    await respond({ response_type: inChannel ? 'in_channel' : 'ephemeral', ...renderPeriodSummary(summary, locale) });
  };
}
