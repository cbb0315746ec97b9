import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { createFixedClock } from '../../../src/clock.js';
import { createBackupService } from '../../../src/services/backup/index.js';
import { writeManifest, type BackupManifest } from '../../../src/services/backup/manifest.js';
import { planRetention } from '../../../src/services/backup/retention.js';

const zone = 'Asia/Tokyo';

function backupAt(iso: string, verified?: 'verified' | 'failed'): BackupManifest {
  const at = DateTime.fromISO(iso, { zone });
  return {
    file: `banto-demo-${at.toUTC().toFormat("yyyyMMdd'T'HHmmssSSS'Z'")}.sqlite3.gz`,
    createdAt: at.toUTC().toISO()!,
    engine: 'sqlite',
    database: 'demo',
    serverVersion: 'SQLite 3',
    tool: { name: 'test', version: '1' },
    tables: [],
    bytes: 10,
    sha256: '0'.repeat(64),
    durationMs: 1,
    ...(verified ? { verification: { state: verified, at: at.toUTC().toISO()! } } : {}),
  };
}

/** A backup at 02:00 JST every day from 2026-08-01 to 2026-11-30 (122 of them). */
const daily = Array.from({ length: 122 }, (_, i) =>
  backupAt(DateTime.fromISO('2026-08-01T02:00', { zone }).plus({ days: i }).toISO()!),
);
const keptDays = (plan: ReturnType<typeof planRetention>) =>
  plan.keep.map((k) => DateTime.fromISO(k.backup.createdAt, { zone }).toISODate());

describe('backup retention (grandfather-father-son, as restic forget)', () => {
  it('keeps the newest backup of each of the last N days, M ISO weeks and K months, in the business zone', () => {
    const plan = planRetention(daily, { daily: 3, weekly: 2, monthly: 3 }, zone);
    // Days: 11-30, 11-29, 11-28. Weeks: W49 (11-30, a Monday) and W48 (newest of it: 11-29). Months: Nov, Oct, Sep.
    assert.deepEqual(keptDays(plan), ['2026-11-30', '2026-11-29', '2026-11-28', '2026-10-31', '2026-09-30']);
    assert.deepEqual(plan.keep[0]!.reasons, ['daily 2026-11-30', 'weekly 2026-W49', 'monthly 2026-11', 'newest']);
    assert.deepEqual(plan.keep[1]!.reasons, ['daily 2026-11-29', 'weekly 2026-W48']);
    assert.equal(plan.keep.length + plan.remove.length, 122);
  });

  it('counts days in the business zone: 23:30 UTC is the next day in Tokyo', () => {
    const late = backupAt('2026-12-01T08:30'); // 23:30 UTC on 11-30
    const early = backupAt('2026-12-01T01:00');
    const plan = planRetention([early, late], { daily: 1, weekly: 0, monthly: 0 }, zone);
    assert.deepEqual(
      plan.keep.map((k) => k.backup.file),
      [late.file],
      'both are 2026-12-01 in Tokyo: only the newer is kept',
    );
  });

  it('never removes the newest backup nor the newest verified one, whatever the policy', () => {
    const verified = backupAt('2026-09-15T02:00', 'verified');
    const failedLater = backupAt('2026-10-01T02:00', 'failed');
    const plan = planRetention(
      [...daily.filter((b) => b.createdAt !== verified.createdAt), verified, failedLater],
      { daily: 0, weekly: 0, monthly: 0 },
      zone,
    );
    assert.deepEqual(
      plan.keep.map((k) => [DateTime.fromISO(k.backup.createdAt, { zone }).toISODate(), k.reasons]),
      [
        ['2026-11-30', ['newest']],
        ['2026-09-15', ['newest verified']],
      ],
    );
  });

  describe('prune on a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'banto-prune-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    const service = (pruned: 'delete' | 'archive') =>
      createBackupService({
        backup: {
          dir,
          tool: 'auto',
          keep: { daily: 2, weekly: 1, monthly: 2 },
          pruned,
          archiveDir: join(dir, 'archive'),
        },
        data: { production: { urlEnv: 'DATABASE_URL', url: 'sqlite::memory:' }, neverWrite: [] },
        clock: createFixedClock(DateTime.fromISO('2026-12-01T09:00', { zone }), zone),
      });

    it('--dry-run says what would go and changes nothing; prune removes exactly that; archive moves instead', async () => {
      const backups = [
        backupAt('2026-09-10T02:00', 'verified'),
        backupAt('2026-10-20T02:00'),
        backupAt('2026-10-31T02:00'),
        backupAt('2026-11-28T02:00'),
        backupAt('2026-11-29T02:00'),
        backupAt('2026-11-30T02:00', 'failed'),
      ];
      for (const b of backups) {
        writeFileSync(join(dir, b.file), 'gz');
        await writeManifest(dir, b);
      }
      const before = readdirSync(dir).sort();
      const dry = await service('delete').prune({ dryRun: true });
      assert.deepEqual(readdirSync(dir).sort(), before, 'a dry run changes nothing');
      // Days: 11-30, 11-29; week W48: 11-29; months: Nov (11-30), Oct (10-31); newest verified: 09-10.
      assert.deepEqual(
        dry.removed.map((b) => b.createdAt.slice(0, 10)),
        ['2026-11-27', '2026-10-19'],
      );
      const done = await service('delete').prune({ dryRun: false });
      assert.deepEqual(done.removed, dry.removed);
      const left = readdirSync(dir).sort();
      for (const b of dry.removed) {
        assert.ok(!left.includes(b.file));
        assert.ok(!left.some((name) => name.startsWith(b.file.replace('.sqlite3.gz', ''))));
      }
      assert.equal(left.length, before.length - 4);

      // One more day (Tuesday 12-01, week W49): 11-29 is no longer among the last two days nor the newest of its
      // week, and October is no longer among the last two months. Both go to the archive with their manifests.
      const next = backupAt('2026-12-01T02:00');
      writeFileSync(join(dir, next.file), 'gz');
      await writeManifest(dir, next);
      const archived = await service('archive').prune({ dryRun: false });
      const gone = [backups[4]!, backups[2]!];
      assert.deepEqual(
        archived.removed.map((b) => b.file),
        gone.map((b) => b.file),
      );
      assert.deepEqual(
        readdirSync(join(dir, 'archive')).sort(),
        gone.flatMap((b) => [b.file, b.file.replace('.sqlite3.gz', '.json')]).sort(),
      );
      const listed = await service('delete').list();
      assert.deepEqual(
        listed.backups.map((b) => DateTime.fromISO(b.backup.createdAt, { zone }).toISODate()),
        ['2026-12-01', '2026-11-30', '2026-09-10'],
      );
      assert.ok(listed.backups.every((b) => b.keptFor.length > 0));
    });
  });
});
