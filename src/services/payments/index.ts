import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { Clock } from '../../clock.js';
import type { BillingSchema } from '../../config.js';
import { fromDbTime } from '../../db/time.js';
import type { PaymentDayRule } from './business-days.js';
import { parsePeriod, type Period, type PeriodProblem } from './period.js';
import {
  markPaymentDirty,
  rebuildRollups,
  refreshRollups,
  type RebuildProgress,
  type RefreshOptions,
  type RefreshResult,
} from './rollup-refresh.js';
import { createPeriodSummarizer, type PeriodSummarizer, type PeriodSummary } from './summarize.js';

export type { Amounts, PaymentDayFigures, PeriodSummary } from './summarize.js';
export type { Period, PeriodProblem } from './period.js';
export type { RebuildProgress, RefreshResult } from './rollup-refresh.js';

export interface PaymentsService {
  /** Reads what a person typed after `/payments` into a period of the business calendar. */
  parsePeriod(text: string): { period: Period } | { problem: PeriodProblem };
  summarize(period: Period): Promise<PeriodSummary>;
  /** Succeeded total of each of the `days` business-zone days that end with `lastDay` (rolled days, or one range query a day). */
  dailyTotals(lastDay: Period, days: number): Promise<{ day: string; total: number }[]>;
  /** Rolls the closed days that changed (the `billing-rollups` job). */
  refreshRollups(options?: Partial<RefreshOptions>): Promise<RefreshResult>;
  /** Rolls every day from `from` again; a second call continues an interrupted one (`banto billing rebuild`). */
  rebuildRollups(options: {
    from?: DateTime | undefined;
    onProgress?: (p: RebuildProgress) => void;
  }): Promise<{ days: number; resumedAfter: number; firsts: number }>;
  /** The payment with this provider charge id changed (a webhook): its days are rolled again at the next refresh. */
  markChargeDirty(chargeId: string): Promise<boolean>;
  readonly summarizer: PeriodSummarizer;
}

export interface RollupSettings {
  lookbackDays: number;
  backfillDays: number;
}

export function createPaymentsService({
  db,
  clock,
  schema,
  paymentDayRule,
  rollups = { lookbackDays: 60, backfillDays: 31 },
}: {
  db: Knex;
  clock: Clock;
  schema: BillingSchema;
  paymentDayRule: PaymentDayRule;
  rollups?: RollupSettings;
}): PaymentsService {
  const summarizer = createPeriodSummarizer(db, schema, paymentDayRule, clock);
  const p = schema.payments;
  return {
    summarizer,
    parsePeriod: (text) => parsePeriod(text, clock.now()),
    summarize: (period) => summarizer.summarize(period),
    dailyTotals: (lastDay, days) =>
      Promise.all(
        Array.from({ length: days }, async (_, i) => {
          const start = lastDay.start.minus({ days: days - 1 - i });
          const succeeded = await summarizer.succeededIn({
            kind: 'day',
            start,
            end: start.plus({ days: 1 }),
            label: start.toISODate() ?? '',
          });
          return { day: start.toFormat('MM-dd'), total: succeeded.total };
        }),
      ),
    refreshRollups: (options = {}) =>
      refreshRollups(summarizer.tables, summarizer.rollups, clock.now(), { ...rollups, ...options }),
    rebuildRollups: (options) => rebuildRollups(summarizer.tables, summarizer.rollups, clock.now(), options),
    async markChargeDirty(chargeId) {
      if (!p.provider_charge_id) return false;
      const row = (await db(p.table)
        .where(p.provider_charge_id, chargeId)
        .first({ paidAt: p.paid_at, dueDate: p.due_date })) as
        { paidAt: string | null; dueDate: string | null } | undefined;
      if (!row) return false;
      await markPaymentDirty(
        summarizer.tables,
        summarizer.rollups,
        {
          paidAt: row.paidAt ? fromDbTime(row.paidAt) : undefined,
          dueDate: row.dueDate ? String(row.dueDate).slice(0, 10) : undefined,
        },
        clock.now(),
      );
      return true;
    },
  };
}
