import type { RoleName } from '../config.js';
import { runJobActionId } from '../views/jobs.js';
import { mailIds } from '../views/mail.js';
import { syncIds } from '../views/sync.js';
import { createBulkResendApproveAction } from './actions/resend-bulk-approve.js';
import { createRunJobAction } from './actions/run-job.js';
import { createSyncNowAction } from './actions/sync-now.js';
import { createSyncShowErrorsAction } from './actions/sync-show-errors.js';
import {
  createTemplateDecisionAction,
  createTemplateReviewAction,
  createTemplateSendTestAction,
} from './actions/template-review.js';
import { createHelpCommand } from './commands/banto-help.js';
import { createMailStatusCommand } from './commands/banto-mail-status.js';
import { createTemplatesCommand } from './commands/banto-templates.js';
import { createWhoamiCommand } from './commands/banto-whoami.js';
import { createJobsCommand } from './commands/jobs.js';
import { createPaymentsCommand } from './commands/payments.js';
import { createResendMailCommand } from './commands/resend-mail.js';
import { createSyncStatusCommand } from './commands/sync-status.js';
import { findCustomerReference } from '../services/customers/index.js';
import { customerIds } from '../views/customers.js';
import { createCustomerOpenAction } from './actions/customer-open.js';
import { createCustomerRequestAction } from './actions/customer-request.js';
import { createCustomerResendAction } from './actions/customer-resend.js';
import { createHomeCustomerSearchAction } from './actions/home-customer-search.js';
import { createRequestStepAction } from './actions/request-step.js';
import { createCustomerCommand } from './commands/customer.js';
import { createReportCommand } from './commands/report.js';
import { createLookupCustomerShortcut } from './shortcuts/lookup-customer.js';
import { createTranslateMessageShortcut } from './shortcuts/translate-message.js';
import { createCustomerFindView } from './views/customer-find.js';
import { createCustomerRequestView } from './views/customer-request.js';
import { requestIds } from '../views/requests.js';
import { homeIds } from '../views/home.js';
import {
  action,
  command,
  shortcut,
  view,
  type CommandEntry,
  type RegistryEntry,
  type RequestKind,
  type ShortcutEntry,
} from './define.js';
import { createResendConfirmView, createResendFindView, createResendPickView } from './views/resend-mail.js';

export const translateShortcutId = 'translate_message';

const lookers = ['clerk', 'accounting', 'exec'] as const satisfies readonly RoleName[];
const messageText = (body: unknown) => String((body as { message?: { text?: unknown } }).message?.text ?? '');

const periods = '[today|yesterday|YYYY-MM-DD|YYYY-MM|YYYY-MM-DD..YYYY-MM-DD]';

/**
 * Everything a person can do in Banto, and who may do it. Routing, the
 * permission check, `/banto help`, the console's command list, the audit key
 * and the manifest test all read this table: a request whose key is not here
 * is refused. `/banto X` is the entry `/banto X`.
 */
export const registry: readonly RegistryEntry[] = [
  command({ key: '/banto help', roles: 'anyone', help: '/banto help', answers: 'ack', create: createHelpCommand }),
  command({
    key: '/banto whoami',
    roles: 'anyone',
    help: '/banto whoami',
    answers: 'ack',
    create: createWhoamiCommand,
  }),
  command({
    key: '/payments',
    usage: periods,
    roles: ['exec', 'accounting'],
    help: '/payments',
    answers: 'later',
    create: createPaymentsCommand,
  }),
  command({ key: '/jobs', roles: ['engineer'], help: '/jobs', answers: 'later', create: createJobsCommand }),
  command({
    key: '/banto templates',
    roles: ['exec', 'engineer'],
    help: '/banto templates',
    answers: 'later',
    create: createTemplatesCommand,
  }),
  command({
    key: '/banto mail-status',
    roles: ['exec', 'accounting', 'clerk', 'engineer'],
    help: '/banto mail-status',
    answers: 'later',
    create: createMailStatusCommand,
  }),
  command({
    key: '/resend-mail',
    usage: '[email or user id] | failed [today|yesterday|YYYY-MM-DD|...]',
    roles: ['clerk', 'accounting'],
    help: '/resend-mail',
    answers: 'later',
    create: createResendMailCommand,
  }),
  command({
    key: '/sync-status',
    roles: ['exec', 'accounting', 'clerk', 'engineer'],
    help: '/sync-status',
    answers: 'later',
    create: createSyncStatusCommand,
  }),
  action({ key: runJobActionId, roles: ['engineer'], answers: 'later', create: createRunJobAction }),
  action({ key: syncIds.syncNow, roles: ['engineer'], answers: 'later', create: createSyncNowAction }),
  action({ key: syncIds.showErrors, roles: ['engineer'], answers: 'later', create: createSyncShowErrorsAction }),
  // Only executives decide what customers read.
  action({ key: mailIds.review, roles: ['exec'], answers: 'later', create: createTemplateReviewAction }),
  action({
    key: mailIds.approve,
    roles: ['exec'],
    answers: 'later',
    create: (deps) => createTemplateDecisionAction(deps, 'approve'),
  }),
  action({
    key: mailIds.reject,
    roles: ['exec'],
    answers: 'later',
    create: (deps) => createTemplateDecisionAction(deps, 'reject'),
  }),
  action({ key: mailIds.sendTest, roles: ['exec'], answers: 'later', create: createTemplateSendTestAction }),
  action({
    key: mailIds.bulkApprove,
    roles: ['clerk', 'accounting'],
    answers: 'later',
    create: createBulkResendApproveAction,
  }),
  view({ key: mailIds.findView, roles: ['clerk', 'accounting'], answers: 'ack', create: createResendFindView }),
  view({ key: mailIds.pickView, roles: ['clerk', 'accounting'], answers: 'ack', create: createResendPickView }),
  view({ key: mailIds.confirmView, roles: ['clerk', 'accounting'], answers: 'ack', create: createResendConfirmView }),
  // Customer lookup: one customer's own records, for the help desk and the people it answers to.
  command({
    key: customerIds.command,
    usage: 'EMAIL|USER_ID|NAME',
    roles: lookers,
    help: '/customer',
    answers: 'later',
    create: createCustomerCommand,
  }),
  shortcut({
    key: customerIds.shortcut,
    name: 'Look up customer',
    roles: lookers,
    answers: 'later',
    create: createLookupCustomerShortcut,
    auditArguments: (body) => findCustomerReference(messageText(body)),
  }),
  view({ key: customerIds.findView, roles: lookers, answers: 'ack', create: createCustomerFindView }),
  action({ key: homeIds.customerSearch, roles: lookers, answers: 'later', create: createHomeCustomerSearchAction }),
  action({ key: customerIds.open, roles: lookers, answers: 'later', create: createCustomerOpenAction }),
  // The resend flow's own roles: exec looks, and does not resend.
  action({
    key: customerIds.resend,
    roles: ['clerk', 'accounting'],
    answers: 'later',
    create: createCustomerResendAction,
  }),
  // Each report says which roles may run it; the command is open to every role, and lists only those.
  command({
    key: '/report',
    usage: '[NAME args]',
    roles: ['exec', 'accounting', 'clerk', 'engineer'],
    help: '/report',
    answers: 'later',
    create: createReportCommand,
  }),
  // Refunds and cancellations: a clerk (or accounting) asks, accounting decides and carries out, never the asker.
  action({
    key: requestIds.refund,
    roles: ['clerk', 'accounting'],
    answers: 'later',
    create: (deps) => createCustomerRequestAction(deps, 'refund'),
  }),
  action({
    key: requestIds.cancel,
    roles: ['clerk', 'accounting'],
    answers: 'later',
    create: (deps) => createCustomerRequestAction(deps, 'cancel'),
  }),
  view({ key: requestIds.view, roles: ['clerk', 'accounting'], answers: 'ack', create: createCustomerRequestView }),
  action({
    key: requestIds.approve,
    roles: ['accounting'],
    answers: 'later',
    create: (deps) => createRequestStepAction(deps, 'approve'),
  }),
  action({
    key: requestIds.reject,
    roles: ['accounting'],
    answers: 'later',
    create: (deps) => createRequestStepAction(deps, 'reject'),
  }),
  action({
    key: requestIds.done,
    roles: ['accounting'],
    answers: 'later',
    create: (deps) => createRequestStepAction(deps, 'done'),
  }),
  action({
    key: requestIds.carryOut,
    roles: ['accounting'],
    answers: 'later',
    create: (deps) => createRequestStepAction(deps, 'carry-out'),
  }),
  // Anyone Banto knows: a customer's English mail is everyone's work. Not 'anyone': DeepL's quota is paid for.
  shortcut({
    key: translateShortcutId,
    name: 'Translate',
    roles: ['exec', 'accounting', 'clerk', 'engineer'],
    answers: 'later',
    create: createTranslateMessageShortcut,
  }),
];

/** The manifest's `shortcuts`: every shortcut of the registry, by callback_id and name. */
export function shortcutEntries(entries: readonly RegistryEntry[] = registry): ShortcutEntry[] {
  return entries.filter((e): e is ShortcutEntry => e.kind === 'shortcut');
}

export interface Decision {
  allowed: boolean;
  /** The roles that would be allowed; empty when the request is unknown. */
  requiredRoles: readonly RoleName[];
  reason?: 'missing-role' | 'unknown-request';
}

export function findEntry(
  kind: RequestKind,
  key: string,
  entries: readonly RegistryEntry[] = registry,
): RegistryEntry | undefined {
  return entries.find((e) => e.kind === kind && e.key === key);
}

export function decide(entry: RegistryEntry | undefined, roles: ReadonlySet<RoleName>): Decision {
  if (!entry) return { allowed: false, requiredRoles: [], reason: 'unknown-request' };
  if (entry.roles === 'anyone') return { allowed: true, requiredRoles: [] };
  return entry.roles.some((r) => roles.has(r))
    ? { allowed: true, requiredRoles: entry.roles }
    : { allowed: false, requiredRoles: entry.roles, reason: 'missing-role' };
}

export function commandEntries(entries: readonly RegistryEntry[] = registry): CommandEntry[] {
  return entries.filter((e): e is CommandEntry => e.kind === 'command');
}

/** The commands the holder of `roles` may run, in registry order. */
export function commandsAllowedFor(
  roles: ReadonlySet<RoleName>,
  entries: readonly RegistryEntry[] = registry,
): CommandEntry[] {
  return commandEntries(entries).filter((e) => decide(e, roles).allowed);
}

/** The slash commands Slack must know (the manifest's `slash_commands`), each with its usage hint. */
export function slashCommands(
  entries: readonly RegistryEntry[] = registry,
): { command: string; usageHint: string | undefined }[] {
  const byName = new Map<string, string[]>();
  for (const entry of commandEntries(entries)) {
    const [name = '', sub] = entry.key.split(' ');
    const hints = byName.get(name) ?? [];
    byName.set(name, hints);
    if (sub) hints.push(sub);
    else if (entry.usage) hints.push(entry.usage);
  }
  return [...byName].map(([command, hints]) => ({
    command,
    usageHint: hints.length > 0 ? hints.join(' | ') : undefined,
  }));
}
