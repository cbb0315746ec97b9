import { errorCode } from '../../errors.js';
import { renderJobOutcome } from '../../views/jobs.js';
import { messagesFor } from '../../views/messages.js';
import type { Handler, HandlerDeps } from '../define.js';

/** "Run now" on `/jobs`: runs the job here and now, recorded as started by the person who pressed it. */
export function createRunJobAction({ jobs, locale }: HandlerDeps): Handler<'action', 'later'> {
  const m = messagesFor(locale);
  return async ({ action, body, respond, context }) => {
    const name = action.type === 'button' ? (action.value ?? '') : '';
    if (!jobs.knows(name)) {
      context.auditResult = 'unknown job';
      await respond({ response_type: 'ephemeral', replace_original: false, ...renderJobOutcome(m.jobUnknown(name)) });
      return;
    }
    await respond({ response_type: 'ephemeral', replace_original: false, ...renderJobOutcome(m.jobStarted(name)) });
    try {
      const outcome = await jobs.runNow(name, body.user.id);
      context.auditResult = `${name}: ${outcome.status}`;
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...renderJobOutcome(
          m.jobFinished(name, outcome.status, Math.round(outcome.durationMs), outcome.result ?? outcome.error ?? ''),
        ),
      });
    } catch (error) {
      context.auditResult = errorCode(error);
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...renderJobOutcome(m.jobFinished(name, errorCode(error), 0, error instanceof Error ? error.message : '')),
      });
    }
  };
}
