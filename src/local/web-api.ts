import type { Workspace } from './workspace.js';

/** State the emulated Web API keeps between calls. */
export interface EmulatorState {
  workspace: Workspace;
  baseUrl: string;
  views: Map<string, Record<string, unknown>>;
  uploads: Map<string, { filename: string; length: number; data?: Buffer; contentType?: string }>;
  /** Each channel's messages as posted, for conversations.history. */
  messages: Map<string, { ts: string; text: unknown; metadata?: unknown }[]>;
  /** The bot's direct-message channels: DM channel id → the person's user id (conversations.open). */
  ims: Map<string, string>;
  nextId(prefix: string): string;
}

export type WebApiArgs = Record<string, unknown>;
type Method = (args: WebApiArgs, state: EmulatorState) => Record<string, unknown>;

const fail = (error: string) => ({ ok: false, error });
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function findChannel(state: EmulatorState, id: unknown) {
  return state.workspace.channels.find((c) => c.id === id);
}

function channelInfo(state: EmulatorState, id: string) {
  const channel = findChannel(state, id);
  if (!channel) return undefined;
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.isPrivate,
    is_group: channel.isPrivate,
    is_private: channel.isPrivate,
    is_im: false,
    is_mpim: false,
    is_archived: false,
    num_members: channel.members.length,
  };
}

function openView(args: WebApiArgs, state: EmulatorState, id: string) {
  const view = {
    ...(args.view as Record<string, unknown>),
    id,
    hash: state.nextId('H'),
    team_id: state.workspace.teamId,
    app_id: state.workspace.appId,
  };
  state.views.set(id, view);
  return { ok: true, view };
}

function postMessage(args: WebApiArgs, state: EmulatorState) {
  // A user id as the channel is the bot's direct message with that person, as on Slack.
  const dm = state.workspace.users.some((u) => u.id === args.channel);
  if (!dm && !findChannel(state, args.channel)) return fail('channel_not_found');
  const ts = `${Math.floor(Date.now() / 1000)}.${state.nextId('').padStart(6, '0')}`;
  const kept = state.messages.get(str(args.channel)) ?? [];
  kept.push({ ts, text: args.text, metadata: args.metadata });
  state.messages.set(str(args.channel), kept);
  return {
    ok: true,
    channel: args.channel,
    ts,
    message: {
      type: 'message',
      text: args.text,
      blocks: args.blocks,
      ts,
      thread_ts: args.thread_ts,
      bot_id: state.workspace.botId,
    },
  };
}

/** The Web API methods Banto calls, answered the way Slack answers them. */
export const webApiMethods: Record<string, Method> = {
  'auth.test': (_args, s) => ({
    ok: true,
    url: `https://${s.workspace.teamDomain}.slack.com/`,
    team: s.workspace.teamDomain,
    user: 'banto',
    team_id: s.workspace.teamId,
    user_id: s.workspace.botUserId,
    bot_id: s.workspace.botId,
    is_enterprise_install: false,
  }),
  'chat.postMessage': postMessage,
  'chat.postEphemeral': (args, s) => {
    const channel = findChannel(s, args.channel);
    if (!channel) return fail('channel_not_found');
    if (!channel.members.includes(str(args.user))) return fail('user_not_in_channel');
    return { ok: true, message_ts: `${Math.floor(Date.now() / 1000)}.${s.nextId('').padStart(6, '0')}` };
  },
  'chat.update': (args, s) =>
    findChannel(s, args.channel)
      ? { ok: true, channel: args.channel, ts: args.ts, text: args.text }
      : fail('channel_not_found'),
  'views.open': (args, s) => (args.trigger_id ? openView(args, s, s.nextId('V')) : fail('invalid_trigger_id')),
  'views.push': (args, s) => (args.trigger_id ? openView(args, s, s.nextId('V')) : fail('invalid_trigger_id')),
  'views.update': (args, s) => {
    const id = str(args.view_id) || [...s.views.entries()].find(([, v]) => v.external_id === args.external_id)?.[0];
    return id && s.views.has(id) ? openView(args, s, id) : fail('not_found');
  },
  // A person's Home tab: a home view published for a user of the workspace.
  'views.publish': (args, s) => {
    if (!s.workspace.users.some((u) => u.id === args.user_id)) return fail('user_not_found');
    if ((args.view as { type?: unknown } | undefined)?.type !== 'home') return fail('invalid_arguments');
    return openView(args, s, s.nextId('V'));
  },
  // A channel's messages since `oldest`, newest first; their metadata only when asked for, as on Slack.
  'conversations.history': (args, s) => {
    if (!findChannel(s, args.channel)) return fail('channel_not_found');
    const oldest = Number(args.oldest ?? 0);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const messages = (s.messages.get(str(args.channel)) ?? [])
      .filter((m) => Number(m.ts) >= oldest)
      .reverse()
      .slice(0, Number(args.limit ?? 100))
      .map((m) => ({
        type: 'message',
        ts: m.ts,
        text: m.text,
        ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
      }));
    return { ok: true, messages, has_more: false };
  },
  // The bot's DM with one person: the same channel id each time, as on Slack.
  'conversations.open': (args, s) => {
    const user = str(args.users);
    if (user.includes(',')) return fail('method_not_supported_for_channel_type');
    if (!s.workspace.users.some((u) => u.id === user)) return fail('user_not_found');
    const id = `D${user.slice(1)}`;
    s.ims.set(id, user);
    return { ok: true, channel: { id } };
  },
  'conversations.info': (args, s) => {
    const channel = channelInfo(s, str(args.channel));
    return channel ? { ok: true, channel } : fail('channel_not_found');
  },
  'conversations.members': (args, s) => {
    const channel = findChannel(s, args.channel);
    return channel
      ? { ok: true, members: channel.members, response_metadata: { next_cursor: '' } }
      : fail('channel_not_found');
  },
  'usergroups.users.list': (args, s) => {
    const group = s.workspace.usergroups[str(args.usergroup)];
    return group ? { ok: true, users: group.members } : fail('no_such_subteam');
  },
  'users.info': (args, s) => {
    const user = s.workspace.users.find((u) => u.id === args.user);
    if (!user) return fail('user_not_found');
    return {
      ok: true,
      user: {
        id: user.id,
        name: user.name,
        real_name: user.realName,
        tz: 'Asia/Tokyo',
        is_bot: false,
        profile: { real_name: user.realName, display_name: user.name, title: user.title, email: user.email },
      },
    };
  },
  'files.getUploadURLExternal': (args, s) => {
    const fileId = s.nextId('F');
    s.uploads.set(fileId, { filename: str(args.filename), length: Number(args.length ?? 0) });
    return { ok: true, upload_url: `${s.baseUrl}upload/${fileId}`, file_id: fileId };
  },
  'files.completeUploadExternal': (args, s) => {
    const files = (Array.isArray(args.files) ? args.files : []) as { id: string; title?: string }[];
    if (files.some((f) => !s.uploads.get(f.id)?.data)) return fail('file_not_found');
    if (args.channel_id && !findChannel(s, args.channel_id) && !s.ims.has(str(args.channel_id)))
      return fail('channel_not_found');
    return {
      ok: true,
      files: files.map((f) => ({
        id: f.id,
        title: f.title ?? s.uploads.get(f.id)?.filename,
        name: s.uploads.get(f.id)?.filename,
      })),
    };
  },
};
