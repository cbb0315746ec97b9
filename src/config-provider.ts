import { z } from 'zod';
import type { ProviderSettings } from './config.js';

// YAML `billing.provider`: the payment provider's API, through which approved refunds and cancellations are
// carried out. The key is named by the environment variable that holds it, never written in the file.

export const providerSchema = z
  .strictObject({
    api_key_env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'the name of an environment variable, e.g. STRIPE_SECRET_KEY')
      .default('STRIPE_SECRET_KEY'),
    /** Another API host (a test double, stripe-mock); Stripe's own by default. */
    api_url: z.url().optional(),
    timeout_seconds: z.number().positive().max(60).default(10),
    /** Further tries after a dropped connection, a 409 or a 5xx; each request carries an idempotency key. */
    retries: z.number().int().min(0).max(5).default(2),
  })
  .optional();

/**
 * The provider settings, when `billing.provider` is written. Its key must be in the environment, and outside
 * production only a test key is taken: a development copy never refunds real customers.
 */
export function toProviderSettings(
  file: z.infer<typeof providerSchema>,
  env: Record<string, string | undefined>,
  bantoEnv: string,
  problems: string[],
): ProviderSettings | undefined {
  if (!file) return undefined;
  const apiKey = env[file.api_key_env] || undefined;
  const where = `billing.provider.api_key_env: ${file.api_key_env}`;
  if (!apiKey) problems.push(`${where} is not set in the environment`);
  else if (bantoEnv !== 'production' && /^(sk|rk)_live_/.test(apiKey))
    problems.push(`${where} holds a live key; BANTO_ENV=${bantoEnv} takes only a test key (sk_test_…)`);
  return {
    apiKeyEnv: file.api_key_env,
    apiKey,
    apiUrl: file.api_url,
    timeoutMs: file.timeout_seconds * 1000,
    retries: file.retries,
  };
}
