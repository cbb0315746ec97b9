import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { errorCode, isDatabaseUnavailable } from '../../errors.js';
import type { RoleResolver } from '../../services/access/roles.js';
import type { AuditLog, AuditOutcome } from '../../services/audit/audit-log.js';
import { noticeModal } from '../../views/message.js';
import { messagesFor, type Locale } from '../../views/messages.js';
import { renderRefusal } from '../../views/refusal.js';
import type { BantoContext, HandlerDeps, RegistryEntry } from '../define.js';
import { decide, type Decision } from '../registry.js';
import { describeRequest, type RequestDescription } from './describe-request.js';
import { createReliableRespond } from './reliable-respond.js';

export interface AuthorizeAndAuditDeps {
  entries: readonly RegistryEntry[];
  handlerDeps: HandlerDeps;
  roles: RoleResolver;
  audit: AuditLog;
  clock: Clock;
  locale: Locale;
  logger: Logger;
  onFinished?: ((kind: string, outcome: AuditOutcome, latencyMs: number) => void) | undefined;
}

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;
type LooseAck = (response?: unknown) => Promise<void>;
type Run = (args: Args) => Promise<void>;

function ackOf(args: Args): LooseAck | undefined {
  return 'ack' in args && typeof args.ack === 'function' ? (args.ack as LooseAck) : undefined;
}

function respondOf(args: Args): RespondFn | undefined {
  return 'respond' in args && typeof args.respond === 'function' ? args.respond : undefined;
}

/** Tells the person, in the place Slack expects for this kind of request, that it was refused. */
async function refuse(
  args: Args,
  request: RequestDescription,
  decision: Decision,
  locale: Locale,
  entry: RegistryEntry | undefined,
): Promise<void> {
  const ack = ackOf(args);
  // A shortcut is refused by the name the person chose in Slack's menu, not by its callback_id.
  const shown = entry?.kind === 'shortcut' ? entry.name : request.key;
  const label = request.kind === 'command' ? request.key : `"${shown}"`;
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

/** A handler that failed: the person hears it in the place still open (the ack if unused, else the response URL). */
async function reportFailure(
  args: Args,
  request: RequestDescription,
  ack: LooseAck | undefined,
  text: string,
): Promise<void> {
  if (ack) {
    if (request.kind === 'command') return ack({ response_type: 'ephemeral', text });
    if (request.kind === 'view') return ack({ response_action: 'update', view: noticeModal('Banto', text) });
    await ack();
  }
  await respondOf(args)?.({ response_type: 'ephemeral', replace_original: false, text });
}

/** Each entry with its handler, built once, under `kind key`. */
function buildHandlers(
  entries: readonly RegistryEntry[],
  deps: HandlerDeps,
): Map<string, { entry: RegistryEntry; run: Run }> {
  const handlers = new Map<string, { entry: RegistryEntry; run: Run }>();
  for (const entry of entries) {
    const id = `${entry.kind} ${entry.key}`;
    if (handlers.has(id)) throw new Error(`the registry declares ${id} twice`);
    // The one place where Bolt's loose argument union meets the handler's typed one; the kind was matched by describeRequest.
    handlers.set(id, { entry, run: entry.create(deps) as Run });
  }
  return handlers;
}

// Per request, the gate makes no named closures: tsx keeps function names, and naming costs a few µs each.

/** The audit row and the metric of one request. */
function recordOutcome(
  { audit, clock, onFinished }: AuthorizeAndAuditDeps,
  request: RequestDescription,
  started: number,
  outcome: AuditOutcome,
  result?: string,
  reason?: string,
): void {
  const latencyMs = performance.now() - started;
  const { userId, kind, key: name, arguments: args, channelId } = request;
  audit.record({
    at: clock.nowMs(),
    userId,
    kind,
    name,
    arguments: args,
    channelId,
    outcome,
    result,
    reason,
    latencyMs,
  });
  onFinished?.(kind, outcome, latencyMs);
}

/** Commands, actions and shortcuts answer through a respond that retries and falls back to the Web API (reliable-respond.ts). */
function installRespond(args: Args, request: RequestDescription, context: BantoContext, logger: Logger): void {
  const url = (args.body as { response_url?: unknown }).response_url;
  (args as { respond?: RespondFn }).respond = createReliableRespond({
    responseUrl: typeof url === 'string' ? url : undefined,
    client: args.client,
    userId: request.userId,
    channelId: request.channelId,
    logger,
    onRoute: (route) => (context.answerRoute = route),
  });
}

function trackAck(ack: LooseAck, state: { acked: boolean }): LooseAck {
  return (response) => ((state.acked = true), ack(response));
}

/**
 * The gate every command, button and modal submission passes: resolve the
 * caller's roles, find the registry entry, refuse (and run nothing) or run its
 * handler, and in both cases leave an audit row. Bolt runs every registered
 * listener's middleware for every request, so handlers are looked up here
 * instead (docs/benchmarks.md); events are not a person's requests and go on
 * to Bolt's listeners.
 */
export function createAuthorizeAndAudit(
  deps: AuthorizeAndAuditDeps,
): Middleware<AnyMiddlewareArgs> & { drain(): Promise<void> } {
  const { roles, locale, logger } = deps;
  const handlers = buildHandlers(deps.entries, deps.handlerDeps);
  // Handlers go on after Slack has its ack: stop() waits for them before closing the audit trail.
  const inFlight = new Set<Promise<void>>();
  const gate = async (args: Args) => {
    const request = describeRequest(args.body);
    if (!request) return args.next();
    const context = args.context as typeof args.context & BantoContext;
    const started = typeof context.receivedAt === 'number' ? context.receivedAt : performance.now();

    // From the cache without a wait when it can: most requests come from people whose groups are known.
    context.roles = roles.knownRolesOf(request.userId) ?? (await roles.rolesOf(request.userId));
    if (request.kind !== 'view') installRespond(args, request, context, logger);
    const found = handlers.get(`${request.kind} ${request.key}`);
    // Allowed or refused, the row names what the request was about (a shortcut: the customer in the message).
    if (found?.entry.auditArguments) request.arguments = found.entry.auditArguments(args.body);
    const decision = decide(found?.entry, context.roles);
    if (!found || !decision.allowed) {
      // Telling the person can fail (a channel the bot is not in); the refusal is audited all the same.
      await refuse(args, request, decision, locale, found?.entry).catch((error: unknown) =>
        logger.warn({ err: error, request: request.key }, 'could not tell the person about a refusal'),
      );
      const reason =
        decision.reason === 'missing-role' ? `requires ${decision.requiredRoles.join(' or ')}` : 'unknown request';
      recordOutcome(deps, request, started, 'refused', undefined, reason);
      return;
    }
    const ack = ackOf(args);
    const state = { acked: false };
    if (found.entry.answers === 'later') {
      state.acked = true;
      await ack?.();
    } else if (ack) {
      // Bolt's Socket Mode ignores a second ack without a word: know whether the handler used it.
      (args as { ack: LooseAck }).ack = trackAck(ack, state);
    }
    try {
      await found.run(args);
      const route = context.answerRoute ? `answered by ${context.answerRoute}` : undefined;
      recordOutcome(deps, request, started, 'allowed', context.auditResult ?? 'ok', route);
    } catch (error) {
      // A database that went away is said plainly: try again shortly (the audit row waits in memory meanwhile).
      const code = isDatabaseUnavailable(error) ? 'DATABASE_UNAVAILABLE' : errorCode(error);
      logger.error({ err: error, request: request.key, user: request.userId }, 'listener failed');
      recordOutcome(deps, request, started, 'error', code);
      // The person hears that it failed; the error stops here instead of becoming a Slack timeout.
      const m = messagesFor(locale);
      const plainly: Record<string, string> = {
        INVALID_INPUT: m.invalidInput,
        DATABASE_UNAVAILABLE: m.databaseUnavailable,
      };
      const text = plainly[code] ?? m.somethingWentWrong(code);
      await reportFailure(args, request, state.acked ? undefined : ack, text).catch(() => undefined);
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
