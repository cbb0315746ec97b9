import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { waitFor } from '../helpers/wait.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { createAuditLog } from '../../src/services/audit/audit-log.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';

const entry = (i: number) => ({
  at: DateTime.fromISO('2026-11-29T09:00:00.123', { zone: 'Asia/Tokyo' }).toMillis(),
  userId: `U${i}`,
  kind: 'command',
  name: '/payments',
  arguments: 'today',
  channelId: 'C0BILLING',
  outcome: 'allowed' as const,
  result: 'ok',
  latencyMs: 3.6,
});

for (const kind of databaseKinds) {
  describe(`audit log (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(kind);
      await migrateLatest(t.db);
    });
    after(async () => {
      await t.drop();
    });

    it('writes every recorded entry, in batches, with the instant in UTC', async () => {
      const audit = createAuditLog({ db: t.db, logger: pino({ level: 'silent' }), maxBatch: 40 });
      for (let i = 0; i < 100; i++) audit.record(entry(i));
      assert.equal(audit.pending(), 100, 'nothing is written on the caller path');
      await audit.flush();
      const rows = await t.db('banto_audit').orderBy('id');
      assert.equal(rows.length, 100);
      assert.deepEqual(
        { at: rows[0].at, user: rows[0].user_id, latency: rows[0].latency_ms, outcome: rows[0].outcome },
        { at: '2026-11-29 00:00:00.123', user: 'U0', latency: 4, outcome: 'allowed' },
      );
      await t.db('banto_audit').delete();
    });

    it('keeps the rows when a write fails and writes them once the database is back', async () => {
      const failures: string[] = [];
      const logger = pino({ level: 'error' }, { write: (line: string) => void failures.push(line) });
      const audit = createAuditLog({ db: t.db, logger, retryDelayMs: 50 });
      await t.db.schema.renameTable('banto_audit', 'banto_audit_away');
      audit.record(entry(1));
      audit.record(entry(2));
      // The logged failure is the sign that a write was tried and failed; the rows must still be queued.
      await waitFor('two failed writes', () => failures.filter((l) => l.includes('audit write failed')).length >= 2);
      assert.equal(audit.pending(), 2);
      await t.db.schema.renameTable('banto_audit_away', 'banto_audit');
      await waitFor('the retry to write both rows', () => audit.pending() === 0);
      await audit.close();
      assert.deepEqual(
        (await t.db('banto_audit').orderBy('id')).map((r) => r.user_id),
        ['U1', 'U2'],
      );
    });

    it('holds at most maxQueued rows while the database is away; the rest, and what is left at stop, go to the log', async () => {
      const lines: string[] = [];
      const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
      const audit = createAuditLog({ db: t.db, logger, retryDelayMs: 50, maxQueued: 3 });
      const rowsBefore = (await t.db('banto_audit')).length;
      await t.db.schema.renameTable('banto_audit', 'banto_audit_away');
      try {
        for (let i = 1; i <= 5; i++) audit.record(entry(i));
        assert.equal(audit.pending(), 3);
        const overflow = lines.filter((l) => l.includes('audit queue full')).map((l) => JSON.parse(l).audit.user_id);
        assert.deepEqual(overflow, ['U4', 'U5']);
        await audit.close();
        const atStop = lines.find((l) => l.includes('could not be written at stop'));
        assert.ok(atStop, 'the rows left at stop are logged');
        assert.deepEqual(
          JSON.parse(atStop).audit.map((r: { user_id: string }) => r.user_id),
          ['U1', 'U2', 'U3'],
        );
        assert.equal(audit.pending(), 0);
      } finally {
        await t.db.schema.renameTable('banto_audit_away', 'banto_audit');
      }
      assert.equal((await t.db('banto_audit')).length, rowsBefore, 'nothing was written twice');
    });
  });
}
