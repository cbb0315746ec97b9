import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BantoError } from '../../errors.js';

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a table or column name: letters, digits and _ only');

/**
 * One column's rule: `keep` (written out, never assumed), `null`, a `template` over the row's columns
 * (`developer+{id}@example.co.jp`), a `fixed` value, or a deterministic `fake` keyed by a secret (the same
 * input gives the same output in every table).
 */
const strategy = z.union([
  z.literal('keep'),
  z.literal('null'),
  z.strictObject({ template: z.string().min(1) }),
  z.strictObject({ fixed: z.union([z.string(), z.number()]) }),
  z.strictObject({ fake: z.enum(['email', 'name', 'text']) }),
]);

export const rulesSchema = z.strictObject({
  /** Every e-mail left in the copy must end with `@` this domain (the proof checks it). */
  test_domain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'a domain such as example.co.jp'),
  /** The environment variable whose value keys the deterministic fakes. */
  secret_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .default('BANTO_ANONYMIZE_SECRET'),
  /** What a fake name starts with (then 8 hex digits). */
  fake_name_prefix: z.string().min(1).default('Test '),
  /** Rows per UPDATE: a table of millions is anonymized in many short transactions, never one giant one. */
  chunk_rows: z.number().int().min(100).max(1_000_000).default(10_000),
  tables: z.record(identifier, z.record(identifier, strategy)).default({}),
  truncate: z.array(identifier).default([]),
});

export type Strategy = z.infer<typeof strategy>;
export type AnonymizeRules = z.infer<typeof rulesSchema>;

/** Reads `config/anonymize.yml` (or the configured file); every problem is named with its path. */
export function loadRules(path: string): AnonymizeRules {
  if (!existsSync(path)) throw new BantoError('REFRESH_RULES', `the anonymize rules file ${path} does not exist`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (error) {
    throw new BantoError('REFRESH_RULES', `${path} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = rulesSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new BantoError('REFRESH_RULES', `${path}: ${problems.join('; ')}`);
  }
  for (const [table, columns] of Object.entries(parsed.data.tables))
    for (const [column, rule] of Object.entries(columns))
      if (typeof rule === 'object' && 'template' in rule)
        for (const [, name] of rule.template.matchAll(/\{([^}]*)\}/g))
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name ?? ''))
            throw new BantoError('REFRESH_RULES', `${path}: tables.${table}.${column}: {${name}} is not a column name`);
  return parsed.data;
}

// A column whose name says it may hold a person: every `_`-separated word is tested. `keep` must be written for
// such a column, so one added to production last week cannot reach development unanonymized.
const personalWord =
  /^(e?mail|email(address)?|\w*name|kana|furigana|phone|tel|mobile|fax|address|addr|street|city|postal|postcode|zip|zipcode|birth\w*|dob|password|passwd|pwd|\w*token|secret|ip|ipaddr)$/;

export function looksPersonal(column: string): boolean {
  const lower = column.toLowerCase();
  if (/e_?mail|password|passwd/.test(lower)) return true;
  return lower.split('_').some((word) => personalWord.test(word));
}

/** A column that should hold only test e-mail addresses after the refresh (the proof checks its domain). */
export const looksLikeEmail = (column: string) => /e_?mail/i.test(column);
