import type { Knex } from 'knex';

export interface CustomerMatch {
  id: string;
  email: string;
  name: string;
}

export type CustomerSearch =
  | { kind: 'one'; customer: CustomerMatch }
  | { kind: 'many'; matches: CustomerMatch[]; more: boolean }
  | { kind: 'none' }
  | { kind: 'unusable'; reason: 'empty' | 'too-short' };

/** A pick list longer than this is no help: the clerk types more of the name. */
const maxMatches = 10;

/** What a person typed or pasted: Slack turns an address into `<mailto:a@b|a@b>`. */
export function normalizeQuery(query: string): string {
  return query
    .trim()
    .replace(/^<mailto:[^|>]+\|([^>]+)>$/, '$1')
    .trim();
}

/** The first e-mail address, else the first user id written `#123`, `id 123`, `user 123` or `会員番号 123`. */
export function findCustomerReference(text: string): string | undefined {
  const email = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.exec(text.replace(/<mailto:[^|>]+\|([^>]+)>/g, '$1'));
  if (email) return email[0].toLowerCase();
  return /(?:#|\b(?:id|user|user id|member)\s*[:#]?\s*|会員番号\s*[:：]?\s*|ID\s*[:：]?\s*)(\d{1,18})\b/i.exec(
    text,
  )?.[1];
}

const columns = ['id', 'email', 'name'] as const;
const toMatch = (row: { id: number | string; email: string; name: string }): CustomerMatch => ({
  id: String(row.id),
  email: row.email,
  name: row.name,
});

/** One customer's name and address by id: what a post or a check needs, without their records. */
export async function findCustomerById(db: Knex, userId: string): Promise<CustomerMatch | undefined> {
  const row = (await db('users')
    .where({ id: userId })
    .first(...columns)) as { id: number; email: string; name: string } | undefined;
  return row && toMatch(row);
}

/**
 * A customer by e-mail address (exact, any case), by user id, or by part of the name (any case). Values are always
 * bound; `%` and `_` in a name are matched as themselves.
 */
export async function searchCustomers(db: Knex, query: string): Promise<CustomerSearch> {
  const q = normalizeQuery(query);
  if (!q) return { kind: 'unusable', reason: 'empty' };
  if (/^\d{1,18}$/.test(q) || q.includes('@')) {
    const row = (await db('users')
      .where(q.includes('@') ? db.raw('lower(email) = ?', [q.toLowerCase()]) : { id: q })
      .first(...columns)) as { id: number; email: string; name: string } | undefined;
    return row ? { kind: 'one', customer: toMatch(row) } : { kind: 'none' };
  }
  if ([...q].length < 2) return { kind: 'unusable', reason: 'too-short' };
  // '!' escapes: a backslash would need doubling in MySQL's string literals and not in SQLite's.
  const pattern = `%${q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
  const rows = (await db('users')
    .whereRaw("lower(name) like ? escape '!'", [pattern])
    .orderBy('name')
    .orderBy('id')
    .limit(maxMatches + 1)
    .select(...columns)) as { id: number; email: string; name: string }[];
  if (rows.length === 0) return { kind: 'none' };
  if (rows.length === 1 && rows[0]) return { kind: 'one', customer: toMatch(rows[0]) };
  return { kind: 'many', matches: rows.slice(0, maxMatches).map(toMatch), more: rows.length > maxMatches };
}
