import { runJobActionId } from '../../views/jobs.js';
import type { ListenerDeps } from '../deps.js';
import type { ListenerRouter } from '../router.js';
import { mailIds } from '../../views/mail.js';
import { createBulkResendApproveAction } from './resend-bulk-approve.js';
import { createRunJobAction } from './run-job.js';
import { createTemplateDecisionAction, createTemplateReviewAction, createTemplateSendTestAction } from './template-review.js';

export function registerActions(router: ListenerRouter, deps: ListenerDeps): void {
  router.action(runJobActionId, createRunJobAction(deps));
  router.action(mailIds.review, createTemplateReviewAction(deps));
  router.action(mailIds.approve, createTemplateDecisionAction(deps, 'approve'));
  router.action(mailIds.reject, createTemplateDecisionAction(deps, 'reject'));
  router.action(mailIds.sendTest, createTemplateSendTestAction(deps));
  router.action(mailIds.bulkApprove, createBulkResendApproveAction(deps));
}
