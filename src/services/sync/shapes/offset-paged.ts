import { SyncError, type Page } from '../fetch-page.js';
import type { PageShape } from './index.js';

/**
 * A partner that pages by position: `?offset=N` (the cursor parameter), the records at `records_at` and the
 * list's length at `total`. The cursor Banto keeps is the offset after the last record it has, so this suits
 * lists that only grow (an export, a ledger): a partner that reorders its list needs a cursor of its own.
 */
export const offsetPaged: PageShape = {
  readPage(body, source, cursor): Page {
    const records = body[source.recordsAt];
    if (!Array.isArray(records))
      throw new SyncError('malformed_json', `the answer has no list at "${source.recordsAt}"`);
    const total = body.total;
    if (typeof total !== 'number' || !Number.isInteger(total) || total < 0)
      throw new SyncError('malformed_json', '"total" is not a count');
    const offset = Number(cursor ?? 0) + records.length;
    return { records, nextCursor: String(offset), hasMore: records.length > 0 && offset < total };
  },
};
