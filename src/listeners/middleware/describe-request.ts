import type { RequestKind } from '../define.js';

/** What a Slack request asks for, in the terms of the registry and the audit trail. */
export interface RequestDescription {
  kind: RequestKind;
  /** The registry key: `/payments`, `/banto help`, an action_id or a view callback_id. */
  key: string;
  /** The handler's name: the command, action_id or callback_id as Slack sent it. */
  name: string;
  userId: string;
  channelId: string | undefined;
  arguments: string | undefined;
  triggerId: string | undefined;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function describeAction(action: Json): string | undefined {
  return (
    str(action.value) ??
    str(obj(action.selected_option).value) ??
    str(action.selected_user) ??
    str(action.selected_date) ??
    (action.selected_options ? JSON.stringify(action.selected_options) : undefined)
  );
}

/** Submitted values only (block → action → value), not the whole view. */
function describeViewState(view: Json): string {
  const values = obj(obj(view.state).values);
  const flat: Record<string, unknown> = {};
  for (const [blockId, actions] of Object.entries(values)) {
    for (const [actionId, state] of Object.entries(obj(actions))) {
      const s = obj(state);
      flat[`${blockId}.${actionId}`] =
        s.value ?? obj(s.selected_option).value ?? s.selected_user ?? s.selected_date ?? s.selected_options ?? null;
    }
  }
  return JSON.stringify(flat);
}

/** Returns undefined for what is neither a command, an action, a submission nor a shortcut (events are not audited). */
export function describeRequest(body: unknown): RequestDescription | undefined {
  const b = obj(body);
  if (typeof b.command === 'string') {
    const text = str(b.text)?.trim() ?? '';
    const key = b.command === '/banto' ? `/banto ${text.split(/\s+/)[0] || 'help'}` : b.command;
    return {
      kind: 'command',
      key,
      name: b.command,
      userId: str(b.user_id) ?? '',
      channelId: str(b.channel_id),
      arguments: text,
      triggerId: str(b.trigger_id),
    };
  }
  const userId = str(obj(b.user).id) ?? '';
  const channelId = str(obj(b.channel).id) ?? str(obj(b.container).channel_id);
  if (b.type === 'block_actions') {
    const action = obj(Array.isArray(b.actions) ? b.actions[0] : undefined);
    const actionId = str(action.action_id) ?? '';
    return {
      kind: 'action',
      key: actionId,
      name: actionId,
      userId,
      channelId,
      arguments: describeAction(action),
      triggerId: str(b.trigger_id),
    };
  }
  if (b.type === 'view_submission') {
    const view = obj(b.view);
    const callbackId = str(view.callback_id) ?? '';
    return {
      kind: 'view',
      key: callbackId,
      name: callbackId,
      userId,
      channelId,
      arguments: describeViewState(view),
      triggerId: str(b.trigger_id),
    };
  }
  if (b.type === 'shortcut' || b.type === 'message_action') {
    const callbackId = str(b.callback_id) ?? '';
    return {
      kind: 'shortcut',
      key: callbackId,
      name: callbackId,
      userId,
      channelId,
      // Which message, not what it says: the audit trail names the message without copying a customer's words.
      arguments: str(b.message_ts),
      triggerId: str(b.trigger_id),
    };
  }
  return undefined;
}
