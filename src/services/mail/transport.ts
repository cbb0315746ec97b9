import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import nodemailer, { type SendMailOptions } from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

export interface DeliveryReceipt {
  /** The server's last answer, e.g. `250 OK: queued as 1A2B`. */
  response: string;
  providerMessageId: string | null;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'files';
  /** How many messages may be in flight at once. */
  readonly concurrency: number;
  /**
   * Sends one message. `handOver` is awaited at the last moment before the
   * message is committed (SMTP: before the final dot; files: before the
   * rename); if it throws, nothing is committed.
   */
  deliver(mail: OutgoingMail, handOver: () => Promise<void>): Promise<DeliveryReceipt>;
  close(): Promise<void>;
}

export interface SmtpOptions {
  url: string;
  connections: number;
  /** Messages per second over all connections; 0 for no limit. */
  ratePerSecond: number;
}

const handOverKey = 'bantoHandOver';

/**
 * The message's bytes, held back at the end until `handOver` resolves: the SMTP
 * client writes the final dot only after that. Nothing is read from the source
 * before the client asks (after the server's 354), so the hand-over cannot
 * happen early.
 */
class HeldBackEnd extends Readable {
  private started = false;

  constructor(
    private readonly source: Readable,
    private readonly handOver: () => Promise<void>,
  ) {
    super();
  }

  override _read(): void {
    if (this.started) return;
    this.started = true;
    // Transactional mail is small: one buffer, one write to the socket, then the hand-over, then the dot.
    const chunks: Buffer[] = [];
    this.source.on('data', (chunk: Buffer) => chunks.push(chunk));
    this.source.once('error', (error) => this.destroy(error));
    this.source.once('end', () => {
      this.push(Buffer.concat(chunks));
      this.handOver().then(
        () => this.push(null),
        (error: unknown) => this.destroy(error as Error),
      );
    });
  }
}

/** nodemailer's pooled SMTP transport (connections, rate limit), with the hand-over point placed before the final dot. */
export function createSmtpTransport({ url, connections, ratePerSecond }: SmtpOptions): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: connections,
    maxMessages: Infinity,
    ...(ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: ratePerSecond } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  // The pool asks for the message stream only once the server has said 354 to DATA.
  transporter.use('stream', (mail, done) => {
    const handOver = (mail.data as Record<string, unknown>)[handOverKey] as (() => Promise<void>) | undefined;
    const message = mail.message as unknown as { createReadStream(): Readable };
    if (handOver) {
      const create = message.createReadStream.bind(message);
      message.createReadStream = () => new HeldBackEnd(create(), handOver);
    }
    done();
  });
  return {
    kind: 'smtp',
    concurrency: connections,
    async deliver(mail, handOver) {
      const info = await transporter.sendMail({ ...mail, [handOverKey]: handOver } as SendMailOptions);
      const response = String(info.response ?? '');
      const providerMessageId = /queued as ([\w.-]+)/i.exec(response)?.[1] ?? (info.messageId as string | undefined) ?? null;
      return { response, providerMessageId };
    },
    async close() {
      transporter.close();
    },
  };
}

/** Without SMTP_URL: each message becomes `{dir}/{id}.eml`, written aside and renamed into place. */
export function createFileTransport(dir: string): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let ready: Promise<unknown> | undefined;
  return {
    kind: 'files',
    concurrency: 4,
    async deliver(mail, handOver) {
      await (ready ??= mkdir(join(dir, '.partial'), { recursive: true }));
      const info = await composer.sendMail(mail);
      const file = `${mail.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_')}.eml`;
      const partial = join(dir, '.partial', file);
      await writeFile(partial, info.message as Buffer);
      await handOver();
      await rename(partial, join(dir, file));
      return { response: `written ${file}`, providerMessageId: file };
    },
    async close() {
      composer.close();
    },
  };
}
