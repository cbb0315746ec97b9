import type { KnownBlock } from '@slack/types';
import type { JobStatus } from '../schedules/runner.js';
import { messagesFor, type Locale } from './messages.js';
import { headerBlock, messageView, sectionBlock, type MessageView } from './message.js';
import { syncMessages } from './sync-messages.js';

export const runJobActionId = 'jobs_run_now';

/** A Slack user id becomes a mention; anything else (a CLI user) stays plain text. */
const who = (startedBy: string | null) =>
  startedBy && /^[UW][A-Z0-9]+$/.test(startedBy) ? `<@${startedBy}>` : startedBy;

const when = (status: JobStatus, at: JobStatus['nextRun']) =>
  at?.setZone(status.zone).toFormat('yyyy-MM-dd HH:mm:ss ZZZZ') ?? '—';

/** A job's line in `/jobs`: the table's own jobs by name, a partner's sync job by its source. */
export function describeJob(name: string, locale: Locale): string | undefined {
  const source = /^sync-(.+)$/.exec(name)?.[1];
  if (source) return syncMessages(locale).jobDescription(source);
  const report = /^report-(.+)$/.exec(name)?.[1];
  if (report)
    return locale === 'en'
      ? `runs the saved report ${report} and posts it`
      : `保存レポート ${report} を実行して投稿します`;
  return messagesFor(locale).jobDescriptions[name];
}

/** `/jobs`: every job with its last run, next run and a "Run now" button. */
export function renderJobs(statuses: JobStatus[], locale: Locale): MessageView {
  const m = messagesFor(locale);
  const blocks: KnownBlock[] = [headerBlock(m.jobsTitle)];
  for (const status of statuses) {
    const last = status.lastRun;
    const lastText = last
      ? m.jobsLastRun(last.status, last.durationMs, when(status, last.startedAt ?? undefined), who(last.startedBy))
      : m.jobsNeverRun;
    blocks.push({
      type: 'section',
      block_id: `job:${status.name}`,
      text: {
        type: 'mrkdwn',
        text: [
          `*${status.name}*${describeJob(status.name, locale) ? ` — ${describeJob(status.name, locale)}` : ''}`,
          `\`${status.cron}\` (${status.zone})${status.enabled ? '' : ` ${m.jobsDisabled}`}`,
          lastText,
          m.jobsNextRun(status.enabled ? when(status, status.nextRun) : '—'),
        ].join('\n'),
      },
      accessory: {
        type: 'button',
        action_id: runJobActionId,
        value: status.name,
        text: { type: 'plain_text', text: m.jobsRunNow },
      },
    });
  }
  return messageView(`${m.jobsTitle}: ${statuses.map((s) => s.name).join(', ')}`, blocks);
}

export function renderJobOutcome(text: string): MessageView {
  return messageView(text, [sectionBlock(text)]);
}
