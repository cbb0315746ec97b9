import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { seedDemo } from '../seeds/demo.js';
import { createBolt, type BoltSetup } from './bolt.js';
import { createSystemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { openDatabase } from './db/connect.js';
import { BantoError } from './errors.js';
import { migrateLatest } from './db/migrate.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createMailApi } from './http/mail-api.js';
import { createHttpServer } from './http/server.js';
import { registerListeners } from './listeners/index.js';
import { startSlackEmulator, type SlackEmulator } from './local/emulator.js';
import { demoWorkspace, type Workspace } from './local/workspace.js';
import { createLogger, toSlackLogger } from './logger.js';
import { createAuditLog, type AuditLog } from './services/audit/audit-log.js';
import { checkHealth } from './services/health/check-health.js';
import type { JobDefinition } from './schedules/job.js';
import type { JobRunner } from './schedules/runner.js';
import type { MailService } from './services/mail/index.js';
import type { MailTransport } from './services/mail/transport.js';
import { createServices } from './wiring.js';

export const version: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface StartOptions {
  config: Config;
  logger?: Logger;
  clock?: Clock;
  /** Local mode: the workspace the emulator plays (default: the demo workspace). */
  workspace?: Workspace;
  /** Seed demo data into an empty embedded database (default: SQLite outside production). */
  seedIfEmpty?: boolean;
  host?: string;
  /** Jobs beyond the schedule table (tests); they follow the same overrides. */
  extraJobs?: JobDefinition[];
  /** Start the schedule timers and catch up (default true). */
  runSchedules?: boolean;
  /** Start the mail sender (default true). */
  runMailSender?: boolean;
  mailTransport?: MailTransport;
}

export interface Banto {
  config: Config;
  db: Knex;
  audit: AuditLog;
  metrics: Metrics;
  bolt: BoltSetup;
  jobs: JobRunner;
  mail: MailService;
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:3000 */
  url: string;
  emulator: SlackEmulator | undefined;
  stop(): Promise<void>;
}

async function seedIfEmpty(db: Knex, clock: Clock, logger: Logger, mail: MailService) {
  const row = await db('users').count({ n: '*' }).first();
  if (Number(row?.n ?? 0) > 0) return;
  const summary = await seedDemo(db, { now: clock.now(), zone: clock.zone });
  // The built-in templates come approved with the demo data, so local mode can send at once.
  const approved = await mail.approveAllDrafts('demo-seed');
  logger.info({ ...summary, approvedTemplates: approved }, 'seeded the empty embedded database with demo data');
}

/** The composition root: config in, a running Banto out; stop() undoes all of it. */
export async function startBanto(options: StartOptions): Promise<Banto> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? createSystemClock(config.timezone);
  const db = openDatabase(config.databaseUrl);
  await migrateLatest(db);

  const local = config.slack.mode === 'local';
  const signingSecret = local ? randomBytes(16).toString('hex') : config.slack.signingSecret;
  const emulator = local ? await startSlackEmulator({ workspace: options.workspace ?? demoWorkspace, signingSecret: signingSecret ?? '' }) : undefined;
  const bolt = await createBolt({
    mode: config.slack.mode,
    botToken: config.slack.botToken ?? 'xoxb-local-emulator',
    appToken: config.slack.appToken,
    signingSecret,
    apiUrl: config.slack.apiUrl ?? emulator?.apiUrl,
    logger,
    slackLogger: toSlackLogger(logger),
  });

  const metrics = createMetrics();
  const audit = createAuditLog({ db, logger });
  let services: ReturnType<typeof createServices>;
  try {
    services = createServices({ config, db, clock, logger, client: bolt.app.client, botUserId: () => bolt.botUserId, host: `${hostname()}:${process.pid}`, extraJobs: options.extraJobs, mailTransport: options.mailTransport });
    const imported = await services.mail.importTemplates();
    if (imported.length > 0) logger.info({ templates: imported }, 'imported new template versions as drafts');
    const embedded = config.databaseUrl.startsWith('sqlite:');
    if (options.seedIfEmpty ?? (embedded && config.env !== 'production')) await seedIfEmpty(db, clock, logger, services.mail);
  } catch (error) {
    await emulator?.stop();
    await db.destroy();
    throw error;
  }
  const { roles, checkBillingChannel, payments, jobs, mail } = services;

  const listeners = registerListeners(bolt.app, {
    clock,
    locale: config.locale,
    logger,
    roles,
    audit,
    payments,
    mail,
    jobs,
    billingChannel: config.channels.billing,
    checkBillingChannel,
    onRequestFinished: metrics.recordSlackRequest,
  });

  const server: Server = createHttpServer({
    logger,
    metrics,
    slackEvents: bolt.slackEvents,
    api: createMailApi({ db, mail, token: config.apiToken }),
    health: () => checkHealth({ db, mode: config.slack.mode, env: config.env, version }),
  });
  const host = options.host ?? (local ? '127.0.0.1' : '0.0.0.0');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, host, resolve);
    });
  } catch (error) {
    await Promise.all([emulator?.stop(), audit.close()]);
    await db.destroy();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new BantoError('PORT_IN_USE', `port ${config.port} on ${host} is already in use; set PORT to a free one`);
    }
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  emulator?.setTarget(`${url}/slack/events`);
  if (config.slack.mode === 'socket') await bolt.app.start();
  if (options.runSchedules ?? true) await jobs.start();
  if (options.runMailSender ?? true) mail.sender.start();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await jobs.stop();
      await mail.sender.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      if (config.slack.mode === 'socket') await bolt.app.stop();
      await listeners.drain();
      await emulator?.stop();
      await audit.close();
      await db.destroy();
    })());

  logger.info({ mode: config.slack.mode, url, env: config.env, version }, 'ready');
  return { config, db, audit, metrics, bolt, jobs, mail, url, emulator, stop };
}
