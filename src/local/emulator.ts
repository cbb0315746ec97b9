import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signSlackRequest } from './signature.js';
import { slackLimitProblems } from './slack-limits.js';
import { SocketModeServer, type EnvelopeType, type SocketModeOptions } from './socket-mode.js';
import { webApiMethods, type EmulatorState, type WebApiArgs } from './web-api.js';
import type { Workspace } from './workspace.js';

/** One Web API call or response_url post that Banto made, as the emulator saw it. */
export interface RecordedCall {
  method: string;
  args: WebApiArgs;
  response: Record<string, unknown>;
  at: number;
}

export interface SlackReply {
  status: number;
  /** The parsed JSON body of Banto's HTTP answer (the ack), or undefined when empty. */
  body: Record<string, unknown> | undefined;
}

export interface SlackEmulatorOptions {
  workspace: Workspace;
  signingSecret: string;
  /** Where Banto receives Slack requests (`…/slack/events`); can be set later with setTarget. */
  targetUrl?: string;
  port?: number;
  /** `socket`: requests go to Banto as Socket Mode envelopes over the WebSocket it opened; `http` (default): signed POSTs to the target. */
  transport?: 'http' | 'socket';
  /** The app-level token `apps.connections.open` accepts. */
  appToken?: string;
  socketMode?: Partial<SocketModeOptions>;
}

/** How `apps.connections.open` fails while Slack is away: an HTTP 503, or the connection reset. */
export type ConnectionsOpenFailure = '503' | 'reset';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The Web API client sends form fields whose nested values are JSON text. */
function parseArgs(raw: Buffer, contentType: string): WebApiArgs {
  const text = raw.toString('utf8');
  if (contentType.includes('application/json')) return text ? (JSON.parse(text) as WebApiArgs) : {};
  const args: WebApiArgs = {};
  for (const [key, value] of new URLSearchParams(text)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The calls whose messages and views Slack checks against its limits (and refuses when over). */
const checkedMethods = new Set([
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.update',
  'views.open',
  'views.update',
  'views.push',
  'views.publish',
]);

/** How an emulated call fails: an HTTP status (429 with Retry-After), a Web API error such as internal_error, or no answer. */
export type EmulatedFailure = { status: number; retryAfterSeconds?: number } | { error: string } | { hangMs: number };

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/**
 * A stand-in for Slack on loopback, for local mode and for end-to-end tests.
 * Toward Banto it is the Web API (`/api/{method}`), the file upload URL and
 * every `response_url`; it records each call. Toward a person or a test it is
 * the Slack client: it sends slash commands and interactions to Banto signed
 * with the signing secret, form-encoded, exactly as Slack does.
 */
export class SlackEmulator extends EventEmitter<{ call: [RecordedCall] }> {
  readonly calls: RecordedCall[] = [];
  readonly state: EmulatorState;
  private server: Server | undefined;
  private targetUrl: string | undefined;
  private sequence = 0;
  readonly socketMode: SocketModeServer;
  /** Set while Slack is "away": every `apps.connections.open` fails this way. */
  connectionsOpenFailure: ConnectionsOpenFailure | undefined;

  constructor(private readonly options: SlackEmulatorOptions) {
    super();
    this.targetUrl = options.targetUrl;
    this.state = {
      workspace: options.workspace,
      baseUrl: '',
      views: new Map(),
      uploads: new Map(),
      messages: new Map(),
      ims: new Map(),
      nextId: (prefix) => `${prefix}${String(++this.sequence).padStart(prefix ? 8 : 1, '0')}`,
    };
    this.socketMode = new SocketModeServer(options.workspace.appId, {
      ackTimeoutMs: 3000,
      eventRetries: 3,
      connectWaitMs: 10_000,
      ...options.socketMode,
    });
  }

  get transport(): 'http' | 'socket' {
    return this.options.transport ?? 'http';
  }

  get workspace(): Workspace {
    return this.options.workspace;
  }

  get apiUrl(): string {
    return `${this.state.baseUrl}api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => sendJson(res, 500, { ok: false, error: String(error) }));
    });
    this.socketMode.attach(this.server);
    await new Promise<void>((resolve) => this.server?.listen(this.options.port ?? 0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.state.baseUrl = `http://127.0.0.1:${port}/`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await this.socketMode.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  setTarget(url: string): void {
    this.targetUrl = url;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first call (already made or still to come) to `method` that matches. */
  waitForCall(
    method: string,
    matches: (call: RecordedCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<RecordedCall> {
    const found = this.calls.find((c) => c.method === method && matches(c));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onCall = (call: RecordedCall) => {
        if (call.method !== method || !matches(call)) return;
        clearTimeout(timer);
        this.off('call', onCall);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.off('call', onCall);
        reject(new Error(`no ${method} call within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on('call', onCall);
    });
  }

  private readonly failures = new Map<string, EmulatedFailure[]>();

  /**
   * The next calls to `target` (a Web API method, `response_url` or `upload`)
   * fail as given, one failure a call, in order; later calls succeed again.
   */
  failNext(target: string, ...failures: EmulatedFailure[]): void {
    this.failures.set(target, [...(this.failures.get(target) ?? []), ...failures]);
  }

  private fail(res: ServerResponse, target: string, args: WebApiArgs, failure: EmulatedFailure): void {
    this.record(target, args, { ok: false, error: `emulated ${JSON.stringify(failure)}` });
    if ('hangMs' in failure) {
      // Slack that never answers: the connection stays open until the client gives up (or the time passes).
      const timer = setTimeout(() => res.destroy(), failure.hangMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if ('error' in failure) return sendJson(res, 200, { ok: false, error: failure.error });
    const headers = failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
    res.writeHead(failure.status, { 'content-type': 'text/plain', ...headers }).end(`emulated ${failure.status}`);
  }

  /** Every message, view or ack that Slack would have refused for a field over its limits. */
  readonly limitProblems: { where: string; problems: string[] }[] = [];

  private checkLimits(where: string, payload: unknown): string[] {
    const problems = slackLimitProblems(payload);
    if (problems.length > 0) this.limitProblems.push({ where, problems });
    return problems;
  }

  private record(method: string, args: WebApiArgs, response: Record<string, unknown>) {
    const call = { method, args, response, at: Date.now() };
    this.calls.push(call);
    this.emit('call', call);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.state.baseUrl);
    const raw = await readBody(req);
    const contentType = req.headers['content-type'] ?? '';
    const [, kind, id] = url.pathname.split('/');
    if (req.method === 'POST' && kind === 'api' && id === 'apps.connections.open') return this.openConnection(req, res);
    const target =
      kind === 'api' ? id : kind === 'response' ? 'response_url' : kind === 'upload' ? 'upload' : undefined;
    const failure = target ? this.failures.get(target)?.shift() : undefined;
    if (failure && target) return this.fail(res, target, parseArgs(raw, contentType), failure);
    if (req.method === 'POST' && kind === 'api' && id) {
      const args = parseArgs(raw, contentType);
      const method = webApiMethods[id];
      const problems = checkedMethods.has(id) ? this.checkLimits(id, id.startsWith('views.') ? args.view : args) : [];
      const response =
        problems.length > 0
          ? { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems } }
          : method
            ? method(args, this.state)
            : { ok: false, error: 'unknown_method' };
      this.record(id, args, response);
      return sendJson(res, 200, response);
    }
    if (req.method === 'POST' && kind === 'upload' && id) {
      const upload = this.state.uploads.get(id);
      if (!upload) return sendJson(res, 404, { ok: false });
      upload.data = raw;
      upload.contentType = contentType;
      this.record('upload', { file_id: id, bytes: raw.length }, { ok: true });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
      return;
    }
    if (req.method === 'POST' && kind === 'response' && id) {
      const args = { ...parseArgs(raw, contentType), response_url_id: id };
      if (this.checkLimits('response_url', args).length > 0)
        return sendJson(res, 400, { ok: false, error: 'invalid_blocks' });
      this.record('response_url', args, { ok: true });
      return sendJson(res, 200, { ok: true });
    }
    sendJson(res, 404, { ok: false, error: 'not_found' });
  }

  /** Socket Mode's front door: checks the app-level token and hands out a one-use WebSocket URL. */
  private openConnection(req: IncomingMessage, res: ServerResponse) {
    if (this.connectionsOpenFailure === 'reset') {
      this.record('apps.connections.open', {}, { ok: false, error: 'connection_reset' });
      req.socket.destroy();
      return;
    }
    if (this.connectionsOpenFailure === '503') {
      this.record('apps.connections.open', {}, { ok: false, error: 'http_503' });
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const response =
      this.options.appToken && token === this.options.appToken
        ? {
            ok: true,
            url: `${this.state.baseUrl.replace(/^http/, 'ws')}socket?ticket=${this.socketMode.issueTicket()}`,
          }
        : { ok: false, error: 'invalid_auth' };
    this.record('apps.connections.open', {}, response);
    sendJson(res, 200, response);
  }

  /** A request from the Slack client: a Socket Mode envelope, or a signed POST, as the transport says. */
  private async deliver(
    type: EnvelopeType,
    payload: unknown,
    httpBody: string,
    contentType?: string,
  ): Promise<SlackReply> {
    const reply =
      this.transport === 'http'
        ? await this.post(httpBody, contentType ? { contentType } : {})
        : await this.socketMode.deliver(type, payload).then((ack) =>
            // As for an HTTP request that took too long, the person sees a timeout.
            ack ? { status: 200, body: ack.payload } : { status: 408, body: undefined },
          );
    if (reply.status === 200) this.checkLimits(`${type} ack`, reply.body);
    return reply;
  }

  /** Signs and posts a raw body to Banto, as Slack does; `timestamp` lets tests send stale requests. */
  async post(
    body: string,
    {
      timestamp = Math.floor(Date.now() / 1000),
      signingSecret = this.options.signingSecret,
      contentType = 'application/x-www-form-urlencoded',
    } = {},
  ): Promise<SlackReply> {
    if (!this.targetUrl) throw new Error('the emulator has no target: call setTarget(url) first');
    const response = await fetch(this.targetUrl, {
      method: 'POST',
      headers: { 'content-type': contentType, ...signSlackRequest(signingSecret, body, timestamp) },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (safeJson(text) as Record<string, unknown>) : undefined };
  }

  private responseUrl(): string {
    return `${this.state.baseUrl}response/${this.state.nextId('R')}`;
  }

  private channelName(id: string | undefined): string {
    return this.workspace.channels.find((c) => c.id === id)?.name ?? 'unknown';
  }

  private userName(id: string): string {
    return this.workspace.users.find((u) => u.id === id)?.name ?? id;
  }

  /** The form Slack posts for a slash command. */
  commandBody(input: { userId: string; channelId: string; command: string; text?: string }): string {
    return new URLSearchParams(this.commandFields(input)).toString();
  }

  private commandFields({
    userId,
    channelId,
    command,
    text = '',
  }: {
    userId: string;
    channelId: string;
    command: string;
    text?: string;
  }): Record<string, string> {
    return {
      token: 'deprecated-verification-token',
      team_id: this.workspace.teamId,
      team_domain: this.workspace.teamDomain,
      channel_id: channelId,
      channel_name: this.channelName(channelId),
      user_id: userId,
      user_name: this.userName(userId),
      command,
      text,
      api_app_id: this.workspace.appId,
      is_enterprise_install: 'false',
      response_url: this.responseUrl(),
      trigger_id: this.state.nextId('T'),
    };
  }

  sendCommand(input: { userId: string; channelId: string; command: string; text?: string }): Promise<SlackReply> {
    const fields = this.commandFields(input);
    return this.deliver('slash_commands', fields, new URLSearchParams(fields).toString());
  }

  private interaction(payload: Record<string, unknown>): Promise<SlackReply> {
    return this.deliver('interactive', payload, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  }

  /**
   * Sends any value where Slack sends an interaction's payload (over HTTP as the
   * `payload` field of a signed form), or, with `slash_commands`, any fields where
   * Slack sends a command's: what a broken or hostile client might send.
   */
  sendRaw(type: 'interactive' | 'slash_commands', payload: unknown): Promise<SlackReply> {
    const form =
      type === 'interactive'
        ? new URLSearchParams({ payload: JSON.stringify(payload) })
        : new URLSearchParams(payload as Record<string, string>);
    return this.deliver(type, payload, form.toString());
  }

  private userRef(userId: string) {
    return { id: userId, username: this.userName(userId), name: this.userName(userId), team_id: this.workspace.teamId };
  }

  /** A button press, in a message (`channelId`) or in an open modal (`viewId`). */
  pressButton(input: {
    userId: string;
    actionId: string;
    blockId?: string;
    value?: string;
    channelId?: string;
    viewId?: string;
    messageTs?: string;
  }): Promise<SlackReply> {
    const view = input.viewId ? this.state.views.get(input.viewId) : undefined;
    return this.interaction({
      type: 'block_actions',
      team: { id: this.workspace.teamId, domain: this.workspace.teamDomain },
      user: this.userRef(input.userId),
      api_app_id: this.workspace.appId,
      trigger_id: this.state.nextId('T'),
      ...(input.channelId
        ? {
            channel: { id: input.channelId, name: this.channelName(input.channelId) },
            container: { type: 'message', channel_id: input.channelId, message_ts: input.messageTs ?? '0' },
            message: { ts: input.messageTs ?? '0' },
            response_url: this.responseUrl(),
          }
        : {}),
      ...(view ? { view, container: { type: 'view', view_id: input.viewId } } : {}),
      actions: [
        {
          type: 'button',
          action_id: input.actionId,
          block_id: input.blockId ?? 'actions',
          value: input.value,
          action_ts: String(Date.now() / 1000),
        },
      ],
    });
  }

  /** A message shortcut ("…" menu of a message) chosen by `userId` on `message` in `channelId`. */
  messageShortcut(input: {
    userId: string;
    channelId: string;
    callbackId: string;
    message: { text: string; user: string; ts?: string };
  }): Promise<SlackReply> {
    const ts = input.message.ts ?? `${Math.floor(Date.now() / 1000)}.000100`;
    return this.interaction({
      type: 'message_action',
      token: 'deprecated-verification-token',
      action_ts: String(Date.now() / 1000),
      team: { id: this.workspace.teamId, domain: this.workspace.teamDomain },
      user: this.userRef(input.userId),
      channel: { id: input.channelId, name: this.channelName(input.channelId) },
      is_enterprise_install: false,
      callback_id: input.callbackId,
      trigger_id: this.state.nextId('T'),
      response_url: this.responseUrl(),
      message_ts: ts,
      message: { type: 'message', user: input.message.user, ts, text: input.message.text },
    });
  }

  /** `userId` opens Banto's Home tab: the app_home_opened event, as Slack sends it. */
  openHomeTab(userId: string): Promise<SlackReply> {
    const ts = `${Math.floor(Date.now() / 1000)}.${this.state.nextId('').padStart(6, '0')}`;
    return this.deliverEvent({
      type: 'app_home_opened',
      user: userId,
      channel: `D${userId}`,
      tab: 'home',
      event_ts: ts,
    });
  }

  /** An event in the Events API's envelope (JSON, signed), as Slack delivers every one. */
  private deliverEvent(event: Record<string, unknown>): Promise<SlackReply> {
    const body = {
      token: 'deprecated-verification-token',
      team_id: this.workspace.teamId,
      api_app_id: this.workspace.appId,
      type: 'event_callback',
      event_id: this.state.nextId('Ev'),
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.workspace.teamId, user_id: this.workspace.botUserId, is_bot: true }],
      event,
    };
    return this.deliver('events_api', body, JSON.stringify(body), 'application/json');
  }

  /** An Events API callback (JSON, signed), e.g. an app_mention typed by `userId` in `channelId`. */
  sendEvent(input: {
    type: string;
    userId: string;
    channelId: string;
    text?: string;
    threadTs?: string;
  }): Promise<SlackReply> {
    const ts = `${Math.floor(Date.now() / 1000)}.${this.state.nextId('').padStart(6, '0')}`;
    return this.deliverEvent({
      type: input.type,
      user: input.userId,
      channel: input.channelId,
      text: input.text ?? '',
      ts,
      event_ts: ts,
      thread_ts: input.threadTs,
    });
  }

  /** Submits an open modal with `values[blockId][actionId]` given as plain strings (a select's option value for selects). */
  async submitView(input: {
    userId: string;
    viewId: string;
    values: Record<string, Record<string, string>>;
  }): Promise<SlackReply> {
    const view = this.state.views.get(input.viewId);
    if (!view) throw new Error(`no open view ${input.viewId}`);
    const blocks = (Array.isArray(view.blocks) ? view.blocks : []) as {
      block_id?: string;
      element?: { type?: string; options?: { value: string; text: unknown }[] };
    }[];
    const stateOf = (blockId: string, value: string) => {
      const element = blocks.find((b) => b.block_id === blockId)?.element;
      const type = element?.type ?? 'plain_text_input';
      if (type === 'static_select' || type === 'radio_buttons') {
        const option = element?.options?.find((o) => o.value === value);
        return { type, selected_option: option ?? null };
      }
      if (type === 'users_select') return { type, selected_user: value };
      if (type === 'datepicker') return { type, selected_date: value };
      return { type, value };
    };
    const values = Object.fromEntries(
      Object.entries(input.values).map(([blockId, actions]) => [
        blockId,
        Object.fromEntries(Object.entries(actions).map(([actionId, value]) => [actionId, stateOf(blockId, value)])),
      ]),
    );
    const reply = await this.interaction({
      type: 'view_submission',
      team: { id: this.workspace.teamId, domain: this.workspace.teamDomain },
      user: this.userRef(input.userId),
      api_app_id: this.workspace.appId,
      trigger_id: this.state.nextId('T'),
      view: { ...view, state: { values } },
    });
    // As in Slack, an answer of response_action "update" replaces the open modal in place.
    const next =
      reply.body?.response_action === 'update' ? (reply.body.view as Record<string, unknown> | undefined) : undefined;
    if (next) this.state.views.set(input.viewId, { ...next, id: input.viewId, hash: this.state.nextId('H') });
    return reply;
  }
}

export async function startSlackEmulator(options: SlackEmulatorOptions): Promise<SlackEmulator> {
  return new SlackEmulator(options).start();
}
