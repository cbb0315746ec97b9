import { errorCode, type BantoError } from '../../errors.js';
import { mailMessages } from '../../views/mail-messages.js';
import type { Handler, HandlerDeps } from '../define.js';

/** The second person's "Approve and resend" on a bulk resend request; the requester's own press is refused. */
export function createBulkResendApproveAction({ mail, locale }: HandlerDeps): Handler<'action', 'later'> {
  const m = mailMessages(locale);
  return async ({ action, body, respond, context: audit }) => {
    const id = Number(action.type === 'button' ? action.value : NaN);
    try {
      const done = await mail.approveBulkResend(id, body.user.id);
      audit.auditResult = `bulk #${id}: ${done.queuedCount ?? 0} queued`;
      await respond({
        replace_original: true,
        text: m.bulkDone(done.requestedBy, body.user.id, done.queuedCount ?? 0, done.label),
      });
    } catch (error) {
      const code = errorCode(error);
      audit.auditResult = code;
      if (code !== 'SECOND_PERSON_REQUIRED' && code !== 'BULK_RESEND_DECIDED') throw error;
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text:
          code === 'SECOND_PERSON_REQUIRED' ? m.secondPerson : m.alreadyDecided((error as BantoError).details[0] ?? ''),
      });
    }
  };
}
