import { BantoError } from '../../errors.js';
import { renderReportAnswer, renderReportList, renderReportProblem, renderReportUnknown } from '../../views/reports.js';
import type { Handler, HandlerDeps } from '../define.js';

/**
 * `/report` lists the reports the caller may run; `/report NAME args` runs one and answers the caller alone. A
 * report they may not run is answered as one that does not exist.
 */
export function createReportCommand({ reports, locale }: HandlerDeps): Handler<'command', 'later'> {
  return async ({ command, respond, context }) => {
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
        await respond({
          response_type: 'ephemeral',
          ...renderReportAnswer(outcome.report, outcome.shown, outcome.answer, locale),
        });
      }
    } catch (error) {
      if (!(error instanceof BantoError) || !error.code.startsWith('REPORT_')) throw error;
      context.auditResult = error.code;
      await respond({ response_type: 'ephemeral', text: `*${name}*: ${error.message}` });
    }
  };
}
