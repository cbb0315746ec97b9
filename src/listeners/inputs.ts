import { z } from 'zod';
import { BantoError } from '../errors.js';

/**
 * What a person's client sent inside a well-formed request (a submitted
 * value, a modal's private_metadata) is checked before a handler trusts it.
 * A value Slack would not send stops the handler with INVALID_INPUT, which
 * the gate answers and audits like any other failure.
 */
export function readInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BantoError('INVALID_INPUT', `${what} is not what Slack sends`);
  return parsed.data;
}

/** JSON that Banto itself put in a modal's private_metadata, read back and checked. */
export function readJsonInput<T>(schema: z.ZodType<T>, text: string | undefined, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new BantoError('INVALID_INPUT', `${what} is not JSON`);
  }
  return readInput(schema, value, what);
}

/** A plain text input's value: a string, or null/absent when the field was left empty. */
export const textValue = z.string().max(3000).nullish();

/** An id Banto wrote as a decimal number (an outbox mail, a template version). */
export const decimalId = z
  .string()
  .regex(/^\d{1,15}$/)
  .transform(Number);
