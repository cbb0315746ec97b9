import assert from 'node:assert/strict';
import { waitFor } from '../helpers/wait.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toDbTime } from '../../src/db/time.js';
import type { RecordedCall } from '../../src/local/emulator.js';
import { approveAllDrafts, importTemplates, readTemplateFiles } from '../../src/services/mail/templates.js';
import { receivings, repoRoot, startTestBanto, type TestBanto } from '../helpers/banto.js';
import { databaseKinds } from '../helpers/databases.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';

const EXEC = 'U01EXEC';
const ACCOUNTING = 'U02ACCT';
const CLERK = 'U03CLERK';
const ENGINEER = 'U04ENG';
const GUEST = 'U05GUEST';
const GENERAL = 'C0GENERAL';
const notice = { service_name: 'Banto News', name: '山田 太郎', headline: 'お知らせ', body: '本文' };

for (const kind of databaseKinds)
  for (const receiving of receivings) {
    describe(`mail in Slack: templates, /resend-mail, mail-status, ${receiving === 'socket' ? 'Socket Mode' : 'signed HTTP'} (${kind})`, () => {
      let t: TestBanto;
      let sink: SmtpSink;
      const dir = mkdtempSync(join(tmpdir(), 'banto-templates-'));
      before(async () => {
        sink = await startSmtpSink();
        t = await startTestBanto(kind, { env: { SMTP_URL: sink.url }, receiving });
        await approveAllDrafts(t.banto.db, 'demo-seed', t.clock.now());
      });
      after(async () => {
        await t.close();
        await sink.close();
        rmSync(dir, { recursive: true, force: true });
      });

      const emulator = () => t.banto.emulator!;
      /** Runs `act`, then returns the first call to `method` it caused. */
      const next = async (method: string, act: () => Promise<unknown>): Promise<RecordedCall> => {
        const from = emulator().calls.length;
        await act();
        return emulator().waitForCall(method, (c) => emulator().calls.indexOf(c) >= from);
      };
      const auditOf = async (name: string) => (
        await t.banto.audit.flush(),
        (await t.banto.db('banto_audit').where({ name }).orderBy('id')) as {
          user_id: string;
          outcome: string;
          result: string;
        }[]
      );
      const buttonIn = (blocks: unknown, actionId: string): string =>
        String(
          /"action_id":"([^"]+)","value":"(\d+)"/.exec(
            JSON.stringify(blocks).replace(new RegExp(`.*?(?="action_id":"${actionId}")`), ''),
          )?.[2],
        );

      it('an executive reviews a new draft: preview, a test to herself, approval; the draft is never sent to customers before', async () => {
        // The web app's developers changed a template: the file's new content becomes v2, a draft.
        writeFileSync(
          join(dir, 'account-notice.yml'),
          readFileSync(join(repoRoot, 'templates/account-notice.yml'), 'utf8').replace(
            'subject: "【{{service_name}}】{{headline}}"',
            'subject: "[{{service_name}}] {{headline}} (v2)"',
          ),
        );
        assert.deepEqual(await importTemplates(t.banto.db, readTemplateFiles(dir), t.clock.now()), [
          { name: 'account-notice', version: 2 },
        ]);
        const before = await t.banto.mail.enqueue({
          template: 'account-notice',
          to: 'a@example.jp',
          params: notice,
          dedupeKey: 'before-approval',
        });
        assert.equal((await t.banto.mail.find(before.id))?.templateVersion, 1, 'v1 is still the one sent');

        const list = await next('response_url', () =>
          emulator().sendCommand({ userId: EXEC, channelId: GENERAL, command: '/banto', text: 'templates' }),
        );
        assert.match(JSON.stringify(list.args.blocks), /account-notice\* v2 — 下書き \(未承認\) \/ 送信中の版: v1/);
        const draftId = buttonIn(list.args.blocks, 'template_review');

        const refused = await emulator().pressButton({
          userId: CLERK,
          actionId: 'template_review',
          value: draftId,
          channelId: GENERAL,
        });
        assert.equal(refused.status, 200);
        const opened = await next('views.open', () =>
          emulator().pressButton({ userId: EXEC, actionId: 'template_review', value: draftId, channelId: GENERAL }),
        );
        const view = opened.response.view as { id: string; blocks: unknown };
        assert.match(
          JSON.stringify(view.blocks),
          /\[Banto News\] メールアドレスが変更されました \(v2\)/,
          'previewed with the sample values',
        );

        await next('views.update', () =>
          emulator().pressButton({ userId: EXEC, actionId: 'template_send_test', value: draftId, viewId: view.id }),
        );
        await sink.waitForCount(2);
        const test = (await sink.messages()).find((m) => m.subject.endsWith('(v2)'));
        assert.equal(test?.headers.get('x-banto-original-to'), 'sato@banto-demo.example');

        const approved = await next('views.update', () =>
          emulator().pressButton({ userId: EXEC, actionId: 'template_approve', value: draftId, viewId: view.id }),
        );
        assert.match(JSON.stringify(approved.args.view), /承認済み: <@U01EXEC>/);
        const twice = await next('views.update', () =>
          emulator().pressButton({ userId: EXEC, actionId: 'template_approve', value: draftId, viewId: view.id }),
        );
        assert.match(JSON.stringify(twice.args.view), /このバージョンはすでに承認または却下されています/);
        const after = await t.banto.mail.enqueue({
          template: 'account-notice',
          to: 'a@example.jp',
          params: notice,
          dedupeKey: 'after-approval',
        });
        assert.equal((await t.banto.mail.find(after.id))?.templateVersion, 2);
        const decisions = (await t.banto
          .db('banto_mail_template_decisions')
          .where({ template_id: draftId })
          .orderBy('id')
          .select('action', 'user_id')) as { action: string; user_id: string }[];
        assert.deepEqual(decisions, [
          { action: 'test', user_id: EXEC },
          { action: 'approve', user_id: EXEC },
        ]);
        const audit = await auditOf('template_review');
        assert.deepEqual(
          audit.map((a) => [a.user_id, a.outcome]),
          [
            [CLERK, 'refused'],
            [EXEC, 'allowed'],
          ],
        );
      });

      it('a clerk resends one mail of a customer: find, pick, confirm; a new linked message goes out', async () => {
        const user = (await t.banto.db('users').orderBy('id').first('id', 'email')) as { id: number; email: string };
        const original = await t.banto.mail.enqueue({
          template: 'account-notice',
          to: user.email,
          userId: String(user.id),
          params: notice,
          dedupeKey: 'to-resend',
        });
        const opened = await next('views.open', () =>
          emulator().sendCommand({ userId: CLERK, channelId: GENERAL, command: '/resend-mail', text: user.email }),
        );
        const viewId = String((opened.response.view as { id: string }).id);
        assert.match(JSON.stringify(opened.args.view), new RegExp(`#${original.id} `));
        const picked = await emulator().submitView({
          userId: CLERK,
          viewId,
          values: { mail: { id: String(original.id) } },
        });
        assert.equal(picked.body?.response_action, 'update');
        const confirmed = await emulator().submitView({ userId: CLERK, viewId, values: {} });
        const text = JSON.stringify(confirmed.body?.view);
        const resentId = Number(/再送をキューに入れました: #(\d+)/.exec(text)?.[1]);
        const resent = await t.banto.mail.find(resentId);
        assert.equal(resent?.resendOf, original.id);
        assert.equal(resent?.requestedBy, CLERK);
        assert.equal(resent?.to, user.email);
        await waitFor('the resent mail to be sent', async () => (await t.banto.mail.find(resentId))?.state === 'sent');

        const unknown = await next('views.open', () =>
          emulator().sendCommand({
            userId: CLERK,
            channelId: GENERAL,
            command: '/resend-mail',
            text: 'nobody@example.jp',
          }),
        );
        assert.match(JSON.stringify(unknown.args.view), /「nobody@example.jp」に一致する顧客が見つかりません/);
        const guest = await emulator().sendCommand({
          userId: GUEST,
          channelId: GENERAL,
          command: '/resend-mail',
          text: user.email,
        });
        assert.match(String(guest.body?.text), /窓口 \(clerk\)・経理 \(accounting\)/);
      });

      it('resending every failed mail of a day needs a second person', async () => {
        const failedAt = toDbTime(t.clock.now());
        const ids: number[] = [];
        for (const n of [1, 2, 3]) {
          const queued = await t.banto.mail.enqueue({
            template: 'account-notice',
            to: `bounced${n}@example.jp`,
            params: notice,
            dedupeKey: `bounced:${n}`,
          });
          ids.push(queued.id);
        }
        // Wait until the sender is done with them, then record them as failed (a bounce day).
        await waitFor('the sender to be done with them', async () => {
          const left = await t.banto
            .db('banto_mail_outbox')
            .whereIn('id', ids)
            .whereNot('state', 'sent')
            .count({ n: '*' })
            .first();
          return Number(left?.n) === 0;
        });
        await t.banto
          .db('banto_mail_outbox')
          .whereIn('id', ids)
          .update({ state: 'failed', failed_at: failedAt, last_error: '550 mailbox full' });

        const posted = await next('chat.postMessage', () =>
          emulator().sendCommand({ userId: CLERK, channelId: GENERAL, command: '/resend-mail', text: 'failed today' }),
        );
        assert.match(String(posted.args.text), /<@U03CLERK> が .* に送信失敗したメール 3 件の再送を求めています/);
        const bulkId = buttonIn(posted.args.blocks, 'resend_bulk_approve');
        const count = async () =>
          Number((await t.banto.db('banto_mail_outbox').whereIn('resend_of', ids).count({ n: '*' }).first())?.n);

        const own = await next('response_url', () =>
          emulator().pressButton({ userId: CLERK, actionId: 'resend_bulk_approve', value: bulkId, channelId: GENERAL }),
        );
        assert.match(String(own.args.text), /自分の依頼は承認できません/);
        assert.equal(await count(), 0);
        const engineer = await next('response_url', () =>
          emulator().pressButton({
            userId: ENGINEER,
            actionId: 'resend_bulk_approve',
            value: bulkId,
            channelId: GENERAL,
          }),
        );
        assert.match(String(engineer.args.text), /のロールが必要です/);
        assert.equal(await count(), 0, 'an engineer is not a second clerk');

        const approved = await next('response_url', () =>
          emulator().pressButton({
            userId: ACCOUNTING,
            actionId: 'resend_bulk_approve',
            value: bulkId,
            channelId: GENERAL,
          }),
        );
        assert.match(
          String(approved.args.text),
          /<@U02ACCT> が承認しました \(依頼: <@U03CLERK>\)。.* 3 件を再送キューに入れました/,
        );
        assert.equal(await count(), 3);
        const twice = await next('response_url', () =>
          emulator().pressButton({
            userId: 'U07ACCT2',
            actionId: 'resend_bulk_approve',
            value: bulkId,
            channelId: GENERAL,
          }),
        );
        assert.match(String(twice.args.text), /処理済み/);
        assert.equal(await count(), 3);
      });

      it('/banto mail-status shows today by state and the oldest waiting message', async () => {
        // The sender would claim the message as soon as it is queued; this test needs it to stay waiting.
        await t.banto.mail.sender.stop();
        const waiting = await t.banto.mail.enqueue({
          template: 'account-notice',
          to: 'later@example.jp',
          params: notice,
          dedupeKey: 'later',
        });
        await t.banto
          .db('banto_mail_outbox')
          .where({ id: waiting.id })
          .update({
            next_attempt_at: toDbTime(t.clock.now().plus({ hours: 1 })),
            attempts: 2,
            last_error: '421 try later',
          });
        const answer = await next('response_url', () =>
          emulator().sendCommand({ userId: ENGINEER, channelId: GENERAL, command: '/banto', text: 'mail-status' }),
        );
        const text = JSON.stringify(answer.args.blocks);
        assert.match(text, /送信済み \d+ \/ 待機 [1-9]\d* \/ 送信中 \d+ \/ 失敗 [1-9]\d* \/ 取消 0/);
        assert.match(
          text,
          new RegExp(`最古の送信待ち: #${waiting.id} account-notice .*試行 2 回、最後のエラー: 421 try later`),
        );
      });
    });
  }
