/**
 * Every error Banto raises on purpose carries a stable `code`, so callers,
 * logs and the audit trail can tell kinds apart without parsing messages.
 */
export class BantoError extends Error {
  readonly code: string;
  readonly details: readonly string[];

  constructor(code: string, message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'BantoError';
    this.code = code;
    this.details = details;
  }
}

/** The configuration (environment and YAML) has problems; each is listed, and Banto does not start. */
export class ConfigError extends BantoError {
  constructor(problems: readonly string[]) {
    super(
      'CONFIG_INVALID',
      `Banto cannot start: the configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      problems,
    );
    this.name = 'ConfigError';
  }
}

export function errorCode(error: unknown): string {
  if (error instanceof BantoError) return error.code;
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return 'UNEXPECTED';
}

/** Codes of a database that went away (restart, network), from mysql2, knex's pool and the OS. */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);

/** Whether `error` says the database is away for now (try again shortly) rather than that a query is wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  if ((error as Error).name === 'KnexTimeoutError') return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && unavailableCodes.has(code);
}
