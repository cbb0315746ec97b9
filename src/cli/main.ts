import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { BantoError } from '../errors.js';
import { registerBackupCommands } from './backup.js';
import { registerDbCommands } from './db.js';
import { registerDevCommands } from './dev.js';
import { registerJobsCommands } from './jobs.js';
import { registerMailCommands } from './mail.js';
import { registerPaymentsCommand } from './payments.js';
import { registerStartCommands } from './start.js';
import { registerSyncCommands } from './sync.js';

export function buildCli(): Command {
  const program = new Command('banto')
    .description('Banto: Slack-first operations bot — run it, or run its work from the terminal')
    .showHelpAfterError()
    .exitOverride();
  registerStartCommands(program);
  registerDbCommands(program);
  registerPaymentsCommand(program);
  registerJobsCommands(program);
  registerMailCommands(program);
  registerSyncCommands(program);
  registerBackupCommands(program);
  registerDevCommands(program);
  return program;
}

/** Entry point of bin/banto.js: a known error becomes one clear message and an exit code, not a stack trace. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof BantoError) {
      process.stderr.write(`banto: ${error.message} [${error.code}]\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
