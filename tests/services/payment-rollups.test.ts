import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { createFixedClock } from '../../src/clock.js';
import { defaultBillingSchema } from '../../src/config-file.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { fromDbTime, toDbDate, toDbTime } from '../../src/db/time.js';
import { createPaymentsService, type Period, type PeriodSummary } from '../../src/services/payments/index.js';
import { nominalDatesChargedOn } from '../../src/services/payments/business-days.js';
import { readPaymentDay } from '../../src/services/payments/payment-day.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';

const zone = 'Asia/Tokyo';
const now = DateTime.fromISO('2026-12-01T12:00:00', { zone });
const first = DateTime.fromISO('2026-10-25T00:00:00', { zone });
const statuses = ['succeeded', 'succeeded', 'succeeded', 'failed', 'refunded', 'pending'] as const;

interface NewPayment {
  sub: number | null;
  amount: number;
  status: string;
  day: number;
  ms: number;
  dueShift: number;
}

const payment = (days: number) =>
  fc.record({
    sub: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null, freq: 6 }),
    amount: fc.integer({ min: 1, max: 20_000 }),
    status: fc.constantFrom(...statuses),
    day: fc.integer({ min: 0, max: days }),
    // The first and the last instant of a JST day, and anything between.
    ms: fc.oneof(fc.constant(0), fc.constant(86_399_999), fc.integer({ min: 0, max: 86_399_999 })),
    dueShift: fc.integer({ min: -3, max: 3 }),
  });

const change = fc.oneof(
  fc.record({ op: fc.constant('refund' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('status' as const), pick: fc.nat(), status: fc.constantFrom(...statuses) }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  // Back-dated into a closed day.
  fc.record({ op: fc.constant('insert' as const), payment: payment(36) }),
);

type Change = typeof change extends fc.Arbitrary<infer T> ? T : never;

/** Today (day 37, 2026-12-01) changes after the last refresh: its figures must follow at once. */
const todayChange = fc.oneof(
  fc.record({ op: fc.constant('refund' as const), pick: fc.nat(), today: fc.constant(true) }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat(), today: fc.constant(true) }),
  fc.record({
    op: fc.constant('insert' as const),
    payment: payment(0).map((p) => ({ ...p, day: 37, dueShift: Math.abs(p.dueShift) })),
  }),
);

const period = fc.oneof(
  fc.integer({ min: 0, max: 42 }).map((d) => toDbDate(first.plus({ days: d }))),
  fc.constantFrom('2026-10', '2026-11', '2026-12'),
  fc
    .tuple(fc.integer({ min: 0, max: 42 }), fc.integer({ min: 0, max: 42 }))
    .map(
      ([a, b]) =>
        `${toDbDate(first.plus({ days: Math.min(a, b) }))}..${toDbDate(first.plus({ days: Math.max(a, b) }))}`,
    ),
  fc.constant('2025-12-02..2026-12-01'),
);

const scenario = fc.record({
  payments: fc.array(payment(40), { minLength: 1, maxLength: 60 }),
  changes: fc.array(change, { minLength: 1, maxLength: 12 }),
  periods: fc.array(period, { minLength: 3, maxLength: 6 }),
  todayChanges: fc.array(todayChange, { minLength: 1, maxLength: 4 }),
});

function rowOf(p: NewPayment) {
  const day = first.plus({ days: p.day });
  const pending = p.status === 'pending';
  return {
    user_id: 1,
    subscription_id: p.sub,
    amount: p.amount,
    currency: 'JPY',
    status: p.status,
    paid_at: pending ? null : toDbTime(day.plus({ milliseconds: p.ms })),
    due_date: toDbDate(day.plus({ days: p.dueShift })),
  };
}

/** The figures straight from the payments table, in plain SQL: what every summary must equal. */
async function direct(db: Knex, period: Period) {
  const [from, to] = [toDbTime(period.start), toDbTime(period.end)];
  const amounts = (r: { n?: unknown; total?: unknown } | undefined) => ({
    count: Number(r?.n ?? 0),
    total: Number(r?.total ?? 0),
  });
  const status = async (s: string) =>
    amounts(
      await db('payments')
        .where({ status: s })
        .andWhere('paid_at', '>=', from)
        .andWhere('paid_at', '<', to)
        .count({ n: '*' })
        .sum({ total: 'amount' })
        .first(),
    );
  const plans = (await db({ p: 'payments' })
    .join({ s: 'subscriptions' }, 's.id', 'p.subscription_id')
    .where('p.status', 'succeeded')
    .andWhere('p.paid_at', '>=', from)
    .andWhere('p.paid_at', '<', to)
    .groupBy('s.plan')
    .orderBy('s.plan')
    .select({ plan: 's.plan' })
    .count({ n: '*' })
    .sum({ total: 'p.amount' })) as { plan: string; n: unknown; total: unknown }[];
  const fresh = amounts(
    await db({ p: 'payments' })
      .where('p.status', 'succeeded')
      .andWhere('p.paid_at', '>=', from)
      .andWhere('p.paid_at', '<', to)
      .whereNotExists(
        db({ e: 'payments' })
          .select(db.raw('1'))
          .whereRaw('e.subscription_id = p.subscription_id')
          .andWhere('e.status', 'succeeded')
          .andWhereRaw('e.paid_at < p.paid_at'),
      )
      .count({ n: '*' })
      .sum({ total: 'p.amount' })
      .first(),
  );
  const succeeded = await status('succeeded');
  return {
    succeeded,
    failed: await status('failed'),
    refunded: await status('refunded'),
    pending: amounts(
      await db('payments')
        .where({ status: 'pending' })
        .andWhere('due_date', '>=', toDbDate(period.start))
        .andWhere('due_date', '<', toDbDate(period.end))
        .count({ n: '*' })
        .sum({ total: 'amount' })
        .first(),
    ),
    byPlan: plans.map((r) => ({ plan: r.plan, ...amounts(r) })),
    newPayments: fresh,
    renewals: { count: succeeded.count - fresh.count, total: succeeded.total - fresh.total },
  };
}

/** A payment day's expected against paid, in plain SQL: every subscription tested one by one. */
async function directPayday(db: Knex, day: DateTime) {
  const window = nominalDatesChargedOn(day, 'next');
  if (!window) return undefined;
  const [from, to] = [toDbDate(window.from), toDbDate(window.to)];
  const amounts = (r: { n?: unknown; total?: unknown } | undefined) => ({
    count: Number(r?.n ?? 0),
    total: Number(r?.total ?? 0),
  });
  const expected = await db({ s: 'subscriptions' })
    .where((q) =>
      q
        .whereExists(
          db({ d: 'payments' })
            .select(db.raw('1'))
            .whereRaw('d.subscription_id = s.id')
            .andWhere('d.due_date', '>=', from)
            .andWhere('d.due_date', '<', to),
        )
        .orWhere((w) =>
          w
            .where('s.status', 'active')
            .andWhere('s.next_payment_date', '>=', from)
            .andWhere('s.next_payment_date', '<', to),
        ),
    )
    .count({ n: '*' })
    .sum({ total: 's.amount' })
    .first();
  const paid = await db('payments')
    .where({ status: 'succeeded' })
    .andWhere('due_date', '>=', from)
    .andWhere('due_date', '<', to)
    .count({ n: '*' })
    .sum({ total: 'amount' })
    .first();
  const failed = (await db({ p: 'payments' })
    .distinct({ user: 'p.user_id' })
    .where('p.status', 'failed')
    .andWhere('p.due_date', '>=', from)
    .andWhere('p.due_date', '<', to)
    .whereNotExists(
      db({ ok: 'payments' })
        .select(db.raw('1'))
        .whereRaw('ok.subscription_id = p.subscription_id')
        .andWhere('ok.status', 'succeeded')
        .andWhere('ok.due_date', '>=', from)
        .andWhere('ok.due_date', '<', to),
    )
    .orderBy('user')) as { user: unknown }[];
  return {
    dueFrom: from,
    dueTo: to,
    expected: amounts(expected),
    paid: amounts(paid),
    failedUserIds: failed.map((r) => Number(r.user)),
  };
}

const figures = (s: PeriodSummary) => ({
  succeeded: s.succeeded,
  failed: s.failed,
  refunded: s.refunded,
  pending: s.pending,
  byPlan: s.byPlan,
  newPayments: s.newPayments,
  renewals: s.renewals,
});

for (const kind of databaseKinds)
  describe(`billing rollups equal the direct SQL (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(kind);
      await migrateLatest(t.db);
      await t.db('users').insert({
        id: 1,
        email: 'a@example.com',
        name: 'A',
        password_hash: 'x',
        plan: 'paid',
        created_at: toDbTime(first),
      });
      await t.db('subscriptions').insert(
        Array.from({ length: 8 }, (_, i) => ({
          id: i + 1,
          user_id: 1,
          plan: i % 3 === 0 ? 'free' : 'paid',
          amount: 980 + i,
          // Next payments spread over the weeks the payments cover; one canceled subscription is not expected.
          status: i === 5 ? 'canceled' : 'active',
          next_payment_date: toDbDate(first.plus({ days: 2 + i * 5 })),
        })),
      );
    });
    after(() => t.drop());
    const tables = {
      get db() {
        return t.db;
      },
      p: defaultBillingSchema.payments,
      s: defaultBillingSchema.subscriptions,
      rule: 'next' as const,
    };

    const service = () =>
      createPaymentsService({
        db: t.db,
        clock: createFixedClock(now, zone),
        schema: defaultBillingSchema,
        paymentDayRule: 'next',
        rollups: { lookbackDays: 45, backfillDays: 0 },
      });

    async function reset() {
      for (const table of ['payments', 'banto_payment_days', 'banto_payment_day_state', 'banto_payment_firsts'])
        await t.db(table).delete();
    }

    async function applyChange(c: Change | { op: 'refund' | 'delete'; pick: number; today: true }) {
      if (c.op === 'insert') return void (await t.db('payments').insert(rowOf(c.payment)));
      const [from, to] = [toDbTime(now.startOf('day')), toDbTime(now.startOf('day').plus({ days: 1 }))];
      const ids = (await t
        .db('payments')
        .modify((q) => {
          if ('today' in c) q.where('paid_at', '>=', from).andWhere('paid_at', '<', to);
        })
        .orderBy('id')
        .pluck('id')) as number[];
      if (ids.length === 0) return;
      const id = ids[c.pick % ids.length];
      if (c.op === 'delete') await t.db('payments').where({ id }).delete();
      else
        await t
          .db('payments')
          .where({ id })
          .update({ status: c.op === 'status' ? c.status : 'refunded' });
    }

    /** Payments, a refresh, late changes, one more refresh: every figure of every period equals the direct SQL. */
    const property = (detectChanges: boolean) =>
      fc.asyncProperty(scenario, async ({ payments, changes, periods, todayChanges }) => {
        await reset();
        await t.db('payments').insert(payments.map(rowOf));
        const payments_ = service();
        await payments_.refreshRollups();
        for (const c of changes) await applyChange(c);
        await payments_.refreshRollups({ detectChanges });
        for (const text of periods) {
          const parsed = payments_.parsePeriod(text);
          assert.ok('period' in parsed, text);
          const summary = await payments_.summarize(parsed.period);
          assert.deepEqual(figures(summary), await direct(t.db, parsed.period), text);
          assert.deepEqual(summary.previous.succeeded, (await direct(t.db, summary.previous.period)).succeeded);
          // A payment day's expected against paid, as plain SQL gives them.
          assert.deepEqual(
            summary.paymentDay,
            parsed.period.kind === 'day' ? await directPayday(t.db, parsed.period.start) : undefined,
            `${text}: payment day`,
          );
        }
        // Today was rolled up to 11:55; changes to it since, before and after that, show without a refresh (and
        // change no closed day: an earlier payment is new or not whatever comes later).
        for (const c of todayChanges) await applyChange(c);
        for (const text of ['today', ...periods]) {
          const parsed = payments_.parsePeriod(text);
          assert.ok('period' in parsed, text);
          const summary = await payments_.summarize(parsed.period);
          assert.deepEqual(figures(summary), await direct(t.db, parsed.period), `${text} after today's changes`);
          // Today's payment day too (a closed one may charge a due date a change touched: it follows at the refresh).
          if (text === 'today')
            assert.deepEqual(summary.paymentDay, await directPayday(t.db, parsed.period.start), 'today: payment day');
        }
      });

    it('for random payments, late changes and periods (day, month, range, year)', async () => {
      await fc.assert(property(true), { seed: 20261201, numRuns: 25 });
    });

    it('and the same property fails when the changed days are not detected', async () => {
      await assert.rejects(fc.assert(property(false), { seed: 20261201, numRuns: 40 }), (error: Error) => {
        // The figures differ from the direct SQL: a missed change, not some other failure.
        const cause = (error as { cause?: unknown }).cause;
        assert.ok(cause instanceof assert.AssertionError, String(cause));
        assert.equal(cause.operator, 'deepStrictEqual');
        return true;
      });
    });

    it('puts 23:59:59.999 and 00:00:00.000 JST on their own days, across a month end', async () => {
      await reset();
      const at = (iso: string, amount: number) => ({
        user_id: 1,
        subscription_id: 2,
        amount,
        currency: 'JPY',
        status: 'succeeded',
        paid_at: toDbTime(DateTime.fromISO(iso, { zone })),
        due_date: iso.slice(0, 10),
      });
      await t
        .db('payments')
        .insert([
          at('2026-10-31T23:59:59.999', 100),
          at('2026-11-01T00:00:00.000', 200),
          at('2026-11-29T23:59:59.999', 300),
          at('2026-11-30T00:00:00.000', 400),
        ]);
      const payments_ = service();
      const progress: string[] = [];
      const rebuilt = await payments_.rebuildRollups({ onProgress: (p) => progress.push(p.day) });
      assert.equal(rebuilt.days, 31, 'from the first payment day to yesterday');
      assert.deepEqual([progress[0], progress.at(-1)], ['2026-10-31', '2026-11-30']);
      const rolled = (await t
        .db('banto_payment_days')
        .where({ basis: 'paid' })
        .orderBy('day')
        .select('day', 'n', 'total')) as { day: string; n: unknown; total: unknown }[];
      assert.deepEqual(
        rolled.map((r) => [r.day, Number(r.n), Number(r.total)]),
        [
          ['2026-10-31', 1, 100],
          ['2026-11-01', 1, 200],
          ['2026-11-29', 1, 300],
          ['2026-11-30', 1, 400],
        ],
      );
      const succeeded = async (text: string) => {
        const parsed = payments_.parsePeriod(text);
        assert.ok('period' in parsed);
        return (await payments_.summarize(parsed.period)).succeeded.total;
      };
      assert.deepEqual(
        [
          await succeeded('2026-10-31'),
          await succeeded('2026-11-01'),
          await succeeded('2026-10'),
          await succeeded('2026-11'),
          await succeeded('2026-11-29'),
          await succeeded('2026-11-30'),
        ],
        [100, 200, 100, 900, 300, 400],
      );
      // The second is new (the first of subscription 2 is on 10-31), the rest renewals: read across days.
      const month = payments_.parsePeriod('2026-11');
      assert.ok('period' in month);
      const november = await payments_.summarize(month.period);
      assert.deepEqual([november.newPayments.count, november.renewals.count], [0, 3]);
    });

    it("never takes today's first payments as history: one refunded since the refresh leaves the next one new", async () => {
      await reset();
      const at = (day: number, hour: number) =>
        rowOf({ sub: 3, amount: 500, status: 'succeeded', day, ms: hour * 3_600_000, dueShift: 0 });
      await t.db('payments').insert([at(30, 9), at(37, 9), at(38, 9)]);
      const payments_ = service();
      await payments_.refreshRollups();
      // The payment of day 30 goes: the refresh makes today's 09:00 payment the subscription's first.
      await t
        .db('payments')
        .where('paid_at', '<', toDbTime(first.plus({ days: 31 })))
        .delete();
      await payments_.refreshRollups();
      const stored = await t.db('banto_payment_firsts').where({ subscription_id: '3' }).first('first_day');
      assert.equal(stored?.first_day, '2026-12-01');
      // Refunded after that refresh: tomorrow's payment is the first succeeded one now.
      await t
        .db('payments')
        .where('paid_at', '<', toDbTime(first.plus({ days: 38 })))
        .update({ status: 'refunded' });
      for (const text of ['today', '2026-12-02', '2026-12']) {
        const parsed = payments_.parsePeriod(text);
        assert.ok('period' in parsed);
        const summary = figures(await payments_.summarize(parsed.period));
        assert.deepEqual(summary, await direct(t.db, parsed.period), text);
        assert.equal(summary.newPayments.count, text === 'today' ? 0 : 1, text);
      }
    });

    it('rolls today up to five minutes ago, and the whole day once it has closed', async () => {
      await reset();
      const at = (hour: number, amount: number) =>
        rowOf({ sub: 4, amount, status: 'succeeded', day: 37, ms: hour * 3_600_000, dueShift: 0 });
      await t.db('payments').insert([at(9, 100), at(11.95, 200), at(13, 400)]);
      await service().refreshRollups();
      const part = await t.db('banto_payment_day_state').where({ basis: 'paid', day: '2026-12-01' }).first();
      assert.equal(toDbTime(fromDbTime(part?.through)), toDbTime(now.minus({ minutes: 5 })));
      const rolled = await t
        .db('banto_payment_days')
        .where({ basis: 'paid', day: '2026-12-01' })
        .sum({ n: 'n' })
        .first();
      assert.equal(Number(rolled?.n), 1, 'only the 09:00 payment is before 11:55');
      // The next morning the part still answers for the day, and the refresh rolls it whole.
      const tomorrow = createPaymentsService({
        db: t.db,
        clock: createFixedClock(now.plus({ hours: 13 }), zone),
        schema: defaultBillingSchema,
        paymentDayRule: 'next',
        rollups: { lookbackDays: 45, backfillDays: 0 },
      });
      const day = tomorrow.parsePeriod('2026-12-01');
      assert.ok('period' in day);
      assert.equal((await tomorrow.summarize(day.period)).succeeded.total, 700);
      await tomorrow.refreshRollups();
      const whole = await t.db('banto_payment_day_state').where({ basis: 'paid', day: '2026-12-01' }).first();
      assert.equal(whole?.through, null);
      // Its payment day, rolled while open, is rolled again once closed.
      const payday = await t.db('banto_payment_paydays').where({ day: '2026-12-01' }).first('rolled_at');
      assert.equal(toDbTime(fromDbTime(payday?.rolled_at)), toDbTime(now.plus({ hours: 13 })));
      assert.deepEqual(figures(await tomorrow.summarize(day.period)), await direct(t.db, day.period));
      assert.equal((await tomorrow.summarize(day.period)).succeeded.total, 700);
    });

    it('a rebuild stopped half-way continues where it stopped', async () => {
      await reset();
      await t
        .db('payments')
        .insert(
          Array.from({ length: 20 }, (_, i) =>
            rowOf({ sub: (i % 8) + 1, amount: 100 + i, status: 'succeeded', day: i, ms: 3_600_000, dueShift: 0 }),
          ),
        );
      const payments_ = service();
      let seen = 0;
      await assert.rejects(
        payments_.rebuildRollups({
          onProgress: () => {
            if (++seen === 5) throw new Error('stopped');
          },
        }),
        /stopped/,
      );
      const resumed = await payments_.rebuildRollups({});
      assert.equal(resumed.resumedAfter, 5, 'the five days rolled before the stop are not rolled again');
      assert.equal(resumed.days, 37);
      assert.equal(
        await t
          .db('banto_payment_rebuilds')
          .count({ n: '*' })
          .first()
          .then((r) => Number(r?.n)),
        0,
      );
      const states = await t.db('banto_payment_day_state').where({ basis: 'paid', dirty: 0 }).count({ n: '*' }).first();
      assert.equal(Number(states?.n), 37);
      const parsed = payments_.parsePeriod('2026-10-25..2026-11-30');
      assert.ok('period' in parsed);
      assert.deepEqual(figures(await payments_.summarize(parsed.period)), await direct(t.db, parsed.period));
    });

    it("reads a closed payment day's figures from its rollup, and rolls it again when a due payment changes", async () => {
      await reset();
      // Monday 2026-11-16 charges the due dates of Saturday 14 to Monday 16.
      await t
        .db('payments')
        .insert([
          rowOf({ sub: 1, amount: 980, status: 'succeeded', day: 21, ms: 3_600_000, dueShift: -1 }),
          rowOf({ sub: 2, amount: 1980, status: 'failed', day: 22, ms: 3_600_000, dueShift: 0 }),
        ]);
      const payments_ = service();
      await payments_.refreshRollups();
      const day = payments_.parsePeriod('2026-11-16');
      assert.ok('period' in day);
      const live = await readPaymentDay(tables, day.period.start);
      assert.deepEqual((await payments_.summarize(day.period)).paymentDay, live);
      assert.deepEqual(
        [live?.dueFrom, live?.dueTo, live?.paid.count, live?.failedUserIds],
        ['2026-11-14', '2026-11-17', 1, [1]],
      );
      // What the summary shows is the stored row: changed by hand here, it shows.
      await t.db('banto_payment_paydays').where({ day: '2026-11-16' }).update({ expected_n: 999 });
      assert.equal((await payments_.summarize(day.period)).paymentDay?.expected.count, 999);
      // The failed payment is fixed by hand: its due date's fingerprint changes, the day is rolled again.
      await t.db('payments').where({ status: 'failed' }).update({ status: 'succeeded' });
      const refreshed = await payments_.refreshRollups();
      assert.equal(refreshed.rolled.paydays, 1);
      const after = (await payments_.summarize(day.period)).paymentDay;
      assert.deepEqual(after, await readPaymentDay(tables, day.period.start));
      assert.deepEqual([after?.paid.count, after?.failedUserIds], [2, []]);
    });
  });
