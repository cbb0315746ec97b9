import type { Knex } from 'knex';
import { Duration } from 'luxon';
import type { AnomalyRules } from '../../config.js';
import type { Clock } from '../../clock.js';
import type { Alerts } from '../../services/alerts/alerts.js';
import { evaluateAnomalies } from '../../services/payments/anomalies.js';
import type { PeriodSummarizer } from '../../services/payments/summarize.js';
import { messagesFor, type Locale } from '../../views/messages.js';
import type { JobDefinition } from '../job.js';

export interface BillingAnomaliesDeps {
  db: Knex;
  clock: Clock;
  summarizer: PeriodSummarizer;
  rules: AnomalyRules;
  alerts: Alerts;
  locale: Locale;
  /** User groups that hear about billing anomalies besides on-call (accounting). */
  accountingUsergroups: string[];
}

/** Every 15 minutes: each anomaly rule opens one alert per incident (rule and day) and replies in its thread when it is over. */
export function createBillingAnomaliesJob(deps: BillingAnomaliesDeps): JobDefinition {
  const { db, clock, summarizer, rules, alerts, locale, accountingUsergroups } = deps;
  const m = messagesFor(locale);
  return {
    name: 'billing-anomalies',
    cron: '0 */15 * * * *',
    timeout: Duration.fromObject({ minutes: 2 }),
    retry: { attempts: 2, backoff: Duration.fromObject({ seconds: 30 }) },
    catchUp: { policy: 'latest' },
    async run() {
      const findings = await evaluateAnomalies({ db, summarizer, rules, now: clock.now() });
      const firing: string[] = [];
      for (const finding of findings) {
        const key = `anomaly:${finding.rule}:${finding.day}`;
        if (finding.firing) {
          firing.push(finding.rule);
          await alerts.open(key, m.anomaly[finding.rule](finding.day, finding.facts), accountingUsergroups);
        } else {
          await alerts.resolve(key, m.anomalyOver(finding.rule, finding.day));
        }
      }
      return firing.length > 0 ? `firing: ${firing.join(', ')}` : `${findings.length} rules checked, none firing`;
    },
  };
}
