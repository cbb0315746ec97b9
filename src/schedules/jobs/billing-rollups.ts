import { Duration } from 'luxon';
import type { PaymentsService } from '../../services/payments/index.js';
import type { JobDefinition } from '../job.js';

/**
 * Every 15 minutes, the billing rollups catch up with the payments table: the closed days of the look-back window
 * whose fingerprint changed, the days a provider webhook marked, the days whose first payments moved, and a month of
 * history not rolled yet; and today up to five minutes ago. A closed day's figures are never more than one run
 * behind; today's are always live (its rolled part is read only while its fingerprint holds).
 */
export function createBillingRollupsJob(payments: Pick<PaymentsService, 'refreshRollups'>): JobDefinition {
  return {
    name: 'billing-rollups',
    cron: '0 */15 * * * *',
    timeout: Duration.fromObject({ minutes: 10 }),
    // The next run is the retry: a day half-rolled is replaced whole, in one transaction.
    retry: { attempts: 1, backoff: Duration.fromObject({ seconds: 1 }) },
    catchUp: { policy: 'latest' },
    async run() {
      const { checked, rolled } = await payments.refreshRollups();
      return `checked ${checked} days; rolled ${rolled.paid} paid days, ${rolled.due} due dates and ${rolled.paydays} payment days`;
    },
  };
}
