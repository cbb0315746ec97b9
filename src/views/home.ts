import type { KnownBlock, View } from '@slack/types';
import type { HomeData } from '../services/home/index.js';
import type { PeriodSummary } from '../services/payments/index.js';
import { formatCount, formatYen } from './format.js';
import { headerBlock, sectionBlock } from './message.js';
import { messagesFor, type HelpKey, type Locale } from './messages.js';
import { runJobActionId } from './jobs.js';
import { requestMessages } from './request-messages.js';
import { fitToSlack } from './slack-limits.js';

export const homeIds = { customerSearch: 'home_customer_search' } as const;

const ja = {
  title: 'Banto',
  billing: '*決済*',
  day: (label: string, s: PeriodSummary) =>
    `${label}: 成功 ${formatCount(s.succeeded.count)} 件 ${formatYen(s.succeeded.total)} / 失敗 ${formatCount(s.failed.count)} 件 / 返金 ${formatCount(s.refunded.count)} 件`,
  today: '本日',
  yesterday: '昨日',
  chart: '直近30日のグラフは毎朝 9:00 に請求チャンネルへ投稿されます。',
  chartAlt: '直近30日の成功額',
  desk: '*窓口*',
  search: '顧客を検索',
  openRequests: '*あなたの依頼 (処理中)*',
  noRequests: '処理中の依頼はありません。',
  mail: (counts: Record<string, number>) =>
    `本日のメール: 送信 ${counts.sent ?? 0} / 待ち ${counts.queued ?? 0} / 失敗 ${counts.failed ?? 0}`,
  engineering: '*エンジニア*',
  alerts: '*対応中のアラート*',
  noAlerts: '対応中のアラートはありません。',
  failingJobs: '*前回失敗したジョブ*',
  noFailingJobs: '失敗しているジョブはありません。',
  runNow: '今すぐ実行',
  sources: '*連携*',
  noSources: '連携は設定されていません。',
  commands: '*使えるコマンド*',
};
type HomeMessages = typeof ja;
const en: HomeMessages = {
  title: 'Banto',
  billing: '*Billing*',
  day: (label, s) =>
    `${label}: ${formatCount(s.succeeded.count)} succeeded ${formatYen(s.succeeded.total)} / ${formatCount(s.failed.count)} failed / ${formatCount(s.refunded.count)} refunded`,
  today: 'Today',
  yesterday: 'Yesterday',
  chart: "The last 30 days' chart is posted to the billing channel every morning at 09:00.",
  chartAlt: 'Succeeded totals of the last 30 days',
  desk: '*Help desk*',
  search: 'Look a customer up',
  openRequests: '*Your open requests*',
  noRequests: 'No open requests.',
  mail: (counts) =>
    `Mail today: ${counts.sent ?? 0} sent / ${counts.queued ?? 0} waiting / ${counts.failed ?? 0} failed`,
  engineering: '*Engineering*',
  alerts: '*Open alerts*',
  noAlerts: 'No open alerts.',
  failingJobs: '*Jobs whose last run failed*',
  noFailingJobs: 'No failing jobs.',
  runNow: 'Run now',
  sources: '*Partner syncs*',
  noSources: 'No partner sources are configured.',
  commands: '*Commands you can run*',
};

/**
 * A person's Home: the parts of `data` there are (the service read only what their roles may see), then the
 * commands they may run.
 */
export function renderHome(
  data: HomeData,
  commands: readonly { help: HelpKey; key: string }[],
  locale: Locale,
  zone: string,
): View {
  const m = locale === 'en' ? en : ja;
  const r = requestMessages(locale);
  const blocks: KnownBlock[] = [headerBlock(m.title)];
  if (data.billing) {
    const { today, yesterday, chartFileId } = data.billing;
    blocks.push(sectionBlock([m.billing, m.day(m.today, today), m.day(m.yesterday, yesterday), m.chart].join('\n')));
    // The chart the billing channel got this morning, by its file: the Home shows it to this person only.
    if (chartFileId) blocks.push({ type: 'image', slack_file: { id: chartFileId }, alt_text: m.chartAlt });
  }
  if (data.desk) {
    blocks.push(sectionBlock(m.desk), {
      type: 'actions',
      block_id: 'desk',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: m.search },
          action_id: homeIds.customerSearch,
          value: 'search',
        },
      ],
    });
    const requests = data.desk.openRequests.map(
      (q) =>
        `#${q.id} ${r.kind[q.kind]} — ${r.state[q.state]} (${q.requestedAt.setZone(zone).toFormat('MM-dd HH:mm')})`,
    );
    blocks.push(
      sectionBlock(
        [m.openRequests, ...(requests.length > 0 ? requests : [m.noRequests]), m.mail(data.desk.mail.counts)].join(
          '\n',
        ),
      ),
    );
  }
  if (data.engineering) {
    const { alerts, failingJobs, sources } = data.engineering;
    blocks.push(
      sectionBlock(
        [
          m.alerts,
          ...(alerts.length > 0
            ? alerts.map((a) => `• ${a.openedAt.setZone(zone).toFormat('MM-dd HH:mm')} ${a.key}`)
            : [m.noAlerts]),
        ].join('\n'),
      ),
      sectionBlock(failingJobs.length > 0 ? m.failingJobs : `${m.failingJobs}\n${m.noFailingJobs}`),
    );
    for (const job of failingJobs)
      blocks.push({
        type: 'section',
        block_id: `job_${job.name}`,
        text: { type: 'mrkdwn', text: `*${job.name}* — ${job.lastRun?.error ?? ''}` },
        accessory: {
          type: 'button',
          text: { type: 'plain_text', text: m.runNow },
          action_id: runJobActionId,
          value: job.name,
        },
      });
    blocks.push(
      sectionBlock(
        [
          m.sources,
          ...(sources.length > 0
            ? sources.map((s) => `• ${s.name} — ${s.health}${s.failureStreak > 0 ? ` (${s.failureStreak})` : ''}`)
            : [m.noSources]),
        ].join('\n'),
      ),
    );
  }
  const descriptions = messagesFor(locale).commandDescriptions;
  blocks.push(sectionBlock([m.commands, ...commands.map((c) => `\`${c.key}\` — ${descriptions[c.help]}`)].join('\n')));
  return fitToSlack<View>({ type: 'home', blocks });
}
