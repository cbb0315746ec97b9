import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { slashCommands } from '../../src/listeners/registry.js';
import { startConsole, type LocalConsole } from '../../src/local/console.js';
import { approveAllDrafts } from '../../src/services/mail/templates.js';
import { startTestBanto, type TestBanto } from '../helpers/banto.js';
import { waitFor } from '../helpers/wait.js';

describe('local console', () => {
  let t: TestBanto;
  let session: LocalConsole;
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => (screen += chunk.toString()));

  /** Types a line and waits until the screen shows `expected` after it. */
  const type = async (line: string, expected: RegExp) => {
    const from = screen.length;
    input.write(`${line}\n`);
    await waitFor(`"${line}" to show ${expected}`, () => expected.test(screen.slice(from)), 5000).catch(() =>
      assert.fail(`"${line}" did not show ${expected}; screen:\n${screen.slice(from)}`),
    );
    return screen.slice(from);
  };

  before(async () => {
    t = await startTestBanto('sqlite', { users: 50 });
    session = startConsole({
      emulator: t.banto.emulator!,
      input,
      output,
      userId: 'U01EXEC',
      channelId: 'C0BILLING',
      commands: slashCommands(),
      partner: t.banto.partner,
    });
  });
  after(async () => {
    session.close();
    await session.closed;
    await t.close();
  });

  it("lists the registry's slash commands with their usage under help", async () => {
    const shown = await type('help', /quit/);
    assert.match(shown, /\/payments \[today\|yesterday\|YYYY-MM-DD/);
    assert.match(shown, /\/banto help \| whoami \| templates \| mail-status/);
  });

  it('shows the answer to a slash command as text', async () => {
    const shown = await type('/banto help', /Banto で使えるコマンド/);
    assert.match(shown, /\/payments/);
    const payments = await type('/payments today', /成功 \d+ 件 \/ 合計 ¥[\d,]+/);
    assert.match(payments, /\[#billing\]\n== \d{4}-\d{2}-\d{2} の決済 ==/, 'the guarded billing channel sees it');
  });

  it('switches user and channel, and shows a refusal to someone without the role', async () => {
    await type('as yamamoto', /yamamoto #billing>/);
    await type('in #general', /yamamoto #general>/);
    const refused = await type('/payments today', /のロールが必要です/);
    assert.match(refused, /経営 \(exec\)/);
    await type('as nobody', /No user "nobody"/);
  });

  it('walks a clerk through a multi-step modal: /resend-mail, pick, confirm', async () => {
    await approveAllDrafts(t.banto.db, 'U01EXEC', t.clock.now());
    const user = (await t.banto.db('users').orderBy('id').first('id', 'email')) as { id: number; email: string };
    const original = await t.banto.mail.enqueue({
      template: 'account-notice',
      to: user.email,
      userId: String(user.id),
      params: { service_name: 'Banto News', name: 'x', headline: 'y', body: 'z' },
      dedupeKey: 'console:1',
    });
    await type('as tanaka', /tanaka #/);
    await type(`/resend-mail ${user.email}`, /type `fill`/);
    await type('fill', /再送するメール \[1\) #\d+/);
    await type('1', new RegExp(`メール #${original.id} \\(account-notice、\\w+\\) を ${user.email} に再送します`));
    await type('fill', new RegExp(`再送をキューに入れました: #\\d+ \\(元のメール #${original.id}\\)`));
    assert.equal(
      Number((await t.banto.db('banto_mail_outbox').where({ resend_of: original.id }).count({ n: '*' }).first())?.n),
      1,
    );
  });

  it('shows your Home tab with `home`, and sends a message shortcut with `shortcut`', async () => {
    await type('as tanaka', /tanaka #/);
    const home = await type('home', /\[Home\][\s\S]*使えるコマンド/);
    assert.match(home, /顧客を検索/);
    assert.doesNotMatch(home, /¥/, "a clerk's Home holds no figure");
    await type('shortcut lookup お客様 #1 から問い合わせ', /\[modal: 顧客照会\][\s\S]*ユーザー 1,/);
    await type('shortcut nothing', /Usage: shortcut translate <text> \| shortcut lookup <text>/);
  });

  it('explains what it does not understand', async () => {
    await type('7', /Not a command or a button number: 7/);
    await type('users', /U03CLERK\s+tanaka/);
  });

  it('has a partner to sync: /sync-status shows it, `partner down` fails its runs into one alert, `partner up` recovers', async () => {
    await type('as U04ENG', /#/);
    await type('in #alerts', /#alerts>/);
    const status = await type('/sync-status', /demo_crm/);
    assert.match(status, /今すぐ同期/);
    const emulator = t.banto.emulator!;
    const alerts = () => emulator.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0ALERTS');
    await type('partner down', /answers 503/);
    for (let run = 0; run < 3; run++) await t.banto.jobs.runNow('sync-demo_crm', 'U04ENG');
    const failed = await t.banto.db('banto_sync_runs').where({ source: 'demo_crm', status: 'failed' });
    assert.equal(failed.length, 3);
    assert.ok(failed.every((r: { error_class: string }) => r.error_class === 'http_5xx'));
    assert.equal(alerts().length, 1, 'one alert for the incident');
    assert.match(
      String(alerts()[0]?.args.text),
      /^<!subteam\^S0ONCALL> :rotating_light: 連携 \*demo_crm\* の同期が 2 回続けて失敗/,
    );
    await type('partner up', /answers again/);
    await t.banto.jobs.runNow('sync-demo_crm', 'U04ENG');
    assert.equal(alerts().length, 2);
    assert.equal(alerts()[1]?.args.thread_ts, alerts()[0]?.response.ts, 'the recovery is a reply in the thread');
    assert.equal((await t.banto.db('banto_sync_demo_crm')).length, 120);
  });
});
