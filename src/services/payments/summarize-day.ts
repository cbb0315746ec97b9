import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import { toDbTime } from '../../db/time.js';

export interface DaySummary {
  /** The business day, 'yyyy-MM-dd' in the business zone. */
  day: string;
  succeededCount: number;
  succeededTotal: number;
}

/**
 * Count and total of the succeeded payments of one business day. The day is
 * turned into a half-open UTC range so the (paid_at, status, amount) index
 * answers it alone, on SQLite and MySQL alike.
 */
export async function summarizeDay(db: Knex, day: DateTime, zone: string): Promise<DaySummary> {
  const start = day.setZone(zone).startOf('day');
  const end = start.plus({ days: 1 });
  const row = await db('payments')
    .where('paid_at', '>=', toDbTime(start))
    .andWhere('paid_at', '<', toDbTime(end))
    .andWhere('status', 'succeeded')
    .count({ n: '*' })
    .sum({ total: 'amount' })
    .first();
  return { day: start.toISODate() ?? '', succeededCount: Number(row?.n ?? 0), succeededTotal: Number(row?.total ?? 0) };
}
