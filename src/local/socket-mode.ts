import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

/** The kinds of envelope Slack sends over a Socket Mode connection. */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  /** What Slack puts here is an object; tests of Banto's edge send anything. */
  payload: unknown;
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

/** What the app sent back for one envelope: its acknowledgement's payload, if any. */
export interface EnvelopeAck {
  envelopeId: string;
  payload: Record<string, unknown> | undefined;
}

export interface SocketModeOptions {
  /** How long Slack waits for an acknowledgement before it gives up on a command or retries an event. */
  ackTimeoutMs: number;
  /** How many times an unacknowledged event is sent again (Slack: 3). */
  eventRetries: number;
  /** How long a delivery waits for a connection when none is open (during a reconnect). */
  connectWaitMs: number;
}

interface Pending {
  envelope: Envelope;
  resolve(ack: EnvelopeAck | undefined): void;
  timer: NodeJS.Timeout;
}

/**
 * Slack's side of Socket Mode, on the emulator's own port: `apps.connections.open`
 * hands out `ws://…/socket?ticket=…`; each connection gets `hello`, then
 * envelopes; the app answers each with `{ envelope_id, payload }`. As Slack does,
 * an event left unacknowledged is sent again with `retry_attempt` and
 * `retry_reason: "timeout"`, and a command left unacknowledged is a timeout for
 * the person. Tests can ask for a reconnect or drop the socket.
 */
export class SocketModeServer extends EventEmitter<{ envelope: [Envelope]; ack: [EnvelopeAck]; connection: [number] }> {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private sockets: WebSocket[] = [];
  /** Connections told to reconnect: Slack sends them nothing new while it waits for them to close. */
  private readonly retiring = new WeakSet<WebSocket>();
  private sequence = 0;
  /** Connections opened so far (a reconnect adds one). */
  connections = 0;

  constructor(
    private readonly appId: string,
    private readonly options: SocketModeOptions,
  ) {
    super();
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/socket' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  /** A one-use ticket for `apps.connections.open`. */
  issueTicket(): string {
    const ticket = `t${++this.sequence}`;
    this.tickets.add(ticket);
    return ticket;
  }

  private accept(ws: WebSocket) {
    this.connections += 1;
    ws.on('message', (data) => this.onMessage(String(data)));
    // Slack pings every connection; the client treats a long silence as a dead link.
    const pinger = setInterval(() => ws.ping(), 10_000).unref();
    ws.on('close', () => {
      clearInterval(pinger);
      this.sockets = this.sockets.filter((s) => s !== ws);
    });
    ws.on('error', () => ws.terminate());
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.length + 1,
        connection_info: { app_id: this.appId },
        debug_info: { host: 'emulator', approximate_connection_time: 3600 },
      }),
    );
    this.sockets.push(ws);
    this.emit('connection', this.connections);
  }

  private onMessage(text: string) {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    const id = typeof message.envelope_id === 'string' ? message.envelope_id : '';
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    const payload =
      message.payload && typeof message.payload === 'object' && Object.keys(message.payload).length > 0
        ? (message.payload as Record<string, unknown>)
        : undefined;
    const ack = { envelopeId: id, payload };
    this.emit('ack', ack);
    pending.resolve(ack);
  }

  /** Waits for an open connection (a reconnect in progress), up to `connectWaitMs`. */
  private async socket(): Promise<WebSocket | undefined> {
    const open = () => this.sockets.findLast((s) => s.readyState === WebSocket.OPEN && !this.retiring.has(s));
    if (open()) return open();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.off('connection', done);
        resolve();
      };
      const timer = setTimeout(done, this.options.connectWaitMs);
      this.once('connection', done);
    });
    return open();
  }

  /** Sends an envelope; resolves with its acknowledgement, or undefined when none came in time (after the retries an event gets). */
  async deliver(type: EnvelopeType, payload: unknown): Promise<EnvelopeAck | undefined> {
    const envelope: Envelope = {
      envelope_id: `env-${++this.sequence}`,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      retry_attempt: 0,
      retry_reason: '',
    };
    const retries = type === 'events_api' ? this.options.eventRetries : 0;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const ack = await this.sendOnce(
        attempt === 0 ? envelope : { ...envelope, retry_attempt: attempt, retry_reason: 'timeout' },
      );
      if (ack) return ack;
    }
    return undefined;
  }

  private async sendOnce(envelope: Envelope): Promise<EnvelopeAck | undefined> {
    const ws = await this.socket();
    if (!ws) return undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope.envelope_id);
        resolve(undefined);
      }, this.options.ackTimeoutMs);
      this.pending.set(envelope.envelope_id, { envelope, resolve, timer });
      this.emit('envelope', envelope);
      ws.send(JSON.stringify(envelope));
    });
  }

  /** Slack's warning before it closes a connection: the app should open a new one. */
  requestReconnect(): void {
    for (const ws of this.sockets) {
      this.retiring.add(ws);
      ws.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'emulator' } }));
    }
  }

  /** The connection breaks without a word (a network failure). */
  dropConnections(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets = [];
  }

  async close(): Promise<void> {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.resolve(undefined);
    }
    this.pending.clear();
    this.dropConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
