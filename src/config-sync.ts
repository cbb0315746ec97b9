import { Duration } from 'luxon';
import { z } from 'zod';
import { BantoError } from './errors.js';
import { cronProblem } from './services/jobs/slots.js';
import { pageShapeNames } from './services/sync/shapes/index.js';
import type { SyncField, SyncSource } from './services/sync/source.js';

// YAML `sync.sources.<name>`: a partner's cursor-paged JSON list, mapped to a local table. Secrets are named by
// the environment variable that holds them, never written in the file.

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a table or column name: letters, digits and _ only');
const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name');
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'the name of an environment variable, e.g. CRM_API_TOKEN');
const cron = z.string().superRefine((value, ctx) => {
  const problem = cronProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `not a cron expression: ${problem}` });
});

const field = z.strictObject({
  type: z.enum(['string', 'text', 'integer', 'boolean', 'datetime', 'date']),
  /** The column, when it is not named as the field. */
  column: identifier.optional(),
  optional: z.boolean().default(false),
  /** Longest string accepted (type string); longer values make the record invalid. */
  max: z.number().int().min(1).max(255).default(255),
});

const source = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }),
    auth: z
      .strictObject({
        header: headerName.default('Authorization'),
        prefix: z.string().default(''),
        secret_env: envName,
      })
      .optional(),
    page_size: z.number().int().min(1).max(10_000).default(100),
    page_size_param: z.string().min(1).default('limit'),
    cursor: z
      .strictObject({
        param: z.string().min(1).default('cursor'),
        from: z.string().min(1).default('next_cursor'),
        has_more: z.string().min(1).default('has_more'),
      })
      .prefault({}),
    records_at: z.string().min(1).default('data'),
    shape: z.enum(pageShapeNames).default('cursor-paged'),
    cron: cron.default('0 */15 * * * *'),
    timeout_seconds: z.number().positive().max(300).default(10),
    retry: z
      .strictObject({
        attempts: z.number().int().min(1).max(10).default(4),
        backoff_seconds: z.number().positive().max(600).default(1),
      })
      .prefault({}),
    table: identifier.optional(),
    key: z.string().min(1),
    fields: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a field name'), field),
    updated_at_field: z.string().min(1).optional(),
    max_lag_minutes: z.number().positive().default(120),
    alert_after_failures: z.number().int().min(1).max(100).default(2),
    max_pages: z.number().int().min(1).default(10_000),
  })
  .superRefine((s, ctx) => {
    if (!(s.key in s.fields)) ctx.addIssue({ code: 'custom', path: ['key'], message: 'not one of the fields' });
    else if (s.fields[s.key]?.optional)
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'the key cannot be optional' });
    if (s.updated_at_field !== undefined && s.fields[s.updated_at_field]?.type !== 'datetime')
      ctx.addIssue({ code: 'custom', path: ['updated_at_field'], message: 'must name a field of type datetime' });
  });

export const syncSchema = z
  .strictObject({
    sources: z.record(
      z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, 'source names: lower-case letters, digits, _'),
      source,
    ),
  })
  .default({ sources: {} });

/** The sources as services take them, each secret read from the environment variable the file names. */
export function toSyncSources(
  file: z.infer<typeof syncSchema>,
  env: Record<string, string | undefined>,
  problems: string[],
): SyncSource[] {
  return Object.entries(file.sources).map(([name, s]) => {
    const secret = s.auth ? env[s.auth.secret_env] : undefined;
    if (s.auth && !secret)
      problems.push(`sync.sources.${name}.auth.secret_env: ${s.auth.secret_env} is not set in the environment`);
    const fields: SyncField[] = Object.entries(s.fields).map(([fieldName, f]) => ({
      name: fieldName,
      column: f.column ?? fieldName,
      type: f.type,
      optional: f.optional,
      max: f.max,
    }));
    return {
      name,
      url: s.url,
      auth: s.auth && secret ? { header: s.auth.header, value: `${s.auth.prefix}${secret}` } : undefined,
      pageSize: s.page_size,
      pageSizeParam: s.page_size_param,
      cursor: { param: s.cursor.param, from: s.cursor.from, hasMore: s.cursor.has_more },
      recordsAt: s.records_at,
      shape: s.shape,
      cron: s.cron,
      timeout: Duration.fromObject({ seconds: s.timeout_seconds }),
      retry: { attempts: s.retry.attempts, backoff: Duration.fromObject({ seconds: s.retry.backoff_seconds }) },
      table: s.table ?? `banto_sync_${name}`,
      key: s.key,
      fields,
      updatedAtField: s.updated_at_field,
      maxLag: Duration.fromObject({ minutes: s.max_lag_minutes }),
      alertAfterFailures: s.alert_after_failures,
      maxPages: s.max_pages,
    };
  });
}

/**
 * One source from settings written as in the YAML file, defaults and checks included: local mode's demo partner,
 * tests and benchmarks describe theirs this way instead of spelling out every field.
 */
export function defineSyncSource(
  name: string,
  settings: z.input<typeof source>,
  env: Record<string, string | undefined> = {},
): SyncSource {
  const parsed = syncSchema.safeParse({ sources: { [name]: settings } });
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const [defined] = parsed.success ? toSyncSources(parsed.data, env, problems) : [];
  if (!defined || problems.length > 0) throw new BantoError('CONFIG_INVALID', problems.join('; '), problems);
  return defined;
}
