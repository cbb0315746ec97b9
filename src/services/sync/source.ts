import { DateTime, type Duration } from 'luxon';
import { z } from 'zod';
import { toDbDate, toDbTime } from '../../db/time.js';

export type SyncFieldType = 'string' | 'text' | 'integer' | 'boolean' | 'datetime' | 'date';

export interface SyncField {
  name: string;
  column: string;
  type: SyncFieldType;
  optional: boolean;
  /** Longest string accepted (type string). */
  max: number;
}

/** A partner's cursor-paged JSON list and the local table its records land in (YAML `sync.sources.<name>`). */
export interface SyncSource {
  name: string;
  url: string;
  /** The header that carries the secret, its value already read from the environment. Never logged. */
  auth?: { header: string; value: string } | undefined;
  pageSize: number;
  pageSizeParam: string;
  /** The query parameter that takes the cursor, the response field that gives the next one, and the "more" flag. */
  cursor: { param: string; from: string; hasMore: string };
  /** The response field that holds the page's records. */
  recordsAt: string;
  cron: string;
  timeout: Duration;
  /** Attempts per page for a 429 or 503 (and a dropped connection), waiting `Retry-After` or a doubling backoff. */
  retry: { attempts: number; backoff: Duration };
  table: string;
  /** The field whose value identifies a record: the upsert key. */
  key: string;
  fields: SyncField[];
  /** A datetime field: the newest value synced tells how far behind the partner's data is. */
  updatedAtField?: string | undefined;
  maxLag: Duration;
  /** Consecutive failed runs before the on-call engineers are alerted. */
  alertAfterFailures: number;
  /** A partner whose cursor never ends stops the run here, as a failure. */
  maxPages: number;
}

export type SyncRow = Record<string, string | number | boolean | null>;

const dateTimeValue = z.string().transform((value, ctx) => {
  const at = DateTime.fromISO(value, { setZone: true });
  // A time without an offset would be read in the server's zone: the partner must say which instant it means.
  if (!at.isValid || !/(Z|[+-]\d\d:?\d\d)$/i.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 date-time with an offset' });
    return z.NEVER;
  }
  return toDbTime(at);
});

const dateValue = z.string().transform((value, ctx) => {
  const day = DateTime.fromISO(value, { zone: 'utc' });
  if (!/^\d{4}-\d\d-\d\d$/.test(value) || !day.isValid) {
    ctx.addIssue({ code: 'custom', message: 'expected a date YYYY-MM-DD' });
    return z.NEVER;
  }
  return toDbDate(day);
});

function valueSchema(field: SyncField): z.ZodType<string | number | boolean> {
  switch (field.type) {
    case 'string':
      return z.string().max(field.max);
    case 'text':
      return z.string().max(65_535);
    case 'integer':
      return z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
    case 'boolean':
      return z.boolean();
    case 'datetime':
      return dateTimeValue;
    case 'date':
      return dateValue;
  }
}

/**
 * The zod schema of one record, from the configured fields: each field checked and turned into its column's
 * stored form (instants as UTC text). Fields the partner adds and the config does not name are ignored.
 */
export function recordSchema(source: Pick<SyncSource, 'fields'>): z.ZodType<SyncRow> {
  const shape: Record<string, z.ZodType<string | number | boolean | null | undefined>> = {};
  for (const field of source.fields) {
    const value = valueSchema(field);
    shape[field.name] = field.optional ? value.nullable().optional() : value;
  }
  return z.object(shape).transform((record) => {
    const row: SyncRow = {};
    for (const field of source.fields) row[field.column] = record[field.name] ?? null;
    return row;
  });
}

/** The column that holds the upsert key. */
export function keyColumn(source: Pick<SyncSource, 'fields' | 'key'>): string {
  return source.fields.find((f) => f.name === source.key)?.column ?? source.key;
}
