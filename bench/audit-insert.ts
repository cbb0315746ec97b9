import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/connect.js';
import { createBulkInserter } from '../src/db/bulk-insert.js';
import { migrateLatest } from '../src/db/migrate.js';
import { auditColumns as columns } from '../src/services/audit/audit-log.js';

const total = 20_000;
const row = {
  at: '2026-11-29 00:00:00.000',
  user_id: 'U01EXEC',
  kind: 'command',
  name: '/banto help',
  arguments: 'help',
  channel_id: 'C0BILLING',
  outcome: 'allowed',
  reason: null,
  result: 'ok',
  latency_ms: 3,
};

/** banto_audit rows into a WAL SQLite file: knex's multi-row INSERT vs the prepared-statement bulk inserter. */
export async function benchAuditInsert(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'banto-bench-audit-'));
  const db = openDatabase(`sqlite:${join(dir, 'audit.sqlite3')}`);
  await migrateLatest(db);
  const bulk = createBulkInserter(db, 'banto_audit', columns);
  const rows: string[] = [];
  for (const batch of [1, 10, 50, 250]) {
    const timeUs = async (insert: (rows: (typeof row)[]) => Promise<unknown>) => {
      const started = performance.now();
      for (let i = 0; i < total; i += batch) await insert(Array.from({ length: batch }, () => row));
      return ((performance.now() - started) * 1000) / total;
    };
    const knexUs = await timeUs((r) => db('banto_audit').insert(r));
    const bulkUs = await timeUs(bulk);
    rows.push(`| ${batch} | ${knexUs.toFixed(1)} | ${bulkUs.toFixed(1)} |`);
  }
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
  return [
    `### ${total.toLocaleString('en')} banto_audit rows into SQLite (WAL), by rows per batch`,
    '',
    '| rows per batch | knex multi-row INSERT: µs per row | createBulkInserter (one prepared statement, one transaction): µs per row |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}
