import { renameSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
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

/** The sender's side of the point of no return (see prepareHandOver). */
export interface HandOver {
  /** Everything that may wait: checks and a ready connection. If it throws, nothing is committed. */
  prepare(): Promise<void>;
  /** The record, synchronous; the transport commits the message right after it. If it throws, nothing is committed. */
  commit(): void;
  /** The message stopped between prepare and commit. */
  abandon(): void;
}

export interface MailTransport {
  /** How many messages may be in flight at once. */
  readonly concurrency: number;
  /** Sends one message, handing it over at the last moment before it is committed (SMTP: the final dot; files: the rename). */
  deliver(mail: OutgoingMail, handOver: HandOver): Promise<DeliveryReceipt>;
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
 * The message as nodemailer's SMTP connection sees it. Once the server has
 * said 354 to DATA, the connection pipes it into its data stream (which
 * escapes dots and ends with the final dot). The bytes flow at once; the end
 * is held back until the hand-over is prepared, then the record is written
 * and the data stream ended in one synchronous step, so the final dot reaches
 * the socket right after the record, with no turn of the event loop between.
 */
class HandedOverMessage extends Readable {
  private started = false;
  private destination: NodeJS.WritableStream | undefined;

  constructor(
    private readonly source: Readable,
    private readonly handOver: HandOver,
  ) {
    super();
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T): T {
    this.destination = destination;
    return super.pipe(destination, { end: false });
  }

  override _read(): void {
    if (this.started) return;
    this.started = true;
    // Transactional mail is small: one buffer, one write.
    const chunks: Buffer[] = [];
    this.source.on('data', (chunk: Buffer) => chunks.push(chunk));
    this.source.once('error', (error) => this.destroy(error));
    this.source.once('end', () => {
      this.push(Buffer.concat(chunks));
      this.handOver.prepare().then(
        () => this.commitAndEnd(),
        (error: unknown) => this.destroy(error as Error),
      );
    });
  }

  private commitAndEnd(): void {
    if (this.destroyed) return this.handOver.abandon();
    try {
      this.handOver.commit();
    } catch (error) {
      this.destroy(error as Error);
      return;
    }
    this.push(null);
    const destination = this.destination;
    if (!destination) return;
    // The bytes were written to the data stream when pushed; should they still wait here, the end follows them.
    if (this.readableLength === 0) destination.end();
    else this.once('end', () => destination.end());
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
  // The pool pipes the message stream only once the server has said 354 to DATA.
  transporter.use('stream', (mail, done) => {
    const handOver = (mail.data as Record<string, unknown>)[handOverKey] as HandOver | undefined;
    const message = mail.message as unknown as { createReadStream(): Readable };
    if (handOver) {
      const create = message.createReadStream.bind(message);
      message.createReadStream = () => new HandedOverMessage(create(), handOver);
    }
    done();
  });
  return {
    concurrency: connections,
    async deliver(mail, handOver) {
      const info = await transporter.sendMail({ ...mail, [handOverKey]: handOver } as SendMailOptions);
      const response = String(info.response ?? '');
      const providerMessageId =
        /queued as ([\w.-]+)/i.exec(response)?.[1] ?? (info.messageId as string | undefined) ?? null;
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
    concurrency: 4,
    async deliver(mail, handOver) {
      await (ready ??= mkdir(join(dir, '.partial'), { recursive: true }));
      const info = await composer.sendMail(mail);
      const file = `${mail.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_')}.eml`;
      const partial = join(dir, '.partial', file);
      await writeFile(partial, info.message as Buffer);
      await handOver.prepare();
      try {
        handOver.commit();
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      renameSync(partial, join(dir, file));
      return { response: `written ${file}`, providerMessageId: file };
    },
    async close() {
      composer.close();
    },
  };
}
