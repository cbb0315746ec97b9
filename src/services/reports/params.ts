import { DateTime } from 'luxon';
import { toDbDate, toDbTime } from '../../db/time.js';
import { parsePeriod } from '../payments/period.js';
import type { Report, ReportParam } from './definition.js';

export type Bindings = Record<string, string | number>;
export type ParamsResult = { bindings: Bindings; shown: string } | { problem: string };

/** `/report NAME plan=paid period="2026-11"`: words, `key=value` pairs, double quotes around spaces. */
function tokenize(text: string): string[] {
  return [...text.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map((m) => m[0].replace(/"/g, ''));
}

/** One value as its type wants it, or why not. A value is only ever bound, so its text may be anything. */
function readValue(
  name: string,
  param: ReportParam,
  raw: string,
  now: DateTime,
): { bind: Bindings } | { problem: string } {
  switch (param.type) {
    case 'date': {
      const day = DateTime.fromFormat(raw, 'yyyy-MM-dd', { zone: now.zone });
      return day.isValid ? { bind: { [name]: raw } } : { problem: `${name}: a date as YYYY-MM-DD` };
    }
    case 'period': {
      const parsed = parsePeriod(raw, now);
      if ('problem' in parsed) return { problem: `${name}: a period (today, yesterday, YYYY-MM-DD, YYYY-MM, A..B)` };
      const { start, end } = parsed.period;
      return {
        bind: {
          [`${name}_from`]: toDbTime(start),
          [`${name}_to`]: toDbTime(end),
          // The business days too, for a query over the billing rollups (`banto_payment_days.day`).
          [`${name}_from_day`]: toDbDate(start),
          [`${name}_to_day`]: toDbDate(end),
        },
      };
    }
    case 'integer': {
      const n = /^-?\d{1,15}$/.test(raw) ? Number(raw) : NaN;
      return Number.isInteger(n) && n >= param.min && n <= param.max
        ? { bind: { [name]: n } }
        : { problem: `${name}: a whole number from ${param.min} to ${param.max}` };
    }
    case 'text':
      return [...raw].length <= param.max
        ? { bind: { [name]: raw } }
        : { problem: `${name}: at most ${param.max} characters` };
    case 'choice':
      return param.choices.includes(raw)
        ? { bind: { [name]: raw } }
        : { problem: `${name}: one of ${param.choices.join(', ')}` };
  }
}

/**
 * The bindings of a report's parameters from what was typed after its name: `key=value`, or values in the order
 * the parameters are declared; a parameter not given takes its default. Every problem is named.
 */
export function readParams(report: Report, text: string, now: DateTime): ParamsResult {
  const names = Object.keys(report.params);
  const given = new Map<string, string>();
  let position = 0;
  for (const token of tokenize(text.trim())) {
    const pair = /^([a-z][a-z0-9_]*)=(.*)$/s.exec(token);
    const key = pair ? (pair[1] ?? '') : names[position++];
    if (!key || !(key in report.params)) return { problem: `unknown parameter ${pair ? key : `"${token}"`}` };
    given.set(key, pair ? (pair[2] ?? '') : token);
  }
  const bindings: Bindings = {};
  const shown: string[] = [];
  for (const [name, param] of Object.entries(report.params)) {
    const raw = given.get(name) ?? (param.default === undefined ? undefined : String(param.default));
    if (raw === undefined) return { problem: `${name} is required` };
    const value = readValue(name, param, raw, now);
    if ('problem' in value) return value;
    Object.assign(bindings, value.bind);
    shown.push(`${name}=${raw}`);
  }
  return { bindings, shown: shown.join(' ') };
}
