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

export function errorCode(error: unknown): string {
  if (error instanceof BantoError) return error.code;
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return 'UNEXPECTED';
}
