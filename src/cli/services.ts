import { webApi } from '@slack/bolt';
import { pino } from 'pino';
import { createSystemClock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { migrateLatest } from '../db/migrate.js';
import { createServices } from '../wiring.js';

export type CliServices = ReturnType<typeof createServices>;

/** The services Banto runs with, without timers or an HTTP server: alerts go to Slack when a bot token is set, else to the log. */
export async function withServices<T>(use: (services: CliServices, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateLatest(db);
    const client = config.slack.botToken
      ? new webApi.WebClient(config.slack.botToken, { slackApiUrl: config.slack.apiUrl })
      : undefined;
    const services = createServices({
      config,
      db,
      clock: createSystemClock(config.timezone),
      logger: pino({ level: config.logLevel }, process.stderr),
      client,
      botUserId: () => undefined,
      host: `cli:${process.pid}`,
    });
    try {
      return await use(services, config);
    } finally {
      await services.mail.sender.stop();
    }
  } finally {
    await db.destroy();
  }
}
