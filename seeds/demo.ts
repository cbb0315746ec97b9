import { base, en, Faker, ja } from '@faker-js/faker';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { toDbDate, toDbTime } from '../src/db/time.js';
import { shiftToBusinessDay } from '../src/services/payments/business-days.js';
import { BantoError } from '../src/errors.js';
import { familyNames, givenNames } from './japanese-names.js';

export interface SeedOptions {
  /** The instant the demo data leads up to; payments stop here. */
  now: DateTime;
  /** Business zone: due dates and payment hours are local to it. */
  zone: string;
  seed?: number;
  users?: number;
  days?: number;
  /** Replace existing business data instead of refusing. */
  force?: boolean;
}

export interface SeedSummary {
  users: number;
  subscriptions: number;
  payments: number;
  articles: number;
}

const plans = [
  { plan: 'basic', amount: 980, weight: 0.5 },
  { plan: 'standard', amount: 1980, weight: 0.35 },
  { plan: 'premium', amount: 4980, weight: 0.15 },
] as const;

const articleTitles = [
  ['今月の業界ニュースまとめ', false],
  ['サブスクリプション解約率を下げる5つの方法', true],
  ['インボイス制度と少額取引の実務', true],
  ['読者アンケートの結果発表', false],
  ['決済代行会社の選び方 2026年版', true],
  ['年末年始の配信スケジュールのお知らせ', false],
  ['会員限定ウェビナーの録画公開', true],
  ['新機能: 記事のブックマーク', false],
  ['編集部のおすすめ書籍', false],
  ['価格改定の背景と今後の方針', true],
  ['地方の小さな出版社を訪ねて', false],
  ['データで見る読者の一年', true],
] as const;

type Row = Record<string, string | number | boolean | null>;

function monthlyDueDates(firstDay: DateTime, billingDay: number, until: DateTime): DateTime[] {
  const dates: DateTime[] = [];
  for (let month = firstDay.startOf('month'); month <= until; month = month.plus({ months: 1 })) {
    const due = month.set({ day: Math.min(billingDay, month.daysInMonth ?? 28) });
    if (due >= firstDay && due <= until) dates.push(due);
  }
  return dates;
}

/**
 * Fills the demo business schema with a deterministic, realistic service: the
 * same options always give the same rows. Money is integer yen.
 */
export async function seedDemo(db: Knex, options: SeedOptions): Promise<SeedSummary> {
  const { zone, seed = 20261129, users: userCount = 3000, days = 90 } = options;
  const now = options.now.setZone(zone);
  const existing = await db('users').count({ n: '*' }).first();
  if (Number(existing?.n ?? 0) > 0) {
    if (!options.force)
      throw new BantoError(
        'SEED_NOT_EMPTY',
        'The business tables already hold data; seed with --force to replace them.',
      );
    for (const table of ['payments', 'subscriptions', 'articles', 'users']) await db(table).delete();
  }

  const faker = new Faker({ locale: [ja, en, base], seed });
  const today = now.startOf('day');
  const windowStart = today.minus({ days });
  const users: Row[] = [];
  const subscriptions: Row[] = [];
  const payments: Row[] = [];

  const pickPlan = () => {
    let r = faker.number.float({ min: 0, max: 1 });
    for (const p of plans) if ((r -= p.weight) <= 0) return p;
    return plans[0];
  };

  const person = (id: number) => {
    const [family, familyReading] = faker.helpers.arrayElement(familyNames);
    const [given, givenReading] = faker.helpers.arrayElement(givenNames);
    return { name: `${family} ${given}`, email: `${givenReading}.${familyReading}.${id}@example.com` };
  };

  for (let id = 1; id <= userCount; id++) {
    const createdAt = today
      .minus({ days: faker.number.int({ min: 1, max: 730 }) })
      .plus({ minutes: faker.number.int({ min: 0, max: 1439 }) });
    const roll = faker.number.float({ min: 0, max: 1 });
    const everPaid = roll < 0.4;
    const cancelled = everPaid && roll > 0.35;
    const unsubscribed = !everPaid && faker.number.float({ min: 0, max: 1 }) < 0.06;
    users.push({
      id,
      ...person(id),
      password_hash: `$2b$10$${faker.string.alphanumeric(53)}`,
      plan: everPaid && !cancelled ? 'paid' : 'free',
      created_at: toDbTime(createdAt),
      unsubscribed_at: unsubscribed ? toDbTime(createdAt.plus({ days: faker.number.int({ min: 1, max: 60 }) })) : null,
    });
    if (!everPaid) continue;

    const { plan, amount } = pickPlan();
    const billingDay = createdAt.day;
    const cancelledOn = cancelled ? today.minus({ days: faker.number.int({ min: 1, max: days }) }) : undefined;
    const firstDue = DateTime.max(createdAt.startOf('day'), windowStart);
    const lastDue = cancelledOn ?? today;
    let lastFailed = false;
    for (const due of monthlyDueDates(firstDue, billingDay, lastDue)) {
      // Charged on the business day the rule gives (weekends and holidays move to the next one).
      const chargedAt = shiftToBusinessDay(due, 'next').plus({
        hours: faker.number.int({ min: 0, max: 23 }),
        minutes: faker.number.int({ min: 0, max: 59 }),
      });
      const charge = { user_id: id, subscription_id: id, amount, currency: 'JPY', due_date: toDbDate(due) };
      if (chargedAt > now) {
        payments.push({ ...charge, status: 'pending', paid_at: null });
        continue;
      }
      const r = faker.number.float({ min: 0, max: 1 });
      const status = r < 0.045 ? 'failed' : r < 0.055 ? 'refunded' : 'succeeded';
      payments.push({ ...charge, status, paid_at: toDbTime(chargedAt) });
      lastFailed = status === 'failed';
      const retryAt = shiftToBusinessDay(chargedAt.plus({ days: 3 }), 'next').set({
        hour: chargedAt.hour,
        minute: chargedAt.minute,
      });
      if (lastFailed && faker.number.float({ min: 0, max: 1 }) < 0.6 && retryAt <= now) {
        payments.push({ ...charge, status: 'succeeded', paid_at: toDbTime(retryAt) });
        lastFailed = false;
      }
    }
    const upcoming = monthlyDueDates(today, billingDay, today.plus({ months: 1, days: 1 }))[0];
    subscriptions.push({
      id,
      user_id: id,
      plan,
      amount,
      status: cancelledOn ? 'cancelled' : lastFailed ? 'past_due' : 'active',
      next_payment_date: cancelledOn || !upcoming ? null : toDbDate(upcoming),
    });
  }

  const articles: Row[] = articleTitles.map(([title, paidOnly], i) => ({
    id: i + 1,
    title,
    summary: faker.lorem.paragraph(),
    url: `https://news.example.com/articles/${i + 1}`,
    paid_only: paidOnly,
    published_at: toDbTime(now.minus({ days: 30 - i * 2.5 }).startOf('hour')),
  }));

  await db.transaction(async (trx) => {
    await trx.batchInsert('users', users, 500);
    await trx.batchInsert('subscriptions', subscriptions, 500);
    await trx.batchInsert('payments', payments, 500);
    await trx.batchInsert('articles', articles, 500);
  });
  return {
    users: users.length,
    subscriptions: subscriptions.length,
    payments: payments.length,
    articles: articles.length,
  };
}
