import type { Duration } from 'luxon';
import { z } from 'zod';
import { toDbTime } from '../../db/time.js';
import type { PageShapeName } from './shapes/index.js';

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
  /** How the answer is read into a page (shapes/): the cursor-paged list, or a partner's own. */
  shape: PageShapeName;
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

// ISO 8601 with an offset (a time without one would be read in the server's zone: the partner must say which
// instant it means), and a calendar date. The shapes are checked by zod; Date.parse then reads the values (luxon
// would cost ~20 µs a record on a 100,000-record run).
const isoWithOffset = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?([Zz]|[+-]\d\d:\d\d)$/;
const isoDate = /^\d{4}-\d\d-\d\d$/;
const dateTimeProblem = 'expected an ISO 8601 date-time with an offset';
const dateProblem = 'expected a date YYYY-MM-DD';

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
      return z.string().regex(isoWithOffset, dateTimeProblem);
    case 'date':
      return z.string().regex(isoDate, dateProblem);
  }
}

/** A day's text (YYYY-MM-DD) is a real day: Date.parse rolls 02-30 over to 03-02. Days repeat, so kept. */
const realDays = new Map<string, boolean>();
function isRealDay(day: string): boolean {
  let real = realDays.get(day);
  if (real === undefined) {
    const ms = Date.parse(`${day}T00:00:00Z`);
    real = !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(day);
    if (realDays.size > 10_000) realDays.clear();
    realDays.set(day, real);
  }
  return real;
}

/**
 * An instant's stored form (UTC text, milliseconds), or undefined when the wall time the partner wrote does not
 * exist (a 30th of February, 24:00). A UTC instant is stored from its own text: a real day and a time of day
 * within 23:59:59 is all it needs. With an offset, Date.parse reads it, and the time read back in the partner's
 * own offset must be the one written.
 */
function storedInstant(text: string): string | undefined {
  if (text.endsWith('Z') || text.endsWith('z')) {
    const day = text.slice(0, 10);
    if (!isRealDay(day) || text.slice(11, 13) > '23' || text.slice(14, 16) > '59') return undefined;
    // HH:MM[:SS[.fraction]]Z: the seconds and milliseconds, padded or cut to three digits.
    const seconds = text.length > 17 ? text.slice(17, 19) : '00';
    if (seconds > '59') return undefined;
    const fraction = text.length > 21 ? text.slice(20, -1) : '';
    return `${day} ${text.slice(11, 16)}:${seconds}.${(fraction + '000').slice(0, 3)}`;
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const offset = /([+-])(\d\d):(\d\d)$/.exec(text);
  const offsetMs = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
  const wall = new Date(ms + offsetMs).toISOString();
  if (wall.slice(0, 16) !== text.slice(0, 16)) return undefined;
  return toDbTime(ms);
}

const invalid = Symbol('invalid');
type Stored = string | number | boolean | null | typeof invalid;

/** How a field's checked value becomes its column's stored form; `invalid` when it names no real instant. */
function storerOf(field: SyncField): (value: string | number | boolean) => Stored {
  if (field.type === 'datetime') return (value) => storedInstant(value as string) ?? invalid;
  if (field.type === 'date') return (value) => (isRealDay(value as string) ? value : invalid);
  return (value) => value;
}

export type RecordReading = { row: SyncRow } | { problem: string };

/**
 * Reads one record by the configured fields: each checked (zod) and turned into its column's stored form
 * (instants as UTC text). Fields the partner adds and the config does not name are ignored.
 */
export function createRecordReader(source: Pick<SyncSource, 'fields'>): (record: unknown) => RecordReading {
  const shape: Record<string, z.ZodType<string | number | boolean | null | undefined>> = {};
  for (const field of source.fields) {
    const value = valueSchema(field);
    shape[field.name] = field.optional ? value.nullable().optional() : value;
  }
  const schema = z.object(shape);
  const fields = source.fields.map((field) => ({
    name: field.name,
    column: field.column,
    store: storerOf(field),
    problem: `${field.name}: ${field.type === 'date' ? dateProblem : dateTimeProblem}`,
  }));
  return (record) => {
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { problem: issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'invalid' };
    }
    const row: SyncRow = {};
    for (const field of fields) {
      const value = parsed.data[field.name];
      const stored = value === undefined || value === null ? null : field.store(value);
      if (stored === invalid) return { problem: field.problem };
      row[field.column] = stored;
    }
    return { row };
  };
}

/** The column that holds the upsert key. */
export function keyColumn(source: Pick<SyncSource, 'fields' | 'key'>): string {
  return source.fields.find((f) => f.name === source.key)?.column ?? source.key;
}
