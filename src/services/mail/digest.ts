import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import { toDbTime } from '../../db/time.js';
import { buildRow, enqueuePrepared, resolveVersion } from './outbox.js';

export interface DigestInput {
  db: Knex;
  /** Articles published in (since, until]. */
  since: DateTime;
  until: DateTime;
  upgradeUrl: string;
  /** `since` as the customer reads it in the mail (a view's job). */
  sinceLabel: string;
  now: DateTime;
  /** Users read and messages queued per batch. */
  batchSize?: number;
}

interface Article {
  title: string;
  summary: string;
  url: string;
  paid_only: number | boolean;
}

/**
 * Queues one digest per subscribed member: paid members get every article of
 * the window; free members get the free ones and the titles of the paid ones;
 * unsubscribed users get nothing. Keyed by (window end, user): running the same
 * window again queues nothing new.
 */
export async function queueArticleDigest({
  db,
  since,
  until,
  upgradeUrl,
  sinceLabel,
  now,
  batchSize = 500,
}: DigestInput): Promise<{ articles: number; queued: number }> {
  const articles = (await db('articles')
    .where('published_at', '>', toDbTime(since))
    .andWhere('published_at', '<=', toDbTime(until))
    .orderBy('published_at')
    .select('title', 'summary', 'url', 'paid_only')) as Article[];
  if (articles.length === 0) return { articles: 0, queued: 0 };
  const version = await resolveVersion(db, 'article-digest');
  const full = articles.map(({ title, summary, url }) => ({ title, summary, url }));
  const free = articles.filter((a) => !a.paid_only).map(({ title, summary, url }) => ({ title, summary, url }));
  const paidTitles = articles.filter((a) => a.paid_only).map(({ title, url }) => ({ title, url }));
  const key = toDbTime(until).replace(' ', 'T');
  let queued = 0;
  for (let after = 0; ;) {
    const users = (await db('users')
      .whereNull('unsubscribed_at')
      .andWhere('id', '>', after)
      .orderBy('id')
      .limit(batchSize)
      .select('id', 'email', 'name', 'plan')) as { id: number; email: string; name: string; plan: string }[];
    if (users.length === 0) break;
    after = Number(users[users.length - 1]?.id);
    const rows = users
      .map((user) => {
        const paid = user.plan === 'paid';
        const readable = paid ? full : free;
        if (readable.length === 0 && (paid || paidTitles.length === 0)) return undefined;
        return buildRow(
          version,
          {
            to: user.email,
            userId: String(user.id),
            dedupeKey: `digest:${key}:${user.id}`,
            params: {
              name: user.name,
              count: articles.length,
              since: sinceLabel,
              articles: readable,
              paid_titles: paid ? [] : paidTitles,
              upgrade_url: upgradeUrl,
            },
          },
          now,
        );
      })
      .filter((row): row is Record<string, unknown> => row !== undefined);
    queued += await enqueuePrepared(db, rows, batchSize);
  }
  return { articles: articles.length, queued };
}
