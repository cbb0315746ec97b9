import { BantoError } from '../../errors.js';
import type { AllMiddlewareArgs } from '@slack/bolt';
import type { ReportOutcome } from '../../services/reports/index.js';
import { renderReportChart } from '../../views/chart.js';
import { sectionBlock } from '../../views/message.js';
import {
  renderReportAnswer,
  renderReportChartNote,
  renderReportList,
  renderReportProblem,
  renderReportUnknown,
} from '../../views/reports.js';
import type { Handler, HandlerDeps } from '../define.js';

type ReportAnswerOutcome = Extract<ReportOutcome, { kind: 'answer' }>;

/**
 * `/report` lists the reports the caller may run; `/report NAME args` runs one and answers the caller alone. A
 * report they may not run is answered as one that does not exist.
 */
export function createReportCommand({ reports, locale, logger }: HandlerDeps): Handler<'command', 'later'> {
  /**
   * A chart cannot be ephemeral: it goes to the caller's DM with Banto, where no one else sees it. Its failure
   * leaves the table, and says so.
   */
  async function sendChart(
    client: AllMiddlewareArgs['client'],
    userId: string,
    outcome: ReportAnswerOutcome,
  ): Promise<boolean> {
    try {
      const im = await client.conversations.open({ users: userId });
      await client.files.uploadV2({
        channel_id: im.channel?.id ?? '',
        file: await renderReportChart(outcome.report, outcome.answer),
        filename: `${outcome.report.name}.png`,
        title: `${outcome.report.description} (${outcome.shown})`.slice(0, 200),
      });
      return true;
    } catch (error) {
      logger.warn({ err: error, report: outcome.report.name }, 'could not send a report chart');
      return false;
    }
  }
  return async ({ command, respond, context, client }) => {
    const [, name = '', args = ''] = /^(\S*)\s*([\s\S]*)$/.exec(command.text.trim()) ?? [];
    if (!name) {
      context.auditResult = 'list';
      await respond({ response_type: 'ephemeral', ...renderReportList(reports.listFor(context.roles), locale) });
      return;
    }
    try {
      const outcome = await reports.run(name, args, context.roles);
      if (outcome.kind === 'unknown') {
        context.auditResult = 'unknown or not allowed';
        await respond({ response_type: 'ephemeral', text: renderReportUnknown(name, locale) });
      } else if (outcome.kind === 'usage') {
        context.auditResult = `usage: ${outcome.problem}`;
        await respond({
          response_type: 'ephemeral',
          text: renderReportProblem(outcome.report, outcome.problem, locale),
        });
      } else {
        context.auditResult = `${name}: ${outcome.answer.rows.length} row(s)`;
        const view = renderReportAnswer(outcome.report, outcome.shown, outcome.answer, locale);
        if (outcome.report.output === 'chart' && outcome.answer.rows.length > 0) {
          const sent = await sendChart(client, command.user_id, outcome);
          view.blocks.push(sectionBlock(renderReportChartNote(sent, locale)));
        }
        await respond({ response_type: 'ephemeral', ...view });
      }
    } catch (error) {
      if (!(error instanceof BantoError) || !error.code.startsWith('REPORT_')) throw error;
      context.auditResult = error.code;
      await respond({ response_type: 'ephemeral', text: `*${name}*: ${error.message}` });
    }
  };
}
