import { Duration } from 'luxon';
import type { ChannelGuard } from '../../services/access/channel-guard.js';
import type { Alerts } from '../../services/alerts/alerts.js';
import type { Publisher } from '../../services/publish.js';
import type { ReportService } from '../../services/reports/index.js';
import type { Locale } from '../../views/messages.js';
import { renderReportAlert, renderReportAnswer, renderReportRecovered } from '../../views/reports.js';
import { renderReportChart } from '../../views/chart.js';
import type { JobDefinition } from '../job.js';

export interface ReportJobsDeps {
  reports: ReportService;
  alerts: Alerts;
  publisher: Publisher;
  checkBillingChannel: ChannelGuard;
  locale: Locale;
}

export const reportJobName = (report: string) => `report-${report}`;

/**
 * One row of the schedule table per scheduled report: `report-<name>` on the report's cron. A plain report posts
 * its answer to its channel once per slot (a sensitive one only to a channel that passes the billing guard); an
 * alert report opens the on-call alert while its query returns rows, and recovers once when it returns none.
 */
export function createReportJobs({
  reports,
  alerts,
  publisher,
  checkBillingChannel,
  locale,
}: ReportJobsDeps): JobDefinition[] {
  return reports.scheduled().map((report) => ({
    name: reportJobName(report.name),
    cron: report.schedule?.cron ?? '',
    timeout: Duration.fromObject({ minutes: 2 }),
    retry: { attempts: 2, backoff: Duration.fromObject({ seconds: 30 }) },
    catchUp: { policy: 'latest' },
    async run({ effects }) {
      const outcome = await reports.runScheduled(report);
      if (outcome.kind !== 'answer') throw new Error(outcome.kind === 'usage' ? outcome.problem : 'unknown report');
      const { answer, shown } = outcome;
      if (report.alert) {
        const key = `report:${report.name}`;
        if (answer.rows.length === 0) {
          const recovered = await alerts.resolve(key, renderReportRecovered(report, locale));
          return recovered ? 'no rows: recovered' : 'no rows';
        }
        const text = renderReportAlert(report, shown, answer, locale);
        if (!(await alerts.open(key, text))) await alerts.update(key, text);
        return `${answer.rows.length} row(s): alert open`;
      }
      const channel = report.schedule?.channel ?? '';
      if (report.sensitive && !(await checkBillingChannel(channel)).allowed)
        return `blocked: ${channel} does not pass the billing guard`;
      await effects.once('post', () => publisher.post(channel, renderReportAnswer(report, shown, answer, locale)));
      if (report.output !== 'chart' || answer.rows.length === 0)
        return `posted ${answer.rows.length} row(s) to ${channel}`;
      // Its own effect: a retry after a failed upload uploads, and does not post the table again.
      await effects.once('chart', async () =>
        publisher.upload(channel, {
          filename: `${report.name}.png`,
          title: `${report.description} (${shown})`.slice(0, 200),
          data: await renderReportChart(report, answer),
        }),
      );
      return `posted ${answer.rows.length} row(s) and a chart to ${channel}`;
    },
  }));
}
