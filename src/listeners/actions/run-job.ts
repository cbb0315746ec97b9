import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorCode } from '../../errors.js';
import { renderJobOutcome } from '../../views/jobs.js';
import { messagesFor } from '../../views/messages.js';
import type { BantoContext } from '../middleware/authorize-and-audit.js';
import type { ListenerDeps } from '../deps.js';

/** "Run now" on `/jobs`: runs the job here and now, recorded as started by the person who pressed it. */
export function createRunJobAction({ jobs, locale }: ListenerDeps) {
  const m = messagesFor(locale);
  return async ({ ack, action, body, respond, context }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const name = action.type === 'button' ? (action.value ?? '') : '';
    if (!jobs.knows(name)) {
      (context as typeof context & BantoContext).auditResult = 'unknown job';
      await respond({ response_type: 'ephemeral', replace_original: false, ...renderJobOutcome(m.jobUnknown(name)) });
      return;
    }
    await respond({ response_type: 'ephemeral', replace_original: false, ...renderJobOutcome(m.jobStarted(name)) });
    try {
      const outcome = await jobs.runNow(name, body.user.id);
      (context as typeof context & BantoContext).auditResult = `${name}: ${outcome.status}`;
      await respond({ response_type: 'ephemeral', replace_original: false, ...renderJobOutcome(m.jobFinished(name, outcome.status, Math.round(outcome.durationMs), outcome.result ?? outcome.error ?? '')) });
    } catch (error) {
      (context as typeof context & BantoContext).auditResult = errorCode(error);
      await respond({ response_type: 'ephemeral', replace_original: false, ...renderJobOutcome(m.jobFinished(name, errorCode(error), 0, error instanceof Error ? error.message : '')) });
    }
  };
}
