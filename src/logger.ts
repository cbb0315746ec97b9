import { pino, type Logger } from 'pino';
import { PinoPretty as pinoPretty } from 'pino-pretty';
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';

// Tokens and secrets must never reach a log line, whatever object they ride in.
const redact = [
  'token',
  '*.token',
  'botToken',
  'appToken',
  'signingSecret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  'config.slack',
  'password',
  '*.password',
];

/**
 * JSON lines for machines (a service manager, a log shipper, a pipe); in a
 * terminal, one readable line per event (pino-pretty, synchronous, so nothing
 * is lost at exit). Redaction happens before either.
 */
export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  { pretty = destination === undefined && process.stderr.isTTY === true } = {},
): Logger {
  const options = { level, redact: { paths: redact, censor: '[redacted]' }, base: { app: 'banto' } };
  const out = destination ?? process.stderr;
  if (!pretty) return pino(options, out);
  return pino(
    options,
    pinoPretty({
      destination: out,
      sync: true,
      colorize: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,app',
    }),
  );
}

const slackLevels: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

/** Bolt and the Web API client log through the same pino instance (and its redaction). */
export function toSlackLogger(logger: Logger): SlackLogger {
  let child = logger.child({ component: 'slack' });
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  // Bolt logs at debug on every request: check the level before building any text.
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      if (child.isLevelEnabled(level)) child[level](text(msg));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    setLevel: () => undefined,
    getLevel: () => slackLevels[logger.level] ?? LogLevel.INFO,
    setName: (name: string) => {
      child = logger.child({ component: name });
    },
  };
}
