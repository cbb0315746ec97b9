import type { Report, ReportAnswer } from '../services/reports/index.js';
import { messageView, sectionBlock, type MessageView } from './message.js';
import type { Locale } from './messages.js';
import { echoInput, slackLimits } from './slack-limits.js';

const ja = {
  listTitle: '*実行できるレポート*',
  none: '実行できるレポートはありません。',
  usage: 'レポートを実行: `/report 名前 引数`',
  params: (names: string) => `引数: ${names}`,
  unknown: (name: string) =>
    `「${echoInput(name)}」というレポートはないか、あなたのロールでは実行できません。\`/report\` で一覧を見られます。`,
  problem: (name: string, problem: string) => `*${name}*: ${echoInput(problem)}`,
  title: (description: string, shown: string) => `*${description}*${shown ? ` (${shown})` : ''}`,
  noRows: '該当する行はありません。',
  truncated: (n: number) => `(最初の ${n} 行だけを表示しています)`,
  chartSent: ':bar_chart: グラフは Banto との DM に送りました。',
  chartFailed: ':warning: グラフを送れませんでした。表だけを表示しています。',
  alert: (description: string, rows: number) =>
    `:rotating_light: レポート「${description}」が ${rows} 行を返しました。`,
  recovered: (description: string) => `:white_check_mark: レポート「${description}」は該当なしに戻りました。`,
};
type ReportMessages = typeof ja;
const en: ReportMessages = {
  listTitle: '*Reports you can run*',
  none: 'No reports you can run.',
  usage: 'Run one: `/report NAME args`',
  params: (names) => `parameters: ${names}`,
  unknown: (name) => `There is no report "${echoInput(name)}" that your roles may run. \`/report\` lists them.`,
  problem: (name, problem) => `*${name}*: ${echoInput(problem)}`,
  title: (description, shown) => `*${description}*${shown ? ` (${shown})` : ''}`,
  noRows: 'No rows.',
  truncated: (n) => `(only the first ${n} rows are shown)`,
  chartSent: ':bar_chart: The chart is in your DM with Banto.',
  chartFailed: ':warning: The chart could not be sent; the table is all there is.',
  alert: (description, rows) => `:rotating_light: Report "${description}" returned ${rows} row(s).`,
  recovered: (description) => `:white_check_mark: Report "${description}" returns no rows again.`,
};
const messagesOf = (locale: Locale) => (locale === 'en' ? en : ja);

/** The line under a chart report's table: where its chart went, or that it could not be sent. */
export const renderReportChartNote = (sent: boolean, locale: Locale) =>
  sent ? messagesOf(locale).chartSent : messagesOf(locale).chartFailed;

const describeParams = (report: Report) =>
  Object.entries(report.params)
    .map(
      ([name, p]) =>
        `${name} (${p.type === 'choice' ? p.choices.join('|') : p.type}${p.default === undefined ? '' : ` = ${p.default}`})`,
    )
    .join(', ');

/** `/report`: what the caller may run, with each report's parameters. */
export function renderReportList(reports: readonly Report[], locale: Locale): MessageView {
  const m = messagesOf(locale);
  if (reports.length === 0) return messageView(m.none, [sectionBlock(m.none)]);
  const lines = reports.map(
    (r) =>
      `• \`${r.name}\` — ${r.description}${Object.keys(r.params).length > 0 ? `\n    ${m.params(describeParams(r))}` : ''}`,
  );
  return messageView(m.listTitle, [sectionBlock([m.listTitle, ...lines, m.usage].join('\n'))]);
}

export const renderReportUnknown = (name: string, locale: Locale) => messagesOf(locale).unknown(name);
export const renderReportProblem = (report: Report, problem: string, locale: Locale) =>
  `${messagesOf(locale).problem(report.name, problem)}\n${messagesOf(locale).params(describeParams(report))}`;

const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value)).replace(/[\n`]/g, ' ');

/** The answer: a single figure, or the rows as an aligned table in a code block, cut to what Slack shows. */
export function renderReportAnswer(report: Report, shown: string, answer: ReportAnswer, locale: Locale): MessageView {
  const m = messagesOf(locale);
  const title = m.title(report.description, shown);
  if (report.output === 'figure') {
    const figure = cell(answer.rows[0]?.[0]);
    return messageView(`${report.description}: ${figure}`, [sectionBlock(`${title}\n*${figure}*`)]);
  }
  if (answer.rows.length === 0) return messageView(report.description, [sectionBlock(`${title}\n${m.noRows}`)]);
  const table = [answer.columns.map(cell), ...answer.rows.map((row) => row.map(cell))];
  const widths = answer.columns.map((_, i) => Math.max(...table.map((row) => [...(row[i] ?? '')].length)));
  const lines = table.map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  // One code block per section, each within Slack's limit; the rest is said to be cut.
  const room = slackLimits.sectionText - 10;
  const chunks: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current.length + line.length + 1 > room) {
      chunks.push(current);
      current = '';
    }
    current += `${line}\n`;
  }
  chunks.push(current);
  const shownChunks = chunks.slice(0, 20);
  const shownRows = shownChunks.join('').split('\n').filter(Boolean).length - 1;
  const cut = answer.truncated || shownRows < answer.rows.length;
  return messageView(report.description, [
    sectionBlock(title),
    ...shownChunks.map((chunk) => sectionBlock(`\`\`\`${chunk}\`\`\``)),
    ...(cut ? [sectionBlock(m.truncated(shownRows))] : []),
  ]);
}

/** An alert report that found rows: the alert's text, with the first rows (the alerts service adds the mention). */
export function renderReportAlert(report: Report, shown: string, answer: ReportAnswer, locale: Locale): string {
  const table = renderReportAnswer(report, shown, { ...answer, rows: answer.rows.slice(0, 10) }, locale);
  const body = table.blocks
    .slice(1)
    .map((b) => (b.type === 'section' && b.text ? b.text.text : ''))
    .join('\n');
  return `${messagesOf(locale).alert(report.description, answer.rows.length)}\n${body}`;
}

export const renderReportRecovered = (report: Report, locale: Locale) =>
  messagesOf(locale).recovered(report.description);
