import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { billingGuardAlert } from '../../services/alerts/alerts.js';
import { messagesFor } from '../../views/messages.js';
import { renderPaymentsUsage, renderPeriodSummary } from '../../views/payments.js';
import type { BantoContext } from '../middleware/authorize-and-audit.js';
import type { ListenerDeps } from '../deps.js';

/**
 * `/payments [period]` (exec, accounting): acknowledge at once, then answer.
 * The whole billing channel may see the answer only when the channel passes
 * the guard; anywhere else only the caller sees it.
 */
export function createPaymentsCommand({ payments, locale, billingChannel, checkBillingChannel, alerts, logger }: ListenerDeps) {
  const m = messagesFor(locale);
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
    let inChannel = false;
    if (command.channel_id === billingChannel) {
      const verdict = await checkBillingChannel(billingChannel);
      inChannel = verdict.allowed;
      // The billing channel no longer keeps billing data private: the engineers hear of it once.
      if (!verdict.allowed) {
        await alerts.open(billingGuardAlert, m.guardBlocked(billingChannel, verdict.reason, verdict.outsiders)).catch((error: unknown) => logger.error({ err: error }, 'could not post the billing-channel alert'));
      }
    }
    audit.auditResult = `${parsed.period.label} ${inChannel ? 'in_channel' : 'ephemeral'}`;
    await respond({ response_type: inChannel ? 'in_channel' : 'ephemeral', ...renderPeriodSummary(summary, locale) });
  };
}
