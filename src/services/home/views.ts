import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { Clock } from '../../clock.js';
import { toDbTime } from '../../db/time.js';

/** Whose Home is kept fresh and what it last showed (`banto_home_views`), by a hash of the published view. */
export function createHomeViews({ db, clock }: { db: Knex; clock: Clock }) {
  return {
    async lastHash(userId: string): Promise<string | undefined> {
      const row = (await db('banto_home_views').where({ user_id: userId }).first('view_hash')) as
        { view_hash: string } | undefined;
      return row?.view_hash;
    },
    /** A Home published: when the person opened it, they are (again) among those whose Home is kept fresh. */
    async record(userId: string, hash: string, opened: boolean): Promise<void> {
      const now = toDbTime(clock.now());
      const changed = await db('banto_home_views')
        .where({ user_id: userId })
        .update({ view_hash: hash, published_at: now, ...(opened && { opened_at: now }) });
      if (changed === 0)
        await db('banto_home_views')
          .insert({ user_id: userId, view_hash: hash, opened_at: now, published_at: now })
          .onConflict('user_id')
          .merge(['view_hash', 'published_at', 'opened_at']);
    },
    /** Someone whose Home is no longer kept (gone from the workspace). */
    forget: async (userId: string): Promise<void> => {
      await db('banto_home_views').where({ user_id: userId }).delete();
    },
    /** People who opened their Home since then, oldest first. */
    async viewersSince(since: DateTime): Promise<string[]> {
      return (await db('banto_home_views')
        .where('opened_at', '>=', toDbTime(since))
        .orderBy('opened_at')
        .pluck('user_id')) as string[];
    },
  };
}

export type HomeViews = ReturnType<typeof createHomeViews>;
