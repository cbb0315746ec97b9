import { BantoError } from '../../errors.js';
import type { Engine, TableInfo } from './engine.js';
import { looksLikeEmail, looksPersonal, type AnonymizeRules, type Strategy } from './rules.js';

/** What anonymizing a copy did: rows changed per table, tables emptied, rules that named nothing. */
export interface AnonymizeReport {
  updated: { table: string; rows: number; chunks: number }[];
  truncated: string[];
  /** Rules for tables or columns the copy does not have (harmless: the schema-drift check covers the rest). */
  unused: string[];
}

/**
 * Deny by default: every column of the copy that looks personal (e-mail, name, kana, phone, address, postal code,
 * birth date, password, token, ip) must have a rule or be in a truncated table. Throws before anything is written.
 */
export function checkCoverage(tables: readonly TableInfo[], rules: AnonymizeRules): void {
  const truncated = new Set(rules.truncate);
  const uncovered = tables
    .filter((t) => !truncated.has(t.name))
    .flatMap((t) =>
      t.columns.filter((c) => looksPersonal(c) && !rules.tables[t.name]?.[c]).map((c) => `${t.name}.${c}`),
    );
  if (uncovered.length > 0)
    throw new BantoError(
      'REFRESH_UNCOVERED',
      `columns that look personal have no anonymize rule: ${uncovered.join(', ')}. Add a rule for each (or \`keep\`, written out) to the anonymize file`,
    );
}

interface Expression {
  sql: string;
  params: unknown[];
}

/** The SQL that a rule writes into a column; null stays null. */
function expressionOf(
  engine: Engine,
  column: string,
  rule: Exclude<Strategy, 'keep'>,
  rules: AnonymizeRules,
  secret: string | undefined,
): Expression {
  const q = engine.quote(column);
  const nullSafe = (e: Expression): Expression => ({
    sql: `case when ${q} is null then null else ${e.sql} end`,
    params: e.params,
  });
  if (rule === 'null') return { sql: 'null', params: [] };
  if ('fixed' in rule) return nullSafe({ sql: '?', params: [rule.fixed] });
  if ('template' in rule) {
    const parts: string[] = [];
    const params: unknown[] = [];
    for (const piece of rule.template.split(/(\{[^}]*\})/).filter((p) => p !== '')) {
      if (piece.startsWith('{')) parts.push(engine.quote(piece.slice(1, -1)));
      else {
        parts.push('?');
        params.push(piece);
      }
    }
    return nullSafe({ sql: parts.length === 1 ? parts[0]! : engine.concat(parts), params });
  }
  if (secret === undefined) throw new BantoError('REFRESH_NO_SECRET', 'a fake rule needs its secret (secret_env) set');
  const hash = (length: number) => engine.hash('?', q, length);
  const fake: Record<typeof rule.fake, Expression> = {
    email: { sql: engine.concat(["'user-'", hash(12), '?']), params: [secret, `@${rules.test_domain}`] },
    name: { sql: engine.concat(['?', hash(8)]), params: [rules.fake_name_prefix, secret] },
    text: { sql: engine.concat(["'fake-'", hash(12)]), params: [secret] },
  };
  return nullSafe(fake[rule.fake]);
}

/** Upper bounds of key ranges of `size` rows each, walked on the primary key's index. */
async function chunkBounds(engine: Engine, table: string, key: string, size: number): Promise<unknown[]> {
  const bounds: unknown[] = [];
  const [t, k] = [engine.quote(table), engine.quote(key)];
  for (;;) {
    const after = bounds.at(-1);
    const where = after === undefined ? '' : `where ${k} > ?`;
    const [bound] = await engine.column(
      `select ${k} from ${t} ${where} order by ${k} limit 1 offset ${size - 1}`,
      after === undefined ? [] : [after],
    );
    if (bound === undefined) return bounds;
    bounds.push(bound);
  }
}

/** Anonymizes the copy in place: one set-based UPDATE per table and key range, then the truncations. */
export async function anonymize(
  engine: Engine,
  rules: AnonymizeRules,
  secret: string | undefined,
): Promise<AnonymizeReport> {
  const tables = await engine.tables();
  checkCoverage(tables, rules);
  const byName = new Map(tables.map((t) => [t.name, t]));
  const report: AnonymizeReport = { updated: [], truncated: [], unused: [] };
  for (const [name, columns] of Object.entries(rules.tables)) {
    const table = byName.get(name);
    if (!table) {
      report.unused.push(name);
      continue;
    }
    if (rules.truncate.includes(name)) continue;
    const sets: Expression[] = [];
    for (const [column, rule] of Object.entries(columns)) {
      if (!table.columns.includes(column)) report.unused.push(`${name}.${column}`);
      else if (rule !== 'keep') {
        const e = expressionOf(engine, column, rule, rules, secret);
        sets.push({ sql: `${engine.quote(column)} = ${e.sql}`, params: e.params });
      }
    }
    if (sets.length === 0) continue;
    const update = `update ${engine.quote(name)} set ${sets.map((s) => s.sql).join(', ')}`;
    const params = sets.flatMap((s) => s.params);
    let rows = 0;
    let chunks = 0;
    if (!table.primaryKey) {
      rows = await engine.run(update, params);
      chunks = 1;
    } else {
      const k = engine.quote(table.primaryKey);
      let lower: unknown;
      for (const upper of [...(await chunkBounds(engine, name, table.primaryKey, rules.chunk_rows)), undefined]) {
        const range = [
          lower === undefined ? undefined : `${k} > ?`,
          upper === undefined ? undefined : `${k} <= ?`,
        ].filter(Boolean);
        const where = range.length > 0 ? ` where ${range.join(' and ')}` : '';
        rows += await engine.run(`${update}${where}`, [...params, ...[lower, upper].filter((b) => b !== undefined)]);
        chunks++;
        lower = upper;
      }
    }
    report.updated.push({ table: name, rows, chunks });
  }
  for (const name of rules.truncate) {
    if (!byName.has(name)) {
      report.unused.push(name);
      continue;
    }
    await engine.run(`delete from ${engine.quote(name)}`);
    report.truncated.push(name);
  }
  return report;
}

/**
 * The proof, by queries on the anonymized copy: every ruled column holds what its rule writes (so no original
 * remains), every e-mail column of every kept table is in the test domain, every truncated table is empty.
 * Returns each failure in words; empty when the copy may be used.
 */
export async function prove(engine: Engine, rules: AnonymizeRules, secret: string | undefined): Promise<string[]> {
  const tables = await engine.tables();
  const failures: string[] = [];
  const count = async (table: string, where: string, params: unknown[]) =>
    Number((await engine.column(`select count(*) from ${engine.quote(table)} where ${where}`, params))[0]);
  for (const table of tables) {
    if (rules.truncate.includes(table.name)) {
      const left = await count(table.name, '1 = 1', []);
      if (left > 0) failures.push(`${table.name}: ${left} rows left in a table that must be empty`);
      continue;
    }
    for (const column of table.columns) {
      const q = engine.quote(column);
      const rule = rules.tables[table.name]?.[column];
      if (rule && rule !== 'keep') {
        let where: Expression;
        if (rule === 'null') where = { sql: `${q} is not null`, params: [] };
        else if ('fake' in rule) {
          const shape = { email: `user-%@${rules.test_domain}`, name: `${rules.fake_name_prefix}%`, text: 'fake-%' };
          where = { sql: `${q} is not null and ${q} not like ?`, params: [shape[rule.fake]] };
        } else {
          const e = expressionOf(engine, column, rule, rules, secret);
          where = { sql: `${q} is not null and ${q} <> ${e.sql}`, params: e.params };
        }
        const wrong = await count(table.name, where.sql, where.params);
        if (wrong > 0) failures.push(`${table.name}.${column}: ${wrong} values not as the rule writes them`);
      }
      if (looksLikeEmail(column) && rule !== 'null') {
        const outside = await count(table.name, `${q} is not null and ${q} not like ?`, [`%@${rules.test_domain}`]);
        if (outside > 0)
          failures.push(`${table.name}.${column}: ${outside} e-mail addresses outside ${rules.test_domain}`);
      }
    }
  }
  return failures;
}
