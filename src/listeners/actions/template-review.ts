import { errorCode } from '../../errors.js';
import { mailMessages } from '../../views/mail-messages.js';
import { renderTemplateReview } from '../../views/mail.js';
import { noticeModal } from '../../views/message.js';
import type { Handler, HandlerArgs, HandlerDeps } from '../define.js';

type Args = HandlerArgs<'action', 'later'>;
const idOf = (args: Args) => Number(args.action.type === 'button' ? args.action.value : NaN);

/** "Review" on `/banto templates`: the modal with the rendered preview and Approve / Reject / Send me a test. */
export function createTemplateReviewAction({ mail, locale, clock }: HandlerDeps): Handler<'action', 'later'> {
  return async (args) => {
    const review = await mail.review(idOf(args));
    args.context.auditResult = review ? `${review.version.name} v${review.version.version}` : 'not found';
    const view = review
      ? renderTemplateReview(review, locale, clock.zone)
      : noticeModal('Banto', mailMessages(locale).templateNotFound);
    await args.client.views.open({ trigger_id: args.body.trigger_id, view });
  };
}

/** Approve or Reject in the review modal: the decision is stored with who and when, and the modal shows it. */
export function createTemplateDecisionAction(
  { mail, locale, clock }: HandlerDeps,
  decision: 'approve' | 'reject',
): Handler<'action', 'later'> {
  return async (args) => {
    const audit = args.context;
    const id = idOf(args);
    let notice: string | undefined;
    try {
      const version = await mail.decide(id, decision, args.body.user.id);
      audit.auditResult = `${version.name} v${version.version} ${version.state}`;
    } catch (error) {
      audit.auditResult = errorCode(error);
      notice = mailMessages(locale).refusedBecause(errorCode(error));
    }
    const review = await mail.review(id);
    if (review && args.body.view)
      await args.client.views.update({
        view_id: args.body.view.id,
        view: renderTemplateReview(review, locale, clock.zone, notice),
      });
  };
}

/** "Send me a test": the version rendered with its samples, to the executive's own address (the test address outside production). */
export function createTemplateSendTestAction({ mail, locale, clock }: HandlerDeps): Handler<'action', 'later'> {
  return async (args) => {
    const id = idOf(args);
    const profile = (await args.client.users.info({ user: args.body.user.id })).user?.profile;
    let notice: string;
    if (!profile?.email) notice = mailMessages(locale).noEmail;
    else {
      const queued = await mail.sendTest(id, args.body.user.id, profile.email);
      notice = mailMessages(locale).testQueued(queued, profile.email);
    }
    args.context.auditResult = notice.slice(0, 120);
    const review = await mail.review(id);
    if (review && args.body.view)
      await args.client.views.update({
        view_id: args.body.view.id,
        view: renderTemplateReview(review, locale, clock.zone, notice),
      });
  };
}
