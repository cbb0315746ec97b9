import { Duration } from 'luxon';
import type { Clock } from '../../clock.js';
import type { ChannelGuard } from '../../services/access/channel-guard.js';
import type { PaymentsService } from '../../services/payments/index.js';
import type { Publisher } from '../../services/publish.js';
import { renderDailyTotalsChart } from '../../views/chart.js';
import { messagesFor, type Locale } from '../../views/messages.js';
import { renderPaymentDay, renderPeriodSummary } from '../../views/payments.js';
import type { JobDefinition } from '../job.js';

export interface BillingDailySummaryDeps {
  payments: PaymentsService;
  clock: Clock;
  checkBillingChannel: ChannelGuard;
  publisher: Publisher;
  locale: Locale;
  billingChannel: string;
}

/**
 * Every morning: yesterday's figures with their comparisons and a 30-day chart
 * to the billing channel, and for a payment day the expected-against-paid post
 * with the customers whose payment failed. Nothing is posted to a channel that
 * fails the guard; the engineers are alerted instead.
 */
export function createBillingDailySummaryJob(deps: BillingDailySummaryDeps): JobDefinition {
  const { payments, clock, checkBillingChannel, publisher, locale, billingChannel } = deps;
  const m = messagesFor(locale);
  return {
    name: 'billing-daily-summary',
    cron: '0 0 9 * * *',
    timeout: Duration.fromObject({ minutes: 5 }),
    retry: { attempts: 3, backoff: Duration.fromObject({ minutes: 1 }) },
    catchUp: { policy: 'latest' },
    deadMan: { period: Duration.fromObject({ days: 1 }), grace: Duration.fromObject({ hours: 1 }) },
    async run({ effects }) {
      // A failing check alerts the engineers by itself; this job only stays silent.
      const verdict = await checkBillingChannel(billingChannel);
      if (!verdict.allowed) {
        return `blocked: the billing channel is ${verdict.reason === 'public' ? 'public' : `shared with ${verdict.outsiders.join(', ')}`}`;
      }
      const parsed = payments.parsePeriod('yesterday');
      if ('problem' in parsed) throw new Error('yesterday did not parse');
      const summary = await payments.summarize(parsed.period);
      // Each post once per run: a retry after a failed upload does not post the summary again.
      await effects.once('summary', () => publisher.post(billingChannel, renderPeriodSummary(summary, locale)));
      await effects.once('chart', async () =>
        publisher.upload(billingChannel, {
          filename: `payments-${parsed.period.label}.png`,
          title: m.chartTitle(parsed.period.label),
          data: await renderDailyTotalsChart(await payments.dailyTotals(parsed.period, 30)),
        }),
      );
      const day = summary.paymentDay;
      if (day && day.expected.count > 0)
        await effects.once('payment-day', () =>
          publisher.post(billingChannel, renderPaymentDay(parsed.period.label, day, locale)),
        );
      return `posted ${parsed.period.label} at ${clock.now().toFormat('HH:mm')}${day && day.expected.count > 0 ? ' with the payment day' : ''}`;
    },
  };
}
