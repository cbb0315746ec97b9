import type { Command } from 'commander';
import { startBanto } from '../app.js';
import { loadConfig } from '../config.js';
import { BantoError } from '../errors.js';
import { slashCommands } from '../listeners/registry.js';
import { startConsole } from '../local/console.js';

async function run({ withConsole }: { withConsole: boolean | 'if-tty' }): Promise<void> {
  const config = loadConfig();
  if (withConsole === true && config.slack.mode !== 'local') {
    throw new BantoError(
      'CONSOLE_NEEDS_LOCAL_MODE',
      'the console drives the local Slack emulator; unset SLACK_BOT_TOKEN to use it',
    );
  }
  const banto = await startBanto({ config });
  process.stdout.write(
    `Banto ready in ${config.slack.mode} mode on ${banto.url} (env ${config.env}, database ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')})\n`,
  );
  if (banto.emulator) process.stdout.write(`Slack emulator at ${banto.emulator.apiUrl}\n`);

  const stop = () => {
    banto.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  const interactive = withConsole === true || (withConsole === 'if-tty' && process.stdin.isTTY === true);
  if (banto.emulator && interactive) {
    const session = startConsole({
      emulator: banto.emulator,
      input: process.stdin,
      output: process.stdout,
      terminal: process.stdin.isTTY === true,
      commands: slashCommands(),
    });
    await session.closed;
    stop();
  }
}

export function registerStartCommands(program: Command): void {
  program
    .command('start')
    .description('run Banto: Socket Mode, HTTP mode or local mode, chosen from the environment')
    .action(() => run({ withConsole: 'if-tty' }));
  program
    .command('console')
    .description('run Banto in local mode with the terminal console (type Slack commands as a demo user)')
    .action(() => run({ withConsole: true }));
}
