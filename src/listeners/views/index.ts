import { mailIds } from '../../views/mail.js';
import type { ListenerDeps } from '../deps.js';
import type { ListenerRouter } from '../router.js';
import { createResendConfirmView, createResendFindView, createResendPickView } from './resend-mail.js';

export function registerViews(router: ListenerRouter, deps: ListenerDeps): void {
  router.view(mailIds.findView, createResendFindView(deps));
  router.view(mailIds.pickView, createResendPickView(deps));
  router.view(mailIds.confirmView, createResendConfirmView(deps));
}
