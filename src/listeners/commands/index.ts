import type { ListenerDeps } from '../deps.js';
import type { ListenerRouter } from '../router.js';
import { createBantoCommand } from './banto.js';
import { createJobsCommand } from './jobs.js';
import { createPaymentsCommand } from './payments.js';
import { createResendMailCommand } from './resend-mail.js';

export function registerCommands(router: ListenerRouter, deps: ListenerDeps): void {
  router.command('/banto', createBantoCommand(deps));
  router.command('/payments', createPaymentsCommand(deps));
  router.command('/jobs', createJobsCommand(deps));
  router.command('/resend-mail', createResendMailCommand(deps));
}
