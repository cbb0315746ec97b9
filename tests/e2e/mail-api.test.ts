import assert from 'node:assert/strict';
import { waitFor } from '../helpers/wait.js';
import { after, before, describe, it } from 'node:test';
import { approveAllDrafts } from '../../src/services/mail/templates.js';
import { startTestBanto, type TestBanto } from '../helpers/banto.js';
import { databaseKinds } from '../helpers/databases.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';

const token = 'test-api-token-0123456789';
const params = {
  service_name: 'Banto News',
  name: '山田 太郎',
  headline: 'パスワードが変更されました',
  body: 'お心当たりがない場合はご連絡ください。',
};

for (const kind of databaseKinds) {
  describe(`mail API for the web app (${kind})`, () => {
    let t: TestBanto;
    let sink: SmtpSink;
    before(async () => {
      sink = await startSmtpSink();
      t = await startTestBanto(kind, { env: { BANTO_API_TOKEN: token, SMTP_URL: sink.url } });
      await approveAllDrafts(t.banto.db, 'U01EXEC', t.clock.now());
    });
    after(async () => {
      await t.close();
      await sink.close();
    });

    const call = async (method: string, path: string, body?: unknown, auth = `Bearer ${token}`) => {
      const response = await fetch(`${t.banto.url}${path}`, {
        method,
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const outboxCount = async () => Number((await t.banto.db('banto_mail_outbox').count({ n: '*' }).first())?.n);

    it('refuses a missing or wrong token with 401 and queues nothing', async () => {
      assert.equal(
        (await call('POST', '/api/mail', { template: 'account-notice', to: 'a@example.jp', params }, '')).status,
        401,
      );
      assert.equal(
        (
          await call(
            'POST',
            '/api/mail',
            { template: 'account-notice', to: 'a@example.jp', params },
            `Bearer ${token}x`,
          )
        ).status,
        401,
      );
      assert.equal((await call('GET', '/api/templates', undefined, 'Basic abc')).status, 401);
      assert.equal(await outboxCount(), 0);
    });

    it('lists the sendable templates with their parameters and sample values', async () => {
      const { status, body } = await call('GET', '/api/templates');
      assert.equal(status, 200);
      const notice = (
        body.templates as { name: string; version: number; params: { name: string; sample: unknown }[] }[]
      ).find((x) => x.name === 'account-notice');
      assert.deepEqual(
        notice?.params.map((p) => p.name),
        ['service_name', 'name', 'headline', 'body'],
      );
      assert.equal(notice?.params[1]?.sample, '山田 太郎');
    });

    it('queues with 202, answers a repeated dedupeKey with the same id, and the mail arrives once', async () => {
      const first = await call('POST', '/api/mail', {
        template: 'account-notice',
        to: 'taro@example.jp',
        params,
        dedupeKey: 'password-changed:77',
      });
      assert.equal(first.status, 202);
      // The sender is woken as the row is queued, so by the time the answer is written it may already have taken it.
      assert.ok(['queued', 'sending', 'sent'].includes(String(first.body.state)), String(first.body.state));
      const again = await call('POST', '/api/mail', {
        template: 'account-notice',
        to: 'taro@example.jp',
        params,
        dedupeKey: 'password-changed:77',
      });
      assert.equal(again.status, 202);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.body.duplicate, true);
      await sink.waitForCount(1);
      const [got] = await sink.messages();
      assert.equal(got?.subject, '【Banto News】パスワードが変更されました');
      assert.equal(got?.headers.get('x-banto-original-to'), 'taro@example.jp');
      await waitFor(
        'the mail API to say sent',
        async () => (await call('GET', `/api/mail/${String(first.body.id)}`)).body.state === 'sent',
      );
      assert.equal((await call('GET', '/api/mail/999999')).status, 404);
      assert.equal(sink.count(), 1);
    });

    it('sends to a user by id', async () => {
      const user = (await t.banto.db('users').orderBy('id').first('id', 'email')) as { id: number; email: string };
      const { status, body } = await call('POST', '/api/mail', { template: 'account-notice', userId: user.id, params });
      assert.equal(status, 202);
      assert.equal(body.to, user.email);
      assert.equal(body.userId, String(user.id));
    });

    it('answers 400 naming each missing or unknown parameter and each invalid field, and queues nothing', async () => {
      const before = await outboxCount();
      const missing = await call('POST', '/api/mail', {
        template: 'account-notice',
        to: 'a@example.jp',
        params: { name: 'x', headline: 'y', body: 'z', colour: 'red' },
      });
      assert.equal(missing.status, 400);
      assert.deepEqual(missing.body.problems, [
        'params.service_name: missing (for example "Banto News")',
        'params.colour: unknown parameter (this template takes service_name, name, headline, body)',
      ]);
      const invalid = await call('POST', '/api/mail', { template: '', to: 'not-mail', userId: 3, extra: 1 });
      assert.equal(invalid.status, 400);
      assert.deepEqual(invalid.body.problems, [
        'template: Too small: expected string to have >=1 characters',
        'to: Invalid email address',
        'params: Invalid input: expected record, received undefined',
        '(body): Unrecognized key: "extra"',
      ]);
      assert.deepEqual(
        (await call('POST', '/api/mail', { template: 'account-notice', to: 'a@example.jp', userId: 3, params })).body
          .problems,
        ['to: give exactly one of to and userId'],
      );
      assert.equal((await call('POST', '/api/mail', '{not json')).status, 400);
      assert.deepEqual(
        (await call('POST', '/api/mail', { template: 'account-notice', userId: 99999999, params })).body.problems,
        ['userId: no user 99999999'],
      );
      assert.equal(await outboxCount(), before);
    });

    it('answers 422 for a template it does not know or has not approved', async () => {
      const unknown = await call('POST', '/api/mail', { template: 'welcome-gift', to: 'a@example.jp', params: {} });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.error, 'template_unknown');
      await t.banto.db('banto_mail_templates').where({ name: 'payment-reminder' }).update({ state: 'draft' });
      const draft = await call('POST', '/api/mail', { template: 'payment-reminder', to: 'a@example.jp', params: {} });
      assert.equal(draft.status, 422);
      assert.equal(draft.body.error, 'template_not_approved');
      await t.banto.db('banto_mail_templates').where({ name: 'payment-reminder' }).update({ state: 'approved' });
    });
  });
}
