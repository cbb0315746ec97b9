import type { KnownBlock, View } from '@slack/types';
import type { SyncSourceStatus } from '../services/sync/index.js';
import type { SyncRun } from '../services/sync/sync-runs.js';
import { headerBlock, messageView, sectionBlock, type MessageView } from './message.js';
import type { Locale } from './messages.js';
import { clip, fitToSlack, slackLimits } from './slack-limits.js';
import { syncMessages } from './sync-messages.js';

export const syncIds = { syncNow: 'sync_now', showErrors: 'sync_show_errors' } as const;

const at = (time: SyncSourceStatus['lastSuccessAt'], zone: string) =>
  time?.setZone(zone).toFormat('yyyy-MM-dd HH:mm') ?? '—';

function sourceBlocks(s: SyncSourceStatus, zone: string, locale: Locale, withButtons: boolean): KnownBlock[] {
  const m = syncMessages(locale);
  const lines = [
    `*${s.name}* — ${m.health[s.health] ?? s.health}`,
    `${m.lastSuccess(at(s.lastSuccessAt, zone))} · ${m.lag(
      s.lagSeconds === undefined ? undefined : Math.round(s.lagSeconds / 60),
      Math.round(s.maxLagSeconds / 60),
    )}`,
    `${m.streak(s.failureStreak)} · ${m.nextRun(at(s.nextRun, zone))} · ${m.syncedToday(s.syncedToday)}`,
  ];
  const last = s.lastRun;
  if (last?.errorClass)
    lines.push(m.lastError(m.problem[last.errorClass], last.errorMessage ?? '', at(last.startedAt, zone)));
  const blocks: KnownBlock[] = [sectionBlock(lines.join('\n'))];
  if (withButtons)
    blocks.push({
      type: 'actions',
      block_id: `sync:${s.name}`,
      elements: [
        { type: 'button', action_id: syncIds.syncNow, value: s.name, text: { type: 'plain_text', text: m.syncNow } },
        {
          type: 'button',
          action_id: syncIds.showErrors,
          value: s.name,
          text: { type: 'plain_text', text: m.showErrors },
        },
      ],
    });
  return blocks;
}

/** `/sync-status`: each source's health, lag, streak, next run and today's records; buttons for engineers only. */
export function renderSyncStatus(
  statuses: SyncSourceStatus[],
  { zone, locale, withButtons }: { zone: string; locale: Locale; withButtons: boolean },
): MessageView {
  const m = syncMessages(locale);
  if (statuses.length === 0) return messageView(m.noSources, [headerBlock(m.statusTitle), sectionBlock(m.noSources)]);
  const blocks = [headerBlock(m.statusTitle), ...statuses.flatMap((s) => sourceBlocks(s, zone, locale, withButtons))];
  const text = `${m.statusTitle}: ${statuses.map((s) => `${s.name} ${s.health}`).join(', ')}`;
  return messageView(text, blocks);
}

export function renderSyncNotice(text: string): MessageView {
  return messageView(text, [sectionBlock(text)]);
}

/** "Show errors": the records the source's last run skipped, each with its key and reason. */
export function renderSkippedRecords(source: string, run: SyncRun | undefined, locale: Locale): View {
  const m = syncMessages(locale);
  const skipped = run?.skippedRecords ?? [];
  const lines =
    skipped.length === 0
      ? [m.noSkipped(source)]
      : [
          m.skippedIntro(source, skipped.length, run?.skipped ?? skipped.length),
          ...skipped.map((r) => `• \`${clip(r.key, 64)}\` — ${clip(r.reason, 300)}`),
        ];
  // A section holds 3,000 characters: the list goes in as many sections as it needs, up to a modal's 100 blocks.
  const sections: KnownBlock[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + line.length + 1 > slackLimits.sectionText) {
      sections.push(sectionBlock(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) sections.push(sectionBlock(current));
  return fitToSlack<View>({
    type: 'modal',
    title: { type: 'plain_text', text: clip(m.skippedTitle, 24) },
    close: { type: 'plain_text', text: '閉じる / Close' },
    blocks: sections,
  });
}
