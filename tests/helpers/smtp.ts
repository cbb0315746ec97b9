import type { AddressInfo, Socket } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait.js';

export interface ReceivedMail {
  outboxId: string;
  envelopeTo: string[];
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
}

export interface SmtpSink {
  port: number;
  url: string;
  /** How many messages the server has accepted. */
  count(): number;
  /** Every accepted message, in order, parsed by mailparser. */
  messages(): Promise<ReceivedMail[]>;
  /** The X-Banto-Outbox-Id of every accepted message, read without a full parse. */
  outboxIds(): string[];
  clear(): void;
  waitForCount(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface SinkOptions {
  port?: number;
  /** Answers RCPT TO for an address: undefined to accept, or an SMTP error. */
  refuseRecipient?: (address: string) => { code: number; message: string } | undefined;
  /** Called with the count once a message is accepted; true drops the connection instead of answering 250. */
  dropAfterAccepting?: (count: number) => boolean;
}

/**
 * A real SMTP server on loopback (smtp-server) that keeps what it accepts.
 * Parsing waits until a test asks, so the server reads as promptly as a real
 * MTA would while a sender is pushing mail at it.
 */
export async function startSmtpSink({
  port = 0,
  refuseRecipient,
  dropAfterAccepting,
}: SinkOptions = {}): Promise<SmtpSink> {
  let accepted: { raw: Buffer; envelopeTo: string[] }[] = [];
  const sockets = new Map<number | undefined, Socket>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refusal = refuseRecipient?.(address.address);
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        accepted.push({ raw: Buffer.concat(chunks), envelopeTo });
        if (dropAfterAccepting?.(accepted.length)) return sockets.get(session.remotePort)?.destroy();
        callback(null, `OK: queued as SINK${accepted.length}`);
      });
    },
  });
  server.server.on('connection', (socket: Socket) => sockets.set(socket.remotePort, socket));
  // A sender killed mid-transaction resets its connections; that is the point of some tests, not a failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    count: () => accepted.length,
    messages: () =>
      Promise.all(
        accepted.map(async ({ raw, envelopeTo }) => {
          const mail = await simpleParser(raw);
          return {
            outboxId: String(mail.headers.get('x-banto-outbox-id') ?? ''),
            envelopeTo,
            to: mail.to && !Array.isArray(mail.to) ? mail.to.text : '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            headers: mail.headers,
          };
        }),
      ),
    outboxIds: () => accepted.map(({ raw }) => /^X-Banto-Outbox-Id: *(\d+)/im.exec(raw.toString('latin1'))?.[1] ?? ''),
    clear: () => {
      accepted = [];
    },
    async waitForCount(count, timeoutMs = 15_000) {
      await waitFor(`${count} messages at the sink`, () => accepted.length >= count, timeoutMs).catch(() => {
        throw new Error(`the sink has ${accepted.length} messages, not ${count}, after ${timeoutMs} ms`);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
