import { Command, CommanderError } from 'commander';
import { BantoError, ConfigError } from '../errors.js';

type Configure = (command: Command) => void;

/**
 * The commands, each with the module that fills it in. Only the module of the command being run is imported, so
 * `banto --help` loads neither knex nor Bolt nor the chart renderer (docs/benchmarks.md, cli-start).
 */
const commands: { name: string; args?: string; description: string; load: () => Promise<Configure> }[] = [
  {
    name: 'start',
    description: 'run Banto: Socket Mode, HTTP mode or local mode, chosen from the environment',
    load: async () => (await import('./start.js')).registerStartCommand,
  },
  {
    name: 'console',
    description: 'run Banto in local mode with the terminal console (type Slack commands as a demo user)',
    load: async () => (await import('./start.js')).registerConsoleCommand,
  },
  {
    name: 'db',
    description: 'the database named by DATABASE_URL',
    load: async () => (await import('./db.js')).registerDbCommands,
  },
  {
    name: 'payments',
    args: '[period]',
    description: 'the billing summary of a period, as /payments shows it, from DATABASE_URL',
    load: async () => (await import('./payments.js')).registerPaymentsCommand,
  },
  {
    name: 'billing',
    description: 'the billing rollups behind the summaries (banto_payment_days)',
    load: async () => (await import('./billing.js')).registerBillingCommands,
  },
  {
    name: 'jobs',
    description: 'the batch jobs of the schedule table',
    load: async () => (await import('./jobs.js')).registerJobsCommands,
  },
  { name: 'mail', description: 'the mail outbox', load: async () => (await import('./mail.js')).registerMailCommands },
  {
    name: 'sync',
    description: 'partner systems polled on a schedule (YAML sync.sources)',
    load: async () => (await import('./sync.js')).registerSyncCommands,
  },
  {
    name: 'backup',
    description: 'backups of the production database (YAML data, backup)',
    load: async () => (await import('./backup.js')).registerBackupCommands,
  },
  {
    name: 'env',
    description: 'named profiles of environment variables, switched in your shell',
    load: async () => (await import('./env/index.js')).registerEnvCommands,
  },
  {
    name: 'translate',
    args: '[text...]',
    description: 'translate between Japanese and English with DeepL (DEEPL_AUTH_KEY); stdin when no text is given',
    load: async () => (await import('./translate.js')).registerTranslateCommand,
  },
  {
    name: 'completion',
    args: '<shell>',
    description: 'print shell completion for bash or zsh: eval "$(banto completion bash)"',
    load: async () => (await import('./completion.js')).registerCompletionCommand,
  },
  {
    name: 'dev',
    description: 'the development copy of production',
    load: async () => (await import('./dev.js')).registerDevCommands,
  },
];

/** The CLI for `argv`: every command listed, the one `argv` names filled in by its module (or all, for completion). */
export async function buildCli(argv: readonly string[] = [], { all = false } = {}): Promise<Command> {
  const program = new Command('banto')
    .description('Banto: Slack-first operations bot — run it, or run its work from the terminal')
    .showHelpAfterError()
    .exitOverride();
  const words = argv.slice(2).filter((arg) => !arg.startsWith('-'));
  // `banto help db` shows the help of db, which must be filled in for it.
  const named = words[0] === 'help' ? words[1] : words[0];
  for (const entry of commands) {
    const command = program.command(entry.name).description(entry.description);
    if (all || entry.name === named) (await entry.load())(command);
    else if (entry.args) command.argument(entry.args);
  }
  return program;
}

/** Errors that are a mistake on the command line (a bad argument, a name that does not exist): exit 2. */
const usageCodes = new Set(['USAGE', 'UNKNOWN_JOB']);

/** What MySQL (a READ ONLY transaction) and SQLite (a readonly or query_only file) say to a write. */
const isReadOnlyRefusal = (error: unknown) =>
  ['ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', 'SQLITE_READONLY'].includes(String((error as { code?: unknown })?.code));

/** Entry point of bin/banto.js: a known error becomes one clear message and an exit code, not a stack trace. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await (await buildCli(argv)).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with 0; any other complaint of commander is about the command line: usage, 2.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (isReadOnlyRefusal(error)) {
      process.stderr.write(
        'banto: the database is open read-only (a production profile) and this tried to write [READ_ONLY]\n',
      );
      process.exitCode = 1;
      return;
    }
    if (error instanceof BantoError) {
      process.stderr.write(`banto: ${error.message} [${error.code}]\n`);
      process.exitCode = usageCodes.has(error.code) ? 2 : 1;
      return;
    }
    throw error;
  }
}
