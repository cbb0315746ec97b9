import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { seedDemo } from '../seeds/demo.js';
import { createBolt, type BoltSetup, type Receiving, type SocketTimings } from './bolt.js';
import { createSystemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { openDatabase } from './db/connect.js';
import { BantoError } from './errors.js';
import { migrateLatest } from './db/migrate.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createMailApi } from './http/mail-api.js';
import { createStripeWebhook } from './http/stripe-webhook.js';
import { createHttpServer } from './http/server.js';
import { createStopStack, type StopStack } from './lifecycle.js';
import { registerListeners } from './listeners/index.js';
import { startSlackEmulator, type SlackEmulator } from './local/emulator.js';
import { demoWorkspace, type Workspace } from './local/workspace.js';
import { startDemoPartner, type DemoPartner } from './local/demo-partner.js';
import { createLogger, toSlackLogger } from './logger.js';
import { createAuditLog, type AuditLog } from './services/audit/audit-log.js';
import { checkHealth } from './services/health/check-health.js';
import type { JobDefinition } from './schedules/job.js';
import type { JobRunner } from './schedules/runner.js';
import type { MailService } from './services/mail/index.js';
import type { MailTransport } from './services/mail/transport.js';
import { renderUnanswered } from './views/unanswered.js';
import { createServices } from './wiring.js';

/** Banto's package.json: one level up from src/ when run by tsx, two from dist/src/ when compiled. */
function readVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    const path = new URL(up, import.meta.url);
    if (existsSync(path)) {
      const found = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version: string };
      if (found.name === 'banto') return found.version;
    }
  }
  return 'unknown';
}

const version = readVersion();

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
  /** Socket Mode: how long start-up waits for the first connection before it goes on and keeps trying (default 10 s). */
  socketConnectWaitMs?: number;
  /** Socket Mode's waits (default: Slack's; local mode reconnects faster). */
  socketTimings?: SocketTimings;
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
  /** Local mode's partner system (the sync source demo_crm), unless the config names sources of its own. */
  partner: DemoPartner | undefined;
  stop(): Promise<void>;
}

/** In local mode with no sync source configured, the demo partner is the source, so /sync-status has runs. */
async function startLocalPartner(config: Config, clock: Clock, stack: StopStack) {
  if (config.slack.mode !== 'local' || config.sync.sources.length > 0 || config.demoPartner === 'off')
    return { partner: undefined, config };
  const partner = await startDemoPartner(clock, { down: config.demoPartner === 'down' });
  stack.defer('demo partner', () => partner.stop());
  return { partner, config: { ...config, sync: { sources: [partner.source] } } };
}

async function seedIfEmpty(db: Knex, clock: Clock, logger: Logger, mail: MailService) {
  const row = await db('users').count({ n: '*' }).first();
  if (Number(row?.n ?? 0) > 0) return;
  const summary = await seedDemo(db, { now: clock.now(), zone: clock.zone });
  // The built-in templates come approved with the demo data, so local mode can send at once.
  const approved = await mail.approveAllDrafts('demo-seed');
  logger.info({ ...summary, approvedTemplates: approved }, 'seeded the empty embedded database with demo data');
}

async function listen(server: Server, port: number, host: string): Promise<string> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new BantoError('PORT_IN_USE', `port ${port} on ${host} is already in use; set PORT to a free one`);
    throw error;
  }
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${(server.address() as AddressInfo).port}`;
}

/** Opens the Socket Mode link; a refusal (a bad token) stops start-up, while a Slack that does not answer yet is waited for in the background. */
async function connectSocketMode(bolt: BoltSetup, logger: Logger, waitMs: number): Promise<void> {
  const started = bolt.app.start();
  started.catch((error: unknown) => logger.error({ err: error }, 'Socket Mode could not connect'));
  const timeout = new AbortController();
  const outcome = await Promise.race([
    started.then(() => 'connected' as const),
    delay(waitMs, 'waiting' as const, { signal: timeout.signal }),
  ]).finally(() => timeout.abort());
  if (outcome === 'waiting')
    logger.warn({ waitMs }, 'Slack has not answered yet; Banto keeps trying to connect in Socket Mode');
}

/** Slack for this mode: in local mode the emulator (stopped with the rest), then the Bolt app that talks to it or to Slack. */
async function connectSlack(options: StartOptions, logger: Logger, stack: StopStack) {
  const { config } = options;
  const local = config.slack.mode === 'local';
  const receiving: Receiving = local ? config.slack.localReceiver : config.slack.mode === 'socket' ? 'socket' : 'http';
  const signingSecret = local ? randomBytes(16).toString('hex') : config.slack.signingSecret;
  const appToken = local ? `xapp-local-${randomBytes(8).toString('hex')}` : config.slack.appToken;
  const workspace = options.workspace ?? demoWorkspace;
  const emulator = local
    ? await startSlackEmulator({ workspace, signingSecret: signingSecret ?? '', appToken, transport: receiving })
    : undefined;
  if (emulator) stack.defer('slack emulator', () => emulator.stop());
  // The emulator is on loopback: a dropped link is retried within a second.
  const loopback = { clientPingTimeoutMs: 1000, reconnectMinMs: 100, reconnectMaxMs: 1000 };
  const bolt = await createBolt({
    receiving,
    botToken: config.slack.botToken ?? 'xoxb-local-emulator',
    appToken,
    signingSecret,
    apiUrl: config.slack.apiUrl ?? emulator?.apiUrl,
    logger,
    slackLogger: toSlackLogger(logger),
    socketTimings: options.socketTimings ?? (local ? loopback : undefined),
    unanswered: (kind, reason) => renderUnanswered(kind, reason, config.locale),
  });
  return { bolt, emulator, receiving };
}

/** Templates imported, and demo data in an empty embedded database outside production. */
async function prepareData(options: StartOptions, db: Knex, clock: Clock, logger: Logger, mail: MailService) {
  const { config } = options;
  const imported = await mail.importTemplates();
  if (imported.length > 0) logger.info({ templates: imported }, 'imported new template versions as drafts');
  const embedded = config.databaseUrl.startsWith('sqlite:');
  if (options.seedIfEmpty ?? (embedded && config.env !== 'production')) await seedIfEmpty(db, clock, logger, mail);
}

/** The composition root: config in, a running Banto out; stop() undoes all of it, and so does a failure half-way. */
export async function startBanto(options: StartOptions): Promise<Banto> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? createSystemClock(config.timezone);
  const stack = createStopStack((name, error) =>
    logger.error({ err: error, resource: name }, 'could not stop cleanly'),
  );
  try {
    const db = openDatabase(config.databaseUrl, { log: logger });
    stack.defer('database', () => db.destroy());
    await migrateLatest(db);
    const { bolt, emulator, receiving } = await connectSlack(options, logger, stack);
    const local = await startLocalPartner(config, clock, stack);
    const metrics = createMetrics();
    const audit = createAuditLog({ db, logger });
    stack.defer('audit log', () => audit.close());
    const { extraJobs, mailTransport } = options;
    const host = `${hostname()}:${process.pid}`;
    const services = createServices({
      config: local.config,
      db,
      clock,
      logger,
      client: bolt.app.client,
      botUserId: () => bolt.botUserId,
      host,
      extraJobs,
      mailTransport,
    });
    const { jobs, mail, providerEvents } = services;
    await prepareData(options, db, clock, logger, mail);

    const billingChannel = config.channels.billing;
    const listeners = registerListeners(bolt.app, {
      ...services,
      clock,
      locale: config.locale,
      logger,
      audit,
      billingChannel,
      onRequestFinished: metrics.recordSlackRequest,
    });
    stack.defer('listeners', () => listeners.drain());

    const slack = bolt.socketState ?? (() => 'http' as const);
    const health = () => checkHealth({ db, slack, mode: config.slack.mode, env: config.env, version });
    const server: Server = createHttpServer({
      logger,
      metrics,
      slackEvents: bolt.slackEvents,
      api: createMailApi({ mail, token: config.apiToken }),
      posts: config.stripeWebhookSecret
        ? {
            '/webhooks/stripe': createStripeWebhook({
              secret: config.stripeWebhookSecret,
              clock,
              logger,
              record: providerEvents.record,
              onStored: providerEvents.postSoon,
            }),
          }
        : {},
      health,
    });
    const url = await listen(server, config.port, options.host ?? (emulator ? '127.0.0.1' : '0.0.0.0'));
    stack.defer(
      'http server',
      () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeIdleConnections())),
    );
    emulator?.setTarget(`${url}/slack/events`);
    if (bolt.socketState) {
      stack.defer('socket mode', () => bolt.app.stop().then(() => undefined));
      await connectSocketMode(bolt, logger, options.socketConnectWaitMs ?? 10_000);
    }
    if (options.runSchedules ?? true) {
      stack.defer('schedules', () => jobs.stop());
      await jobs.start();
    }
    if (options.runMailSender ?? true) {
      stack.defer('mail sender', () => mail.sender.stop());
      mail.sender.start();
    }
    logger.info({ mode: config.slack.mode, receiving, url, env: config.env, version }, 'ready');
    return {
      config,
      db,
      audit,
      metrics,
      bolt,
      jobs,
      mail,
      url,
      emulator,
      partner: local.partner,
      stop: async () => void (await stack.unwind()),
    };
  } catch (error) {
    await stack.unwind();
    throw error;
  }
}
