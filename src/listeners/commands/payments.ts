import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderDaySummary, renderPaymentsUsage } from '../../views/payments.js';
import type { BantoContext } from '../middleware/authorize-and-audit.js';
import type { ListenerDeps } from '../deps.js';

/** `/payments today`: acknowledge at once, then answer the caller alone. */
export function createPaymentsCommand({ payments, locale }: ListenerDeps) {
  return async ({ ack, command, respond, context }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const text = command.text.trim().toLowerCase();
    if (text !== '' && text !== 'today') {
      (context as typeof context & BantoContext).auditResult = 'usage';
      await respond({ response_type: 'ephemeral', ...renderPaymentsUsage(locale) });
      return;
    }
    const summary = await payments.summarizeToday();
    await respond({ response_type: 'ephemeral', ...renderDaySummary(summary, locale) });
  };
}
