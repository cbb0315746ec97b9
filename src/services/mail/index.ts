import type { Knex } from 'knex';
import { Duration, type DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { BantoError } from '../../errors.js';
import { enqueueMail, findMail, recentMailOf, type MailRequest } from './outbox.js';
import { createMailSender, type MailSender } from './sender.js';
import { renderMail, sampleParams } from './render.js';
import { approveBulkResend, findCustomer, requestBulkResend, resendMail } from './resend.js';
import { readMailStatus } from './status.js';
import {
  approveAllDrafts,
  decideTemplate,
  findTemplateVersion,
  importTemplates,
  listTemplates,
  readTemplateFiles,
  recordTestSend,
} from './templates.js';
import { createFileTransport, createSmtpTransport, type MailTransport } from './transport.js';

export interface MailServiceDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'env' | 'smtpUrl' | 'mailFrom' | 'mail'>;
  /** Default: pooled SMTP when SMTP_URL is set, else .eml files in mail.output_dir. */
  transport?: MailTransport;
}

/** The outbox as the rest of Banto sees it: queue a message, look one up; the sender does the rest. */
export function createMailService({ db, clock, logger, config, transport }: MailServiceDeps) {
  const { mail } = config;
  const sender: MailSender = createMailSender({
    db,
    clock,
    logger,
    transport:
      transport ??
      (config.smtpUrl
        ? createSmtpTransport({ url: config.smtpUrl, connections: mail.connections, ratePerSecond: mail.ratePerSecond })
        : createFileTransport(mail.outputDir)),
    settings: {
      env: config.env,
      testRecipient: mail.testRecipient,
      from: config.mailFrom,
      batchSize: mail.batchSize,
      lease: Duration.fromObject({ seconds: mail.leaseSeconds }),
      poll: Duration.fromObject({ seconds: mail.pollSeconds }),
      retry: {
        maxAttempts: mail.retry.maxAttempts,
        first: Duration.fromObject({ seconds: mail.retry.firstSeconds }),
        max: Duration.fromObject({ seconds: mail.retry.maxSeconds }),
      },
    },
  });
  return {
    sender,
    async enqueue(request: MailRequest) {
      const queued = await enqueueMail(db, request, clock.now());
      if (queued.created) sender.wake();
      return queued;
    },
    find: (id: number) => findMail(db, id),
    recentOf: (who: { userId?: string; email?: string }, limit?: number) => recentMailOf(db, who, limit),
    /** Reads templates/ and stores what changed as new draft versions. */
    importTemplates: () => importTemplates(db, readTemplateFiles(mail.templatesDir), clock.now()),
    approveAllDrafts: (by: string) => approveAllDrafts(db, by, clock.now()),
    templates: () => listTemplates(db),
    decide: (id: number, decision: 'approve' | 'reject', userId: string) =>
      decideTemplate(db, { id, decision, userId, at: clock.now() }),
    /** A draft (or any version) rendered with its sample values, to the staff member reviewing it. */
    async sendTest(id: number, userId: string, to: string) {
      const version = await findTemplateVersion(db, id);
      if (!version) throw new BantoError('TEMPLATE_NOT_FOUND', `no template version ${id}`);
      const queued = await enqueueMail(
        db,
        {
          template: version.name,
          version,
          purpose: 'test',
          to,
          params: sampleParams(version.params),
          dedupeKey: `test:${id}:${userId}:${clock.nowMs()}`,
          requestedBy: userId,
        },
        clock.now(),
      );
      await recordTestSend(db, { id, userId, at: clock.now() });
      sender.wake();
      return queued.id;
    },
    findCustomer: (query: string) => findCustomer(db, query),
    /** The address of user `id`, for mail addressed by user id; undefined when there is no such user. */
    emailOfUser: async (id: string) => (/^\d+$/.test(id) ? (await findCustomer(db, id))?.email : undefined),
    /** A template version and its preview with the sample values, for the executive reviewing it. */
    async review(id: number) {
      const version = await findTemplateVersion(db, id);
      return version && { version, preview: renderMail(version, sampleParams(version.params)) };
    },
    async resend(id: number, requestedBy: string) {
      const created = await resendMail(db, { id, requestedBy, at: clock.now() });
      sender.wake();
      return created;
    },
    requestBulkResend: (input: { requestedBy: string; from: DateTime; to: DateTime; label: string }) =>
      requestBulkResend(db, { ...input, at: clock.now() }),
    async approveBulkResend(id: number, approvedBy: string) {
      const result = await approveBulkResend(db, { id, approvedBy, at: clock.now() });
      sender.wake();
      return result;
    },
    status: (from: DateTime, to: DateTime) => readMailStatus(db, from, to),
  };
}

export type MailService = ReturnType<typeof createMailService>;
