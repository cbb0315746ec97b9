import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { defaultBillingSchema } from '../../src/config-file.js';
import { toDbTime } from '../../src/db/time.js';
import { createMailJobs } from '../../src/schedules/jobs/mail.js';
import { createAlerts } from '../../src/services/alerts/alerts.js';
import { createLogNotifier } from '../../src/notifier/log.js';
import { databaseKinds } from '../helpers/databases.js';
import { createTestRunner, silent } from '../helpers/jobs.js';
import { createMailFixture, type MailFixture } from '../helpers/mail.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';

const tokyo = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Tokyo' });

async function seedMembers(f: MailFixture) {
  const db = f.database.db;
  const created_at = toDbTime(tokyo('2026-01-01T00:00:00'));
  await db('users').insert([
    { id: 1, email: 'ichiro@example.jp', name: '鈴木 一郎', password_hash: 'x', plan: 'paid', created_at },
    { id: 2, email: 'jiro@example.jp', name: '田中 次郎', password_hash: 'x', plan: 'paid', created_at },
    { id: 3, email: 'saburo@example.jp', name: '高橋 三郎', password_hash: 'x', plan: 'free', created_at },
    {
      id: 4,
      email: 'shiro@example.jp',
      name: '伊藤 四郎',
      password_hash: 'x',
      plan: 'free',
      created_at,
      unsubscribed_at: created_at,
    },
  ]);
  await db('subscriptions').insert([
    { id: 11, user_id: 1, plan: 'standard', amount: 1980, status: 'active', next_payment_date: '2026-12-01' }, // a Tuesday
    { id: 12, user_id: 2, plan: 'basic', amount: 980, status: 'active', next_payment_date: '2026-11-29' }, // a Sunday: charged Monday 11-30
    { id: 13, user_id: 3, plan: 'basic', amount: 980, status: 'cancelled', next_payment_date: '2026-12-01' },
  ]);
  await db('articles').insert([
    {
      title: '無料の記事A',
      summary: '誰でも読めます',
      url: 'https://example.com/a',
      paid_only: false,
      published_at: toDbTime(tokyo('2026-11-30T12:00:00')),
    },
    {
      title: '有料の記事B',
      summary: '会員限定です',
      url: 'https://example.com/b',
      paid_only: true,
      published_at: toDbTime(tokyo('2026-11-30T18:00:00')),
    },
    {
      title: '先週の記事',
      summary: '前回のダイジェストで送信済み',
      url: 'https://example.com/old',
      paid_only: false,
      published_at: toDbTime(tokyo('2026-11-23T12:00:00')),
    },
  ]);
}

for (const kind of databaseKinds) {
  describe(`payment-day reminders and the article digest (${kind})`, () => {
    let sink: SmtpSink;
    let f: MailFixture;
    let runner: ReturnType<typeof createTestRunner>;
    before(async () => {
      sink = await startSmtpSink();
      f = await createMailFixture(kind, { env: { SMTP_URL: sink.url }, at: tokyo('2026-11-26T06:00:00') });
      await seedMembers(f);
      const alerts = createAlerts({
        db: f.database.db,
        notifier: createLogNotifier(silent),
        clock: f.clock,
        logger: silent,
      });
      const jobs = createMailJobs({
        db: f.database.db,
        clock: f.clock,
        alerts,
        locale: 'ja',
        settings: f.config.mail,
        schema: defaultBillingSchema,
        paymentDayRule: 'next',
        wakeSender: () => undefined,
      }).filter((job) => job.name !== 'mail-outbox-health');
      runner = createTestRunner(f.database.db, f.clock, jobs);
      await runner.catchUp();
    });
    after(async () => {
      await f.close();
      await sink.close();
    });

    /** The clock moves to `iso`; the engine runs every slot passed on the way, and the one at `iso` twice over. */
    const advanceTo = async (iso: string) => {
      f.clock.set(tokyo(iso));
      await runner.tick();
      await runner.tick();
      await f.mail.sender.drain();
    };
    const mailsOf = async (template: string) =>
      (await sink.messages()).filter((m) => String(m.headers.get('x-banto-template')).startsWith(`${template} `));

    it('reminds 3 business days before and on the payment day, once each, on business days only', async () => {
      await advanceTo('2026-11-26T08:00:00'); // Thu: 3 business days before Tue 12-01
      let mails = await mailsOf('payment-reminder');
      assert.deepEqual(
        mails.map((m) => [m.headers.get('x-banto-original-to'), m.subject]),
        [
          [
            'ichiro@example.jp',
            '【お支払いのお知らせ】2026年12月1日(火) に standard プランの ¥1,980 をお支払いいただきます',
          ],
        ],
      );
      assert.match(mails[0]?.text ?? '', /3営業日後の 2026年12月1日\(火\)/);

      await advanceTo('2026-11-26T08:00:30'); // the clock goes back over the same morning
      f.clock.set(tokyo('2026-11-26T07:59:00'));
      await runner.tick();
      await advanceTo('2026-11-28T08:00:00'); // Fri, then Saturday: nothing is due
      assert.equal((await mailsOf('payment-reminder')).length, 1);

      await advanceTo('2026-12-01T08:00:00'); // Mon 11-30 (subscription 12's Sunday payment day) and Tue 12-01
      mails = await mailsOf('payment-reminder');
      assert.deepEqual(
        mails.slice(1).map((m) => [m.headers.get('x-banto-original-to'), /本日の (\S+)/.exec(m.text)?.[1]]),
        [
          ['jiro@example.jp', '2026年11月30日(月)'],
          ['ichiro@example.jp', '2026年12月1日(火)'],
        ],
      );
      const keys = (await f.database
        .db('banto_mail_outbox')
        .where({ template: 'payment-reminder' })
        .orderBy('id')
        .pluck('dedupe_key')) as string[];
      assert.deepEqual(keys, ['reminder:11:2026-12-01:3', 'reminder:12:2026-11-30:0', 'reminder:11:2026-12-01:0']);
      // Running the job again by hand for the same day queues nothing more.
      await runner.runNow('mail-payment-reminders', 'U04ENG');
      await f.mail.sender.drain();
      assert.equal((await mailsOf('payment-reminder')).length, 3);
    });

    it('sends the digest of new articles: all to paid members, free ones and paid titles to free members, nothing to the unsubscribed', async () => {
      // The 12-01 07:00 digest ran on the way above; its window began at the 11-30 07:00 digest.
      await advanceTo('2026-12-01T09:00:00');
      const mails = await mailsOf('article-digest');
      assert.equal(mails.length, 3);
      const byUser = new Map(mails.map((m) => [m.headers.get('x-banto-original-to'), m]));
      assert.deepEqual([...byUser.keys()].sort(), ['ichiro@example.jp', 'jiro@example.jp', 'saburo@example.jp']);
      const paid = byUser.get('ichiro@example.jp')?.text ?? '';
      assert.match(paid, /■ 無料の記事A/);
      assert.match(paid, /■ 有料の記事B\n会員限定です/);
      assert.doesNotMatch(paid, /先週の記事|有料会員限定の記事もあります/);
      const free = byUser.get('saburo@example.jp')?.text ?? '';
      assert.match(free, /■ 無料の記事A\n誰でも読めます/);
      assert.doesNotMatch(free, /会員限定です/, 'a free member does not get the paid article itself');
      assert.match(free, /有料会員限定の記事もあります:\n・有料の記事B https:\/\/example.com\/b/);
      assert.equal(byUser.get('saburo@example.jp')?.subject, '新着記事 2 本のお知らせ (11月30日〜)');
      const runs = (await f.database
        .db('banto_job_runs')
        .where({ job: 'mail-article-digest' })
        .orderBy('slot')
        .pluck('result')) as string[];
      assert.match(runs.at(-1) ?? '', /^2 articles since 2026-11-30 07:00: 3 digests queued$/);
    });
  });
}
