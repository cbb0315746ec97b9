import type { Command } from 'commander';
import type { Logger } from 'pino';
import { startBanto } from '../app.js';
import { loadConfig } from '../config.js';
import { BantoError } from '../errors.js';
import { slashCommands } from '../listeners/registry.js';
import { startConsole } from '../local/console.js';
import { createLogger } from '../logger.js';

/** SIGTERM's budget: requests in flight answered, audit rows written, mail claims released; then exit regardless. */
const stopDeadlineMs = 10_000;

/**
 * A promise nobody awaited is logged and Banto goes on: one bad request must
 * not end the process for everyone. A thrown exception leaves the process in an
 * unknown state, so Banto stops the normal way (audit rows written) and exits 1.
 */
function handleProcessFailures(logger: Logger, stop: (code: number) => void): void {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection; Banto goes on'));
  process.once('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; stopping');
    stop(1);
  });
}

async function run({ withConsole }: { withConsole: boolean | 'if-tty' }): Promise<void> {
  const config = await loadConfig();
  if (withConsole === true && config.slack.mode !== 'local') {
    throw new BantoError(
      'CONSOLE_NEEDS_LOCAL_MODE',
      'the console drives the local Slack emulator; unset SLACK_BOT_TOKEN to use it',
    );
  }
  const logger = createLogger(config.logLevel);
  const banto = await startBanto({ config, logger });
  process.stdout.write(
    `Banto ready in ${config.slack.mode} mode on ${banto.url} (env ${config.env}, database ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')})\n`,
  );
  if (banto.emulator) process.stdout.write(`Slack emulator at ${banto.emulator.apiUrl}\n`);

  let stopping = false;
  const stop = (code = 0) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      logger.error({ deadlineMs: stopDeadlineMs }, 'stop took too long; exiting');
      process.exit(1);
    }, stopDeadlineMs).unref();
    banto.stop().then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };
  handleProcessFailures(logger, stop);
  process.once('SIGTERM', () => stop());
  process.once('SIGINT', () => stop());

  const interactive = withConsole === true || (withConsole === 'if-tty' && process.stdin.isTTY === true);
  if (banto.emulator && interactive) {
    const session = startConsole({
      emulator: banto.emulator,
      input: process.stdin,
      output: process.stdout,
      terminal: process.stdin.isTTY === true,
      commands: slashCommands(),
      partner: banto.partner,
    });
    await session.closed;
    stop(0);
  }
}

export function registerStartCommand(start: Command): void {
  start.action(() => run({ withConsole: 'if-tty' }));
}

export function registerConsoleCommand(console: Command): void {
  console.action(() => run({ withConsole: true }));
}
