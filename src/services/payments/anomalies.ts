import type { Knex } from 'knex';
import type { DateTime } from 'luxon';
import type { AnomalyRules } from '../../config.js';
import { isBusinessDay } from './business-days.js';
import type { Period } from './period.js';
import type { PeriodSummarizer } from './summarize.js';

export type AnomalyRule = 'failed-rate' | 'below-expected' | 'no-payments' | 'provider-total';

/** One rule's verdict for one business day: firing opens its alert, not firing resolves it. */
export interface AnomalyFinding {
  rule: AnomalyRule;
  day: string;
  firing: boolean;
  /** Figures for the message: rate, totals, hours. */
  facts: Record<string, number | string>;
}

const dayOf = (start: DateTime): Period => ({
  kind: 'day',
  start,
  end: start.plus({ days: 1 }),
  label: start.toISODate() ?? '',
});

/**
 * The anomaly rules at `now`. A rule that cannot be judged yet (before the
 * payment day closes, outside business hours, no provider total recorded)
 * gives no finding, so an open alert stays open until the rule can say it
 * is over.
 */
export async function evaluateAnomalies({
  db,
  summarizer,
  rules,
  now,
}: {
  db: Knex;
  summarizer: PeriodSummarizer;
  rules: AnomalyRules;
  now: DateTime;
}): Promise<AnomalyFinding[]> {
  const findings: AnomalyFinding[] = [];
  const today = dayOf(now.startOf('day'));
  const yesterday = dayOf(today.start.minus({ days: 1 }));
  const businessDay = isBusinessDay(today.start);
  const opens = today.start.set({ hour: rules.business_hours.start });
  const closes = today.start.set({ hour: rules.business_hours.end });

  if (rules.failed_rate.enabled) {
    const { succeeded, failed } = await summarizer.totalsByStatus(today);
    const attempts = succeeded.count + failed.count;
    if (attempts >= rules.failed_rate.min_attempts) {
      const percent = (failed.count / attempts) * 100;
      findings.push({
        rule: 'failed-rate',
        day: today.label,
        firing: percent > rules.failed_rate.max_percent,
        facts: { percent: percent.toFixed(1), failed: failed.count, attempts, max: rules.failed_rate.max_percent },
      });
    }
  }

  if (rules.below_expected.enabled && businessDay && now >= closes) {
    const day = await summarizer.paymentDay(today.start);
    if (day && day.expected.total > 0) {
      const percent = (day.paid.total / day.expected.total) * 100;
      findings.push({
        rule: 'below-expected',
        day: today.label,
        firing: percent < rules.below_expected.min_percent,
        facts: {
          percent: percent.toFixed(1),
          paid: day.paid.total,
          expected: day.expected.total,
          min: rules.below_expected.min_percent,
        },
      });
    }
  }

  if (rules.no_payments.enabled && businessDay && now >= opens && now < closes) {
    const last = await summarizer.lastSucceededAt(today);
    const since = last && last > opens ? last : opens;
    const hours = now.diff(since, 'hours').hours;
    if (hours >= rules.no_payments.hours || last) {
      findings.push({
        rule: 'no-payments',
        day: today.label,
        firing: hours >= rules.no_payments.hours,
        facts: {
          hours: hours.toFixed(1),
          since: since.setZone(now.zone).toFormat('HH:mm'),
          limit: rules.no_payments.hours,
        },
      });
    }
  }

  if (rules.provider_total.enabled) {
    const recorded = (await db('banto_provider_totals').where({ day: yesterday.label, currency: 'JPY' }).first()) as
      { amount: number | string } | undefined;
    if (recorded) {
      const ours = (await summarizer.totalsByStatus(yesterday)).succeeded.total;
      const theirs = Number(recorded.amount);
      findings.push({
        rule: 'provider-total',
        day: yesterday.label,
        firing: ours !== theirs,
        facts: { ours, theirs, difference: ours - theirs },
      });
    }
  }
  return findings;
}
