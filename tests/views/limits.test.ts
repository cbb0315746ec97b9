import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import type { OutboxMail } from '../../src/services/mail/outbox.js';
import type { TemplateVersion } from '../../src/services/mail/templates.js';
import type { PeriodSummary } from '../../src/services/payments/index.js';
import type { JobStatus } from '../../src/schedules/runner.js';
import { renderHelp, renderMentionReply, renderWhoami } from '../../src/views/help.js';
import { renderJobOutcome, renderJobs } from '../../src/views/jobs.js';
import {
  renderBulkRequest,
  renderMailStatus,
  renderResendConfirm,
  renderResendFind,
  renderResendPick,
  renderTemplateList,
  renderTemplateReview,
} from '../../src/views/mail.js';
import { mailMessages } from '../../src/views/mail-messages.js';
import { noticeModal } from '../../src/views/message.js';
import { messagesFor, type Locale } from '../../src/views/messages.js';
import { renderPaymentDay, renderPaymentsUsage, renderPeriodSummary } from '../../src/views/payments.js';
import { renderRefusal } from '../../src/views/refusal.js';
import { clip, echoInput, fitToSlack } from '../../src/views/slack-limits.js';
import { renderUnanswered } from '../../src/views/unanswered.js';
import { renderProviderEvent } from '../../src/views/provider-events.js';
import { renderSkippedRecords, renderSyncNotice, renderSyncStatus } from '../../src/views/sync.js';
import { syncMessages } from '../../src/views/sync-messages.js';
import type { SyncSourceStatus } from '../../src/services/sync/index.js';
import type { SyncRun } from '../../src/services/sync/sync-runs.js';
import type { ProviderEvent } from '../../src/services/provider/event.js';
import { slackLimitProblems } from '../../src/local/slack-limits.js';

const at = DateTime.fromISO('2026-12-01T10:00:00', { zone: 'Asia/Tokyo' });
const huge = (n = 10_000) => 'あ<@U01EXEC>*'.repeat(Math.ceil(n / 12)).slice(0, n);
const amounts = { count: 12_345_678, total: 98_765_432_100 };
const version: TemplateVersion = {
  id: 1,
  name: huge(300),
  version: 3,
  description: huge(),
  params: Array.from({ length: 200 }, (_, i) => ({ name: `p${i}_${huge(100)}`, sample: huge(), description: huge() })),
  state: 'draft',
  createdAt: at,
  decidedBy: null,
  decidedAt: null,
  subject: huge(),
  text: huge(50_000),
  html: huge(),
};
const mail = (id: number): OutboxMail => ({
  id,
  dedupeKey: huge(500),
  template: huge(300),
  templateVersion: 1,
  purpose: 'customer',
  userId: '42',
  to: `${huge(300)}@example.com`,
  params: {},
  state: 'failed',
  attempts: 99,
  lastError: huge(),
  providerMessageId: null,
  deliveredTo: null,
  resendOf: null,
  requestedBy: null,
  createdAt: at,
  sentAt: null,
  failedAt: at,
});
const customer = { id: '42', email: `${huge(300)}@example.com`, name: huge(500) };
const job = (i: number): JobStatus => ({
  name: `${huge(200)}-${i}`,
  cron: '0 9 * * *',
  zone: 'Asia/Tokyo',
  enabled: i % 2 === 0,
  nextRun: at,
  lastRun: {
    id: i,
    job: huge(200),
    slot: at,
    trigger: 'schedule',
    status: 'failed',
    attempt: 3,
    host: huge(300),
    startedBy: huge(100),
    startedAt: at,
    finishedAt: at,
    durationMs: 1234,
    error: huge(),
    result: huge(),
  },
});
const summary: PeriodSummary = {
  period: { kind: 'range', start: at, end: at.plus({ days: 365 }), label: huge(500) },
  succeeded: amounts,
  failed: amounts,
  refunded: amounts,
  providerRefunds: amounts,
  pending: amounts,
  byPlan: Array.from({ length: 500 }, (_, i) => ({ ...amounts, plan: `${huge(200)}-${i}` })),
  newPayments: amounts,
  renewals: amounts,
  previous: { period: { kind: 'day', start: at, end: at, label: huge(300) }, succeeded: amounts },
  lastWeek: { period: { kind: 'day', start: at, end: at, label: huge(300) }, succeeded: amounts },
  paymentDay: {
    dueFrom: '2026-11-28',
    dueTo: '2026-12-01',
    expected: amounts,
    paid: amounts,
    failedUserIds: Array.from({ length: 5000 }, (_, i) => i),
  },
};

const syncRun: SyncRun = {
  id: 1,
  source: huge(100),
  trigger: 'manual',
  startedBy: huge(100),
  status: 'failed',
  startedAt: at,
  finishedAt: at,
  pages: 1e9,
  fetched: 1e9,
  inserted: 1e9,
  updated: 1e9,
  skipped: 1e9,
  lagSeconds: 1e9,
  errorClass: 'malformed_json',
  errorMessage: huge(),
  skippedRecords: Array.from({ length: 50 }, () => ({ key: huge(64), reason: huge(500) })),
};
const syncStatus = (i: number): SyncSourceStatus => ({
  name: `${huge(100)}${i}`,
  health: 'failing',
  lastSuccessAt: at,
  lagSeconds: 1e9,
  maxLagSeconds: 7200,
  failureStreak: 1e6,
  nextRun: at,
  syncedToday: 1e12,
  lastRun: syncRun,
});
const providerEvent = (type: string): ProviderEvent => ({
  id: huge(255),
  type,
  createdAt: at,
  objectId: huge(255),
  customerId: huge(255),
  amount: Number.MAX_SAFE_INTEGER,
  currency: 'JPY',
  reason: huge(),
  status: huge(),
  chargeId: huge(255),
  attempts: 1e9,
  arrivalAt: at,
  payload: '{}',
});

function everyView(locale: Locale): [string, unknown][] {
  const m = messagesFor(locale);
  const commands = Array.from({ length: 400 }, (_, i) => ({
    command: `/c${i}${huge(100)}`,
    help: '/payments' as const,
  }));
  return [
    ['help', renderHelp(commands, locale)],
    ['whoami', renderWhoami(new Set(['exec', 'accounting', 'clerk', 'engineer']), locale)],
    ['mention reply', renderMentionReply(locale)],
    [
      'jobs',
      renderJobs(
        Array.from({ length: 120 }, (_, i) => job(i)),
        locale,
      ),
    ],
    ['job outcome', renderJobOutcome(m.jobFinished(huge(), 'failed', 1, huge()))],
    ['unknown job', renderJobOutcome(m.jobUnknown(huge()))],
    [
      'template list',
      renderTemplateList(
        Array.from({ length: 80 }, () => ({
          name: huge(300),
          description: huge(),
          latest: version,
          sendable: version,
        })),
        locale,
      ),
    ],
    ['template review', renderTemplateReview({ version, preview: version }, locale, 'Asia/Tokyo', huge())],
    [
      'mail status',
      renderMailStatus(
        {
          from: at,
          to: at,
          counts: { queued: 1e9, sending: 1, sent: 1, failed: 1, cancelled: 1 },
          oldestQueued: { id: 1, template: huge(300), createdAt: at, attempts: 9, lastError: huge() },
        },
        locale,
        'Asia/Tokyo',
      ),
    ],
    ['resend find', renderResendFind(locale, huge(), mailMessages(locale).notFound(huge()))],
    [
      'resend pick',
      renderResendPick(
        customer,
        Array.from({ length: 300 }, (_, i) => mail(i)),
        locale,
        'Asia/Tokyo',
      ),
    ],
    ['resend confirm', renderResendConfirm(customer, mail(7), locale)],
    ['bulk request', renderBulkRequest(1, huge(100), 123_456, huge(), locale)],
    ['period summary', renderPeriodSummary(summary, locale)],
    ['payments usage', renderPaymentsUsage('usage', locale)],
    ['payment day', renderPaymentDay(huge(300), summary.paymentDay!, locale)],
    ['refusal', renderRefusal(`/banto ${huge()}`, ['exec', 'accounting'], locale)],
    ['notice modal', noticeModal(huge(100), huge())],
    ['unanswered command', renderUnanswered('command', 'late', locale)],
    ['unanswered submission', renderUnanswered('view_submission', 'failed', locale)],
    [
      'sync status',
      renderSyncStatus(
        Array.from({ length: 60 }, (_, i) => syncStatus(i)),
        { zone: 'Asia/Tokyo', locale, withButtons: true },
      ),
    ],
    ['sync notice', renderSyncNotice(syncMessages(locale).finished(huge(), huge()))],
    ['skipped records', renderSkippedRecords(huge(100), syncRun, locale)],
    ...['charge.refunded', 'charge.dispute.created', 'payout.paid', huge(64)].map((type): [string, unknown] => [
      `provider event ${type.slice(0, 20)}`,
      renderProviderEvent(providerEvent(type), { locale, zone: 'Asia/Tokyo', accountingGroups: ['S0ACCT'] }),
    ]),
  ];
}

describe('every view within Slack limits, whatever it is given', () => {
  for (const locale of ['ja', 'en'] as const) {
    const views = everyView(locale);
    it(`renders ${views.length} views with oversized inputs within the limits (${locale})`, () => {
      for (const [name, view] of views) assert.deepEqual(slackLimitProblems(view), [], name);
    });
  }

  it('echoes what a person typed short, on one line, and as text rather than a mention or a link', () => {
    const refusal = renderRefusal(`/banto <@U01EXEC> <!channel> ${'x'.repeat(10_000)}\nnext`, [], 'en');
    assert.ok(refusal.text.length < 300, `refusal is ${refusal.text.length} characters`);
    assert.doesNotMatch(refusal.text, /<@|<!/);
    assert.match(refusal.text, /&lt;@U01EXEC&gt; &lt;!channel&gt;/);
    assert.equal(echoInput('a\n\tb'), 'a b');
  });

  it('cuts with an ellipsis at a character, never inside a surrogate pair, and leaves what fits as it was', () => {
    assert.equal(clip('abcdef', 4), 'abc…');
    assert.equal(clip('😀😀😀', 2), '😀…');
    assert.equal(clip('abc', 3), 'abc');
    const fits = { text: 'hi', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }] };
    assert.deepEqual(fitToSlack(fits), fits);
  });

  it('the checker itself finds an oversized field (so the test above can fail)', () => {
    const section = { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } };
    assert.deepEqual(slackLimitProblems({ text: 'x', blocks: [section] }), [
      'blocks[0].text: 3001 characters, over 3000',
    ]);
    assert.deepEqual(slackLimitProblems({ type: 'modal', title: { type: 'plain_text', text: 'y'.repeat(25) } }), [
      'view.title: 25 characters, over 24',
    ]);
  });
});
