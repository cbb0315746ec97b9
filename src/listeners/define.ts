import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { RoleName } from '../config.js';
import type { HelpKey } from '../views/messages.js';
import type { AnswerRoute } from './middleware/reliable-respond.js';
import type { ListenerDeps } from './deps.js';

/** What the gate puts in `context` before a handler runs. */
export interface BantoContext {
  roles: ReadonlySet<RoleName>;
  /** A handler may set a short result for the audit row (default "ok"). */
  auditResult?: string;
  receivedAt?: number;
  /** Set when an answer did not go by response_url: how it reached the person, or `lost`. */
  answerRoute?: AnswerRoute;
}

type WithContext = AllMiddlewareArgs<BantoContext>;

/** Bolt's arguments for each kind of request a person makes. */
export interface KindArgs {
  command: SlackCommandMiddlewareArgs & WithContext;
  action: SlackActionMiddlewareArgs<BlockAction> & WithContext;
  view: SlackViewMiddlewareArgs<ViewSubmitAction> & WithContext;
  shortcut: SlackShortcutMiddlewareArgs & WithContext;
}
export type RequestKind = keyof KindArgs;

/**
 * `ack`: the handler's answer is the acknowledgement itself (help text, a modal's
 * next step), so it must answer within Slack's 3 s. `later`: the gate acknowledges
 * before the handler runs and the handler answers through respond, chat or views;
 * it gets no `ack` to call.
 */
export type Answers = 'ack' | 'later';
export type HandlerArgs<K extends RequestKind, A extends Answers> = A extends 'later'
  ? Omit<KindArgs[K], 'ack'>
  : KindArgs[K];
export type Handler<K extends RequestKind, A extends Answers> = (args: HandlerArgs<K, A>) => Promise<void>;

/** Who may: roles, or `anyone` (still a Slack user). */
export type Audience = readonly RoleName[] | 'anyone';

/** What the services and the registry give every handler. */
export interface HandlerDeps extends ListenerDeps {
  /** The commands (and `/banto` subcommands) the holder of `roles` may run, in registry order. */
  commandsFor(roles: ReadonlySet<RoleName>): readonly CommandEntry[];
}

interface EntryBase<K extends RequestKind> {
  kind: K;
  /** `/payments`, `/banto templates`, an action_id or a callback_id: the routing, permission and audit key. */
  key: string;
  roles: Audience;
  answers: Answers;
  /** Builds the handler once, at start. The gate calls it with Bolt's arguments. */
  create(deps: HandlerDeps): (args: never) => Promise<void>;
  /** What the audit row's arguments say of the request, when the default (the text, a button's value) does not. */
  auditArguments?: ((body: unknown) => string | undefined) | undefined;
}

export interface CommandEntry extends EntryBase<'command'> {
  /** The line in `/banto help` (both locales). */
  help: HelpKey;
  /** The manifest's usage hint; for `/banto`, the subcommands' names are the hint. */
  usage?: string;
}
export interface ShortcutEntry extends EntryBase<'shortcut'> {
  /** The name Slack shows in the message menu (the manifest's `name`). */
  name: string;
}
export type RegistryEntry = CommandEntry | EntryBase<'action'> | EntryBase<'view'> | ShortcutEntry;

interface Declared<K extends RequestKind, A extends Answers> {
  key: string;
  roles: Audience;
  answers: A;
  create(deps: HandlerDeps): Handler<K, A>;
  auditArguments?: (body: unknown) => string | undefined;
}

export const command = <A extends Answers>(
  entry: Declared<'command', A> & { help: HelpKey; usage?: string },
): CommandEntry => ({ kind: 'command', ...entry });
export const action = <A extends Answers>(entry: Declared<'action', A>): RegistryEntry => ({
  kind: 'action',
  ...entry,
});
export const view = <A extends Answers>(entry: Declared<'view', A>): RegistryEntry => ({ kind: 'view', ...entry });
/** A global or message shortcut; `key` is its callback_id, as in the manifest's `shortcuts`. */
export const shortcut = <A extends Answers>(entry: Declared<'shortcut', A> & { name: string }): ShortcutEntry => ({
  kind: 'shortcut',
  ...entry,
});
