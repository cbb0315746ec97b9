import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Duration } from 'luxon';
import { pino } from 'pino';
import { createFixedClock } from '../../src/clock.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { startPartnerApi, type PartnerApi } from '../../src/local/partner-api.js';
import { runSync } from '../../src/services/sync/run-sync.js';
import { defineSyncSource } from '../../src/config-sync.js';
import { createRecordReader, type SyncSource } from '../../src/services/sync/source.js';
import { readSyncState, syncRuns } from '../../src/services/sync/sync-runs.js';
import { testNow } from '../helpers/clock.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';

const token = 'partner-token-0123';

function sourceFor(partner: PartnerApi, overrides: Partial<SyncSource> = {}): SyncSource {
  const source = defineSyncSource(
    'crm',
    {
      url: partner.url,
      auth: { prefix: 'Bearer ', secret_env: 'CRM_TOKEN' },
      timeout_seconds: 5,
      retry: { attempts: 3, backoff_seconds: 1 },
      key: 'id',
      fields: {
        id: { type: 'string', max: 64 },
        email: { type: 'string', optional: true },
        plan: { type: 'string', max: 16 },
        amount: { type: 'integer', column: 'amount_yen' },
        updated_at: { type: 'datetime' },
      },
      updated_at_field: 'updated_at',
      max_pages: 1000,
    },
    { CRM_TOKEN: token },
  );
  return { ...source, ...overrides };
}

/** A record changed `minutesAgo` before the test's clock. */
function record(i: number, { minutesAgo = 5, plan = 'paid', amount = 980 } = {}) {
  const at = testNow.minus({ minutes: minutesAgo }).toUTC().toISO();
  return { id: `c${String(i).padStart(5, '0')}`, email: `c${i}@example.jp`, plan, amount, updated_at: at };
}

for (const kind of databaseKinds) {
  describe(`sync runs of a partner source (${kind})`, () => {
    let t: TestDatabase;
    let partner: PartnerApi;
    const waits: number[] = [];
    const clock = createFixedClock(testNow, 'Asia/Tokyo');
    const deps = () => ({
      db: t.db,
      clock,
      logger: pino({ level: 'silent' }),
      wait: async (ms: number) => void waits.push(ms),
    });
    const rows = () => t.db('banto_sync_crm').orderBy('id');
    const sync = (overrides: Partial<SyncSource> = {}) =>
      runSync(deps(), sourceFor(partner, overrides), { trigger: 'schedule' });

    before(async () => {
      t = await createTestDatabase(kind);
      await migrateLatest(t.db);
    });
    after(() => t.drop());
    beforeEach(async () => {
      partner = await startPartnerApi({ token });
      waits.length = 0;
      await t.db.schema.dropTableIfExists('banto_sync_crm');
      await t.db('banto_sync_runs').delete();
      await t.db('banto_sync_state').delete();
    });
    afterEach(() => partner.close());

    it('pages through every record, then fetches only what changed since the stored cursor', async () => {
      for (let i = 1; i <= 250; i++) partner.put(record(i));
      const first = await sync();
      assert.equal(first.status, 'succeeded');
      assert.deepEqual([first.pages, first.fetched, first.inserted, first.updated, first.skipped], [3, 250, 250, 0, 0]);
      assert.equal((await rows()).length, 250);
      assert.deepEqual(
        partner.requests.map((r) => [r.query.limit, r.query.cursor, r.authorization]),
        [
          ['100', undefined, `Bearer ${token}`],
          ['100', 's100', `Bearer ${token}`],
          ['100', 's200', `Bearer ${token}`],
        ],
      );
      assert.equal((await readSyncState(t.db, 'crm')).cursor, 's250');
      const stored = (await rows())[0] as Record<string, unknown>;
      assert.deepEqual(
        { id: stored.id, amount_yen: Number(stored.amount_yen), updated_at: String(stored.updated_at).slice(0, 19) },
        { id: 'c00001', amount_yen: 980, updated_at: '2026-12-01 00:55:00' },
      );

      // Five records change, two are new: the next run fetches those seven only.
      for (let i = 1; i <= 5; i++) partner.put(record(i, { plan: 'free', amount: 0 }));
      partner.put(record(251));
      partner.put(record(252));
      const second = await sync();
      assert.deepEqual([second.fetched, second.inserted, second.updated], [7, 2, 5]);
      assert.equal((await rows()).length, 252);
      assert.equal((await t.db('banto_sync_crm').where({ id: 'c00003' }).first()).plan, 'free');

      const third = await sync();
      assert.deepEqual([third.status, third.pages, third.fetched], ['succeeded', 1, 0]);
      assert.equal((await syncRuns(t.db, 'crm')).length, 3);
    });

    it('a run that fails midway keeps the cursor; the next resumes from it with nothing skipped or doubled', async () => {
      for (let i = 1; i <= 250; i++) partner.put(record(i));
      await sync();
      for (let i = 251; i <= 500; i++) partner.put(record(i));
      // The second page of the next run fails with a 500.
      partner.failNext({ serve: true }, { status: 500 });
      const failed = await sync();
      assert.equal(failed.status, 'failed');
      assert.equal(failed.errorClass, 'http_5xx');
      assert.deepEqual([failed.pages, failed.inserted], [1, 100], 'the first page went in');
      assert.equal((await readSyncState(t.db, 'crm')).cursor, 's250', 'the cursor did not move');
      assert.equal((await readSyncState(t.db, 'crm')).failureStreak, 1);

      const resumed = await sync();
      assert.equal(resumed.status, 'succeeded');
      assert.equal(partner.requests.at(-3)?.query.cursor, 's250', 'it started where the last good run ended');
      assert.deepEqual([resumed.fetched, resumed.inserted, resumed.updated], [250, 150, 100]);
      const ids = (await rows()).map((r: { id: string }) => r.id);
      assert.equal(ids.length, 500);
      assert.equal(new Set(ids).size, 500);
      // The 100 records of the page that went in twice were written twice, unchanged: they count as updated.
      const writes = await t.db('banto_sync_crm').select('banto_sync_writes as n').count('* as rows').groupBy('n');
      assert.deepEqual(
        writes.map((w) => [Number(w.n), Number(w.rows)]).sort((a, b) => a[0]! - b[0]!),
        [
          [1, 400],
          [2, 100],
        ],
      );
      assert.equal((await readSyncState(t.db, 'crm')).cursor, 's500');
      assert.equal((await readSyncState(t.db, 'crm')).failureStreak, 0);
    });

    it('classifies what went wrong: timeout, refused connection, 4xx, 5xx without retry, malformed JSON', async () => {
      partner.put(record(1));
      partner.failNext({ hangMs: 5_000 });
      const slow = await sync({ timeout: Duration.fromObject({ milliseconds: 200 }) });
      assert.deepEqual([slow.status, slow.errorClass], ['failed', 'timeout']);
      assert.match(slow.errorMessage ?? '', /no answer within 0.2 s/);

      partner.failNext({ status: 500 });
      const broken = await sync();
      assert.deepEqual(
        [broken.errorClass, broken.errorMessage],
        ['http_5xx', `HTTP 500 from ${partner.url.slice('http://'.length)}`],
      );

      partner.failNext({ malformed: true });
      assert.equal((await sync()).errorClass, 'malformed_json');

      const unauthorised = await runSync(
        deps(),
        sourceFor(partner, { auth: { header: 'Authorization', value: 'Bearer wrong' } }),
        { trigger: 'schedule' },
      );
      assert.deepEqual(
        [unauthorised.errorClass, unauthorised.errorMessage],
        ['http_4xx', `HTTP 401 from ${partner.url.slice('http://'.length)}`],
      );
      assert.deepEqual(waits, [], 'none of these is retried');

      const url = partner.url;
      await partner.close();
      const refused = await runSync(deps(), { ...sourceFor(partner), url }, { trigger: 'schedule' });
      assert.equal(refused.errorClass, 'connection');
      assert.match(refused.errorMessage ?? '', /connection refused at 127\.0\.0\.1:\d+/);
      assert.equal((await rows()).length, 0, 'no run wrote a record');
      assert.equal((await readSyncState(t.db, 'crm')).failureStreak, 5);
      partner = await startPartnerApi({ token });
    });

    const createCustomersTable = ({ withRegion }: { withRegion: boolean }) =>
      t.db.schema.createTable('crm_customers', (c) => {
        c.string('id', 64).primary();
        c.string('email', 255).nullable();
        c.string('plan', 16);
        c.bigInteger('amount_yen');
        c.datetime('updated_at', { precision: 3 });
        if (withRegion) c.string('region', 16).notNullable();
      });

    it('a table of the business schema must exist; a write it refuses fails the run without its values in the message', async () => {
      partner.put(record(1));
      const missing = await sync({ table: 'crm_customers' }).catch((error: Error & { code?: string }) => error.code);
      assert.equal(missing, 'SYNC_TABLE_MISSING');
      // The web service's own column, which the partner does not fill, refuses the write.
      await createCustomersTable({ withRegion: true });
      const refused = await sync({ table: 'crm_customers' });
      assert.deepEqual([refused.status, refused.errorClass], ['failed', 'database']);
      assert.match(refused.errorMessage ?? '', /region/);
      assert.doesNotMatch(refused.errorMessage ?? '', /example\.jp|c00001|insert into/i, 'no SQL, no customer data');
      await t.db.schema.dropTable('crm_customers');
      await createCustomersTable({ withRegion: false });

      // A table without Banto's writes column: which keys existed says inserted or updated.
      const first = await sync({ table: 'crm_customers' });
      assert.deepEqual([first.status, first.inserted, first.updated], ['succeeded', 1, 0]);
      partner.put(record(1, { plan: 'free', amount: 0 }));
      partner.put(record(2));
      const second = await sync({ table: 'crm_customers' });
      assert.deepEqual([second.fetched, second.inserted, second.updated], [2, 1, 1]);
      assert.deepEqual(
        (await t.db('crm_customers').orderBy('id').select('id', 'plan')).map((r) => [r.id, r.plan]),
        [
          ['c00001', 'free'],
          ['c00002', 'paid'],
        ],
      );
      await t.db.schema.dropTable('crm_customers');
    });

    it('waits as a 429 asks (Retry-After) and backs off on a 503, inside the run', async () => {
      for (let i = 1; i <= 3; i++) partner.put(record(i));
      partner.failNext({ status: 429, retryAfter: '7' }, { status: 503 });
      const run = await sync();
      assert.equal(run.status, 'succeeded');
      assert.equal(run.inserted, 3);
      assert.deepEqual(waits, [7_000, 2_000], 'Retry-After first, then the backoff, doubled after the first wait');

      // The job's timeout firing during a wait ends the run as too slow, not as a crash.
      partner.failNext({ status: 503 });
      const stopped = await runSync(
        {
          ...deps(),
          wait: async () => {
            throw new DOMException('This operation was aborted', 'AbortError');
          },
        },
        sourceFor(partner),
        { trigger: 'schedule' },
      );
      assert.deepEqual(
        [stopped.errorClass, stopped.errorMessage],
        ['timeout', 'the run was stopped (its job timed out)'],
      );

      partner.failNext({ status: 503 }, { status: 503 }, { status: 503 });
      const gaveUp = await sync();
      assert.deepEqual([gaveUp.status, gaveUp.errorClass], ['failed', 'http_5xx']);
      assert.equal(partner.requests.length, 7, "three attempts in all for the page (after the stopped run's one)");
    });

    it('skips an invalid record, lists it with its reason, and writes the rest', async () => {
      partner.put(record(1));
      partner.put({ ...record(2), amount: 'lots' });
      partner.put({ ...record(3), updated_at: '2026-12-01 10:00' });
      partner.put(record(4));
      const run = await sync();
      assert.equal(run.status, 'succeeded');
      assert.deepEqual([run.fetched, run.inserted, run.skipped], [4, 2, 2]);
      assert.deepEqual(
        run.skippedRecords.map((s) => s.key),
        ['c00002', 'c00003'],
      );
      assert.match(run.skippedRecords[0]?.reason ?? '', /^amount: /);
      assert.match(run.skippedRecords[1]?.reason ?? '', /^updated_at: expected an ISO 8601 date-time with an offset/);
      const stored = (await syncRuns(t.db, 'crm')).at(-1);
      assert.deepEqual(stored?.skippedRecords, run.skippedRecords);
      assert.deepEqual(
        (await rows()).map((r: { id: string }) => r.id),
        ['c00001', 'c00004'],
      );
    });

    it('reads a partner that pages by offset through its shape module, and resumes after the records it has', async () => {
      await partner.close();
      partner = await startPartnerApi({ token, paging: 'offset' });
      for (let i = 1; i <= 250; i++) partner.put(record(i));
      const offsets = {
        cursor: { param: 'offset', from: 'unused', hasMore: 'unused' },
        shape: 'offset-paged' as const,
      };
      const first = await sync(offsets);
      assert.deepEqual([first.status, first.pages, first.inserted], ['succeeded', 3, 250]);
      assert.deepEqual(
        partner.requests.map((r) => r.query.offset),
        [undefined, '100', '200'],
      );
      assert.equal((await readSyncState(t.db, 'crm')).cursor, '250');
      partner.put(record(251));
      const second = await sync(offsets);
      assert.deepEqual([second.fetched, second.inserted], [1, 1]);
      assert.equal(partner.requests.at(-1)?.query.offset, '250');
      partner.failNext({ status: 200, body: JSON.stringify({ data: [] }) });
      const broken = await sync(offsets);
      assert.deepEqual([broken.errorClass, broken.errorMessage], ['malformed_json', '"total" is not a count']);
    });

    it('a partner whose newest record is older than the allowed lag makes the run stale', async () => {
      partner.put(record(1, { minutesAgo: 200 }));
      const run = await sync();
      assert.deepEqual([run.status, run.errorClass, run.lagSeconds], ['stale', 'lag', 200 * 60]);
      assert.equal(run.inserted, 1, 'the records still go in');
      assert.equal((await readSyncState(t.db, 'crm')).cursor, 's1');
      partner.put(record(2, { minutesAgo: 1 }));
      const fresh = await sync();
      assert.deepEqual([fresh.status, fresh.lagSeconds], ['succeeded', 60]);
    });
  });
}

describe('reading a partner record by the configured fields', () => {
  const read = createRecordReader({
    fields: [
      { name: 'id', column: 'id', type: 'string', optional: false, max: 8 },
      { name: 'at', column: 'changed_at', type: 'datetime', optional: false, max: 255 },
      { name: 'day', column: 'day', type: 'date', optional: true, max: 255 },
      { name: 'paid', column: 'paid', type: 'boolean', optional: true, max: 255 },
    ],
  });

  it('stores instants as UTC text, keeps dates, maps columns and ignores fields it was not told of', () => {
    assert.deepEqual(read({ id: 'a1', at: '2026-12-01T09:00:00.5+09:00', day: '2026-02-28', paid: true, extra: {} }), {
      row: { id: 'a1', changed_at: '2026-12-01 00:00:00.500', day: '2026-02-28', paid: true },
    });
    assert.deepEqual(read({ id: 'a2', at: '2026-12-01T00:00:00Z', day: null }), {
      row: { id: 'a2', changed_at: '2026-12-01 00:00:00.000', day: null, paid: null },
    });
    // A UTC instant is stored from its own text, to the millisecond, however many digits it has.
    const stored = (at: string) => {
      const reading = read({ id: 'u', at });
      return 'row' in reading ? reading.row.changed_at : reading.problem;
    };
    assert.equal(stored('2024-02-29T23:59:59.999Z'), '2024-02-29 23:59:59.999');
    assert.equal(stored('2026-12-01T09:07Z'), '2026-12-01 09:07:00.000');
    assert.equal(stored('2026-12-01T09:07:05.123456789Z'), '2026-12-01 09:07:05.123');
    assert.equal(stored('2026-12-01T09:07:05.5z'), '2026-12-01 09:07:05.500');
    assert.equal(stored('2026-12-01T09:07:05+00:00'), '2026-12-01 09:07:05.000');
  });

  it('names the field that makes a record invalid', () => {
    const problem = (record: unknown) => {
      const reading = read(record);
      return 'problem' in reading ? reading.problem : 'read';
    };
    assert.equal(problem({ id: 'a3', at: '2026-12-01T09:00:00' }), 'at: expected an ISO 8601 date-time with an offset');
    assert.equal(
      problem({ id: 'a4', at: '2026-12-01T09:00:00Z', day: '2026-02-30' }),
      'day: expected a date YYYY-MM-DD',
    );
    assert.equal(
      problem({ id: 'a5', at: '2026-13-01T09:00:00Z' }),
      'at: expected an ISO 8601 date-time with an offset',
    );
    // Date.parse would roll these over to another day: the wall time the partner wrote must exist.
    for (const at of [
      '2026-02-30T09:00:00Z',
      '2026-02-29T09:00:00Z',
      '2026-12-01T24:00:00Z',
      '2026-12-01T23:60:00Z',
      '2026-12-01T23:59:60Z',
      '2026-12-00T09:00:00Z',
      '2026-12-01T24:00:00+09:00',
      '2026-04-31T00:00:00.000-05:00',
    ])
      assert.equal(problem({ id: 'a7', at }), 'at: expected an ISO 8601 date-time with an offset', at);
    assert.deepEqual(read({ id: 'a8', at: '2026-12-01T23:30:00-05:00' }), {
      row: { id: 'a8', changed_at: '2026-12-02 04:30:00.000', day: null, paid: null },
    });
    assert.match(problem({ id: 'far-too-long', at: '2026-12-01T09:00:00Z' }), /^id: Too big/);
    assert.match(problem({ at: '2026-12-01T09:00:00Z' }), /^id: /);
    assert.match(problem(null), /^record: /);
    assert.match(problem({ id: 'a6', at: '2026-12-01T09:00:00Z', paid: 'yes' }), /^paid: /);
  });
});
