import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { RequestKind } from '../services/access/permissions.js';

export type CommandHandler = (args: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => Promise<void>;
export type ActionHandler = (args: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => Promise<void>;
export type ViewHandler = (args: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => Promise<void>;
export type ShortcutHandler = (args: SlackShortcutMiddlewareArgs & AllMiddlewareArgs) => Promise<void>;
type AnyHandler = CommandHandler | ActionHandler | ViewHandler | ShortcutHandler;

/**
 * Where commands, buttons, modal submissions and shortcuts find their handler.
 * Bolt runs the middleware of every registered listener for every request
 * (about 20 µs each here, docs/benchmarks.md), so a request's cost would grow
 * with each handler Banto gains; instead the gate looks the handler up in
 * these maps, and Bolt's own listeners are kept for events only.
 */
export interface ListenerRouter {
  command(name: string, handler: CommandHandler): void;
  action(actionId: string, handler: ActionHandler): void;
  view(callbackId: string, handler: ViewHandler): void;
  shortcut(callbackId: string, handler: ShortcutHandler): void;
  find(kind: RequestKind, name: string): AnyHandler | undefined;
}

export function createListenerRouter(): ListenerRouter {
  const tables: Record<RequestKind, Map<string, AnyHandler>> = { command: new Map(), action: new Map(), view: new Map(), shortcut: new Map() };
  const add = (kind: RequestKind, name: string, handler: AnyHandler) => {
    if (tables[kind].has(name)) throw new Error(`two ${kind} handlers for ${name}`);
    tables[kind].set(name, handler);
  };
  return {
    command: (name, handler) => add('command', name, handler),
    action: (actionId, handler) => add('action', actionId, handler),
    view: (callbackId, handler) => add('view', callbackId, handler),
    shortcut: (callbackId, handler) => add('shortcut', callbackId, handler),
    find: (kind, name) => tables[kind].get(name),
  };
}
