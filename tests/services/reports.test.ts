import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDemo } from '../../seeds/demo.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { reportSchema, type Report } from '../../src/services/reports/definition.js';
import { readParams } from '../../src/services/reports/params.js';
import { runReportQuery } from '../../src/services/reports/run.js';
import { createReportService } from '../../src/services/reports/index.js';
import { createFixedClock } from '../../src/clock.js';
import { testNow } from '../helpers/clock.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';

const report = (fields: Record<string, unknown>): Report =>
  reportSchema.parse({ name: 'test-report', description: 'a test', roles: ['exec'], ...fields });
const limits = { timeoutMs: 1000, maxRows: 5 };
// 30 users joined six times: 729 million rows to count, far longer than a second on either engine.
const slow = 'select count(*) as n from users a, users b, users c, users d, users e, users f';

describe('report definitions and parameters', () => {
  it('refuses a query naming a parameter it does not declare, and a second statement', () => {
    assert.throws(() => report({ sql: 'select * from users where id = :id' }), /:id is not a declared parameter/);
    assert.throws(() => report({ sql: 'select 1; delete from users' }), /one statement only/);
    assert.throws(
      () => report({ sql: 'select 1', schedule: { cron: '0 0 9 * * *' } }),
      /a scheduled report posts to a channel/,
    );
    assert.throws(() => report({ sql: 'select 1', alert: true }), /an alert report needs a schedule/);
    assert.throws(
      () => report({ sql: 'select 1', schedule: { cron: 'every day', channel: 'C0X1' } }),
      /not a cron expression/,
    );
    assert.throws(() => report({ sql: 'select 1', output: 'chart' }), /a chart report names its x and y columns/);
  });

  it('reads typed values by name or position, with defaults, and names each problem', () => {
    const r = report({
      sql: 'select :plan, :n, :d, :p_from, :p_to',
      params: {
        plan: { type: 'choice', choices: ['free', 'paid'] },
        n: { type: 'integer', min: 1, max: 10, default: 3 },
        d: { type: 'date', default: '2026-11-01' },
        p: { type: 'period', default: '2026-11' },
      },
    });
    assert.deepEqual(readParams(r, 'paid', testNow), {
      bindings: {
        plan: 'paid',
        n: 3,
        d: '2026-11-01',
        p_from: '2026-10-31 15:00:00.000',
        p_to: '2026-11-30 15:00:00.000',
        p_from_day: '2026-11-01',
        p_to_day: '2026-12-01',
      },
      shown: 'plan=paid n=3 d=2026-11-01 p=2026-11',
    });
    assert.deepEqual(readParams(r, 'n=11 plan=paid', testNow), { problem: 'n: a whole number from 1 to 10' });
    assert.deepEqual(readParams(r, 'plan=gold', testNow), { problem: 'plan: one of free, paid' });
    assert.deepEqual(readParams(r, '', testNow), { problem: 'plan is required' });
    assert.deepEqual(readParams(r, 'paid x=1', testNow), { problem: 'unknown parameter x' });
    assert.deepEqual(readParams(r, 'paid d=2026-02-30', testNow), { problem: 'd: a date as YYYY-MM-DD' });
  });
});

for (const kind of databaseKinds)
  describe(`report queries run read-only, bound, within limits (${kind})`, () => {
    let t: TestDatabase;
    let users: number;
    before(async () => {
      t = await createTestDatabase(kind);
      await migrateLatest(t.db);
      await seedDemo(t.db, { now: testNow, zone: 'Asia/Tokyo', users: 30 });
      users = Number(((await t.db('users').count({ n: '*' })) as { n: number }[])[0]?.n);
    });
    after(() => t.drop());
    const countUsers = async () => Number(((await t.db('users').count({ n: '*' })) as { n: number }[])[0]?.n);

    it('binds a parameter with SQL in it as a value: nothing matches, the table is intact', async () => {
      const evil = "x' or '1'='1'; drop table users; --";
      const answer = await runReportQuery(t.db, 'select id, name from users where name = :q', { q: evil }, limits);
      assert.deepEqual(answer, { columns: ['id', 'name'], rows: [], truncated: false });
      assert.equal(await countUsers(), users);
    });

    it('refuses UPDATE, DELETE and INSERT … SELECT through the read-only transaction', async () => {
      for (const sql of [
        "update users set name = 'x'",
        'delete from users',
        'insert into articles (title, summary, url, paid_only, published_at) select name, name, email, 0, created_at from users',
      ])
        await assert.rejects(runReportQuery(t.db, sql, {}, limits), (error: { code?: string; message?: string }) => {
          assert.equal(error.code, 'REPORT_WRITES', `${sql}: ${error.message}`);
          return true;
        });
      assert.equal(await countUsers(), users);
      assert.equal(await t.db('users').where({ name: 'x' }).first(), undefined);
    });

    it('stops a slow query at its time limit, with a clear message', async () => {
      await assert.rejects(runReportQuery(t.db, slow, {}, { timeoutMs: 500, maxRows: 5 }), {
        code: 'REPORT_TIMEOUT',
        message: 'the query ran longer than 0.5 s and was stopped',
      });
      // The database answers the next query as usual.
      assert.equal((await runReportQuery(t.db, 'select count(*) as n from users', {}, limits)).rows[0]?.[0], users);
    });

    it('names the columns a chart report draws that its query does not return', async () => {
      const service = createReportService({
        db: t.db,
        clock: createFixedClock(testNow, 'Asia/Tokyo'),
        reports: [
          report({
            sql: 'select plan, count(*) as n from users group by plan',
            output: 'chart',
            chart: { x: 'plan', y: 'members' },
          }),
        ],
      });
      await assert.rejects(service.run('test-report', '', new Set(['exec'])), {
        code: 'REPORT_CHART',
        message: 'the chart names members, which the query does not return (it returns plan, n)',
      });
    });

    it('returns at most the row limit, and says there were more', async () => {
      const answer = await runReportQuery(t.db, 'select id from users order by id', {}, limits);
      assert.equal(answer.rows.length, 5);
      assert.equal(answer.truncated, true);
      assert.deepEqual(answer.columns, ['id']);
    });
  });
