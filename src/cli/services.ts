import { pino } from 'pino';
import { createSystemClock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { createWebClient, resolveBotIdentity } from '../slack-client.js';
import { createServices, type ServiceWiring } from '../wiring.js';
import { openCliDatabase, type Access } from './database.js';

export type CliServices = ReturnType<typeof createServices>;

/**
 * The services Banto runs with, without timers or an HTTP server: alerts go to Slack when a bot token is set, else
 * to the log. `access` says whether the command writes: on a production profile a reading command gets a read-only
 * session, and a writing one must be confirmed first (database.ts).
 */
export async function withServices<T>(
  access: Access,
  use: (services: CliServices, config: Config) => Promise<T>,
  wiring: Pick<ServiceWiring, 'onJobAttemptFailed'> = {},
): Promise<T> {
  const config = await loadConfig();
  const db = await openCliDatabase(config, access);
  const logger = pino({ level: config.logLevel }, process.stderr);
  try {
    const { botToken, apiUrl } = config.slack;
    const client = botToken ? createWebClient(botToken, { apiUrl }) : undefined;
    // Like the app: the billing-channel guard must know the bot is a member, not an outsider.
    const identity = botToken ? await resolveBotIdentity(botToken, { apiUrl }, logger) : undefined;
    const services = createServices({
      config,
      db,
      clock: createSystemClock(config.timezone),
      logger,
      client,
      botUserId: () => identity?.botUserId,
      host: `cli:${process.pid}`,
      ...wiring,
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
