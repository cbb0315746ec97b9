import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { RoleName } from '../../config.js';
import { errorCode } from '../../errors.js';
import { decide, type Decision } from '../../services/access/permissions.js';
import type { RoleResolver } from '../../services/access/roles.js';
import type { AuditLog, AuditOutcome } from '../../services/audit/audit-log.js';
import { noticeModal } from '../../views/message.js';
import { messagesFor, type Locale } from '../../views/messages.js';
import { renderRefusal } from '../../views/refusal.js';
import type { ListenerRouter } from '../router.js';
import { describeRequest, type RequestDescription } from './describe-request.js';

export interface AuthorizeAndAuditDeps {
  router: ListenerRouter;
  roles: RoleResolver;
  audit: AuditLog;
  clock: Clock;
  locale: Locale;
  logger: Logger;
  onFinished?: (kind: string, outcome: AuditOutcome, latencyMs: number) => void;
}

/** What listeners find in `context`, set by this middleware. */
export interface BantoContext {
  roles: Set<RoleName>;
  /** A listener may set a short result for the audit row (default "ok"). */
  auditResult?: string;
  receivedAt?: number;
}

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;
type LooseAck = (response?: unknown) => Promise<void>;

function ackOf(args: Args): LooseAck | undefined {
  return 'ack' in args && typeof args.ack === 'function' ? (args.ack as LooseAck) : undefined;
}

function respondOf(args: Args): RespondFn | undefined {
  return 'respond' in args && typeof args.respond === 'function' ? args.respond : undefined;
}

/** Tells the person, in the place Slack expects for this kind of request, that it was refused. */
async function refuse(args: Args, request: RequestDescription, decision: Decision, locale: Locale): Promise<void> {
  const ack = ackOf(args);
  const label = request.kind === 'command' ? request.key : `"${request.key}"`;
  const view = renderRefusal(label, decision.requiredRoles, locale);
  const modal = noticeModal('Banto', view.text);
  if (request.kind === 'command') return ack?.({ response_type: 'ephemeral', ...view });
  if (request.kind === 'view') return ack?.({ response_action: 'update', view: modal });
  await ack?.();
  const respond = respondOf(args);
  if (respond) {
    await respond({ response_type: 'ephemeral', replace_original: false, ...view });
  } else if (request.channelId) {
    await args.client.chat.postEphemeral({ channel: request.channelId, user: request.userId, ...view });
  } else if (request.triggerId) {
    await args.client.views.open({ trigger_id: request.triggerId, view: modal });
  }
}

/**
 * The gate every command, button and modal submission passes: resolve the
 * caller's roles, check the permission table, refuse (and run nothing) or run
 * the handler the router names, and in both cases leave an audit row. Events
 * are not requests of a person and go on to Bolt's listeners.
 */
export function createAuthorizeAndAudit(deps: AuthorizeAndAuditDeps): Middleware<AnyMiddlewareArgs> & { drain(): Promise<void> } {
  const { router, roles, audit, clock, locale, logger, onFinished } = deps;
  // Handlers go on after Slack has its ack: stop() waits for them before closing the audit trail.
  const inFlight = new Set<Promise<void>>();
  const gate = async (args: Args) => {
    const request = describeRequest(args.body);
    if (!request) return args.next();
    const context = args.context as typeof args.context & BantoContext;
    const started = typeof context.receivedAt === 'number' ? context.receivedAt : performance.now();
    const finish = (outcome: AuditOutcome, result?: string, reason?: string) => {
      const latencyMs = performance.now() - started;
      audit.record({ at: clock.nowMs(), userId: request.userId, kind: request.kind, name: request.key, arguments: request.arguments, channelId: request.channelId, outcome, result, reason, latencyMs });
      onFinished?.(request.kind, outcome, latencyMs);
    };

    context.roles = await roles.rolesOf(request.userId);
    const handler = router.find(request.kind, request.name);
    const decision: Decision = handler ? decide(request.kind, request.key, context.roles) : { allowed: false, requiredRoles: [], reason: 'unknown-request' };
    if (!handler || !decision.allowed) {
      await refuse(args, request, decision, locale);
      finish('refused', undefined, decision.reason === 'missing-role' ? `requires ${decision.requiredRoles.join(' or ')}` : 'unknown request');
      return;
    }
    try {
      await (handler as (a: Args) => Promise<void>)(args);
      finish('allowed', context.auditResult ?? 'ok');
    } catch (error) {
      const code = errorCode(error);
      logger.error({ err: error, request: request.key, user: request.userId }, 'listener failed');
      finish('error', code);
      // The person hears that it failed; the error stops here instead of becoming a Slack timeout.
      await respondOf(args)?.({ response_type: 'ephemeral', replace_original: false, text: messagesFor(locale).somethingWentWrong(code) }).catch(() => undefined);
    }
  };
  const middleware = (args: Args) => {
    const run = gate(args);
    inFlight.add(run);
    return run.finally(() => inFlight.delete(run));
  };
  return Object.assign(middleware, {
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  });
}
