import { SyncError, type Page } from '../fetch-page.js';
import type { PageShape } from './index.js';

/**
 * The common partner list: the records at `records_at`, the next cursor at `cursor.from` and, if the partner
 * says so, a boolean at `cursor.has_more`. Without the flag, a page that moved the cursor and had records may
 * have more behind it.
 */
export const cursorPaged: PageShape = {
  readPage(body, source): Page {
    const records = body[source.recordsAt];
    if (!Array.isArray(records))
      throw new SyncError('malformed_json', `the answer has no list at "${source.recordsAt}"`);
    const next = body[source.cursor.from];
    if (next !== undefined && next !== null && typeof next !== 'string' && typeof next !== 'number')
      throw new SyncError('malformed_json', `"${source.cursor.from}" is neither a string nor a number`);
    const nextCursor = next === undefined || next === null || next === '' ? undefined : String(next);
    const more = body[source.cursor.hasMore];
    const hasMore = typeof more === 'boolean' ? more : nextCursor !== undefined && records.length > 0;
    return { records, nextCursor, hasMore };
  },
};
