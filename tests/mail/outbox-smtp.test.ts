import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databaseKinds } from '../helpers/databases.js';
import { createMailFixture, reminderParams, type MailFixture } from '../helpers/mail.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';

for (const kind of databaseKinds) {
  describe(`mail outbox over SMTP (${kind})`, () => {
    let sink: SmtpSink;
    before(async () => {
      sink = await startSmtpSink({
        refuseRecipient: (a) =>
          a.startsWith('bounce@')
            ? { code: 550, message: 'no such user' }
            : a.startsWith('busy@')
              ? { code: 451, message: 'try again later' }
              : undefined,
      });
    });
    after(() => sink.close());

    const fixture = async (env: Record<string, string> = {}) =>
      createMailFixture(kind, { env: { SMTP_URL: sink.url, ...env } });

    it('sends each queued message once, rendered, to the test address outside production', async () => {
      const f = await fixture();
      try {
        sink.clear();
        const first = await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'hanako@example.jp',
          userId: '42',
          params: reminderParams,
          dedupeKey: 'reminder:42:2026-12-01:0',
        });
        const again = await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'hanako@example.jp',
          userId: '42',
          params: reminderParams,
          dedupeKey: 'reminder:42:2026-12-01:0',
        });
        assert.deepEqual(again, { id: first.id, created: false });
        assert.deepEqual(await f.mail.sender.drain(), { sent: 1, failed: 0, retrying: 0 });
        assert.deepEqual(await f.mail.sender.drain(), { sent: 0, failed: 0, retrying: 0 });
        await sink.waitForCount(1);
        const [got] = await sink.messages();
        assert.equal(got?.outboxId, String(first.id));
        assert.deepEqual(got?.envelopeTo, ['developer@example.com']);
        assert.equal(got?.headers.get('x-banto-original-to'), 'hanako@example.jp');
        assert.equal(
          got?.subject,
          '【お支払いのお知らせ】2026年12月1日(火) に basic プランの ¥980 をお支払いいただきます',
        );
        assert.match(got?.text ?? '', /佐藤 花子 様/);
        const row = await f.mail.find(first.id);
        assert.equal(row?.state, 'sent');
        assert.equal(row?.deliveredTo, 'developer@example.com');
        assert.match(row?.providerMessageId ?? '', /^SINK\d+$/);
      } finally {
        await f.close();
      }
    });

    it('sends to the real recipient only in production', async () => {
      const f = await fixture({
        BANTO_ENV: 'production',
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'secret-for-tests',
      });
      try {
        sink.clear();
        await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'hanako@example.jp',
          params: reminderParams,
          dedupeKey: 'prod:1',
        });
        await f.mail.sender.drain();
        await sink.waitForCount(1);
        const [got] = await sink.messages();
        assert.deepEqual(got?.envelopeTo, ['hanako@example.jp']);
        assert.equal(got?.headers.get('x-banto-original-to'), undefined);
      } finally {
        await f.close();
      }
    });

    it('fails a refused recipient at once and retries a busy one later', async () => {
      const f = await fixture({
        BANTO_ENV: 'production',
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'secret-for-tests',
      });
      try {
        const bounce = await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'bounce@example.jp',
          params: reminderParams,
          dedupeKey: 'bounce',
        });
        const busy = await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'busy@example.jp',
          params: reminderParams,
          dedupeKey: 'busy',
        });
        assert.deepEqual(await f.mail.sender.drain(), { sent: 0, failed: 1, retrying: 1 });
        assert.equal((await f.mail.find(bounce.id))?.state, 'failed');
        assert.match((await f.mail.find(bounce.id))?.lastError ?? '', /550|no such user/);
        const waiting = await f.mail.find(busy.id);
        assert.equal(waiting?.state, 'queued');
        assert.equal(waiting?.attempts, 1);
        // Not due before its backoff (60 s, then 120 s, ...): draining now sends nothing.
        assert.deepEqual(await f.mail.sender.drain(), { sent: 0, failed: 0, retrying: 0 });
        for (let attempt = 2; attempt <= 4; attempt++) {
          f.clock.set(f.clock.now().plus({ minutes: 10 }));
          await f.mail.sender.drain();
        }
        const gaveUp = await f.mail.find(busy.id);
        assert.equal(gaveUp?.state, 'failed');
        assert.equal(gaveUp?.attempts, 4);
        assert.match(gaveUp?.lastError ?? '', /gave up after 4 attempts/);
      } finally {
        await f.close();
      }
    });

    it('never sends a version that is not approved', async () => {
      const f = await fixture();
      try {
        sink.clear();
        // A draft that was never approved, and a row that points at it (as if written by hand).
        await f.database
          .db('banto_mail_templates')
          .where({ name: 'account-notice' })
          .update({ state: 'draft', decided_by: null, decided_at: null });
        await assert.rejects(
          f.mail.enqueue({ template: 'account-notice', to: 'a@example.jp', params: {}, dedupeKey: 'x' }),
          { code: 'TEMPLATE_NOT_APPROVED' },
        );
        await assert.rejects(
          f.mail.enqueue({ template: 'no-such-template', to: 'a@example.jp', params: {}, dedupeKey: 'y' }),
          { code: 'TEMPLATE_UNKNOWN' },
        );
        const ok = await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'a@example.jp',
          params: reminderParams,
          dedupeKey: 'z',
        });
        await f.database
          .db('banto_mail_outbox')
          .where({ id: ok.id })
          .update({ template: 'account-notice', template_version: 1 });
        assert.deepEqual(await f.mail.sender.drain(), { sent: 0, failed: 1, retrying: 0 });
        assert.match((await f.mail.find(ok.id))?.lastError ?? '', /TEMPLATE_NOT_APPROVED/);
        // A message sent after it is the sign that the server has seen all there was to see: only that one arrived.
        const after = await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'b@example.jp',
          params: reminderParams,
          dedupeKey: 'after',
        });
        assert.deepEqual(await f.mail.sender.drain(), { sent: 1, failed: 0, retrying: 0 });
        await sink.waitForCount(1);
        assert.deepEqual(sink.outboxIds(), [String(after.id)]);
      } finally {
        await f.close();
      }
    });

    it('does not hand over a message whose claim is about to run out; the next drain sends it once', async () => {
      const held: { fixture?: MailFixture; stalled: boolean } = { stalled: false };
      // At the first RCPT TO, 1.5 s of the 2 s claim pass: less than a third of it is left when the final dot is due.
      const slow = await startSmtpSink({
        refuseRecipient: () => {
          if (!held.stalled) held.fixture?.clock.set(held.fixture.clock.now().plus({ milliseconds: 1500 }));
          held.stalled = true;
          return undefined;
        },
      });
      const f = (held.fixture = await createMailFixture(kind, { env: { SMTP_URL: slow.url } }));
      try {
        const queued = await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'a@example.jp',
          params: reminderParams,
          dedupeKey: 'late',
        });
        assert.deepEqual(await f.mail.sender.drain(), { sent: 0, failed: 0, retrying: 1 });
        const waiting = await f.mail.find(queued.id);
        assert.equal(waiting?.state, 'queued');
        assert.match(waiting?.lastError ?? '', /about to run out/);
        f.clock.set(f.clock.now().plus({ seconds: 61 }));
        assert.deepEqual(await f.mail.sender.drain(), { sent: 1, failed: 0, retrying: 0 });
        await slow.waitForCount(1);
        // Had the first try been handed over, it would have arrived before the second: exactly one arrival.
        assert.deepEqual(
          slow.outboxIds(),
          [String(queued.id)],
          'the message that was not handed over never reached the server',
        );
      } finally {
        await f.close();
        await slow.close();
      }
    });

    it('takes a message as sent when the connection breaks after its final dot, and never sends it again', async () => {
      // The second message is accepted, then the server hangs up instead of answering 250.
      const breaking = await startSmtpSink({ dropAfterAccepting: (count) => count === 2 });
      const f = await createMailFixture(kind, { env: { SMTP_URL: breaking.url }, mail: { connections: 1 } });
      try {
        const first = await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'a@example.jp',
          params: reminderParams,
          dedupeKey: 'one',
        });
        const second = await f.mail.enqueue({
          template: 'payment-reminder',
          to: 'b@example.jp',
          params: reminderParams,
          dedupeKey: 'two',
        });
        assert.deepEqual(await f.mail.sender.drain(), { sent: 2, failed: 0, retrying: 0 });
        await breaking.waitForCount(2);
        assert.deepEqual(breaking.outboxIds(), [String(first.id), String(second.id)]);
        const unconfirmed = await f.mail.find(second.id);
        assert.equal(unconfirmed?.state, 'sent');
        assert.match(unconfirmed?.lastError ?? '', /unconfirmed/);
        assert.deepEqual(await f.mail.sender.drain(), { sent: 0, failed: 0, retrying: 0 });
      } finally {
        await f.close();
        await breaking.close();
      }
    });

    it('names every missing, unknown or mistyped parameter and queues nothing', async () => {
      const f = await fixture();
      try {
        await assert.rejects(
          f.mail.enqueue({
            template: 'payment-reminder',
            to: 'not-an-address',
            params: { name: 'x', plan: 'basic', amount: ['¥980'], due_date: 'd', colour: 'red' },
            dedupeKey: 'bad',
          }),
          (error: { code: string; details: string[] }) => {
            assert.equal(error.code, 'MAIL_INVALID');
            assert.deepEqual(error.details, [
              'to: not an e-mail address: not-an-address',
              'params.amount: expected a string, got a list',
              'params.when: missing (for example "3営業日後")',
              'params.colour: unknown parameter (this template takes name, plan, amount, due_date, when)',
            ]);
            return true;
          },
        );
        assert.equal((await f.database.db('banto_mail_outbox').count({ n: '*' }).first())?.n, 0);
      } finally {
        await f.close();
      }
    });
  });
}
