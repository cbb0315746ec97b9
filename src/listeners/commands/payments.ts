import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderPaymentsUsage, renderPeriodSummary } from '../../views/payments.js';
import type { BantoContext } from '../middleware/authorize-and-audit.js';
import type { ListenerDeps } from '../deps.js';

/**
 * `/payments [period]` (exec, accounting): acknowledge at once, then answer.
 * The whole billing channel may see the answer only when the channel passes
 * the guard; anywhere else only the caller sees it.
 */
export function createPaymentsCommand({ payments, locale, billingChannel, checkBillingChannel }: ListenerDeps) {
  return async ({ ack, command, respond, context }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const audit = context as typeof context & BantoContext;
    const parsed = payments.parsePeriod(command.text);
    if ('problem' in parsed) {
      audit.auditResult = `usage: ${parsed.problem}`;
      await respond({ response_type: 'ephemeral', ...renderPaymentsUsage(parsed.problem, locale) });
      return;
    }
    const summary = await payments.summarize(parsed.period);
    // The check itself alerts the engineers when the billing channel stops keeping billing data private.
    const inChannel = command.channel_id === billingChannel && (await checkBillingChannel(billingChannel)).allowed;
    audit.auditResult = `${parsed.period.label} ${inChannel ? 'in_channel' : 'ephemeral'}`;
    await respond({ response_type: inChannel ? 'in_channel' : 'ephemeral', ...renderPeriodSummary(summary, locale) });
  };
}
