import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { createFixedClock } from '../../../src/clock.js';
import { createBackupService } from '../../../src/services/backup/index.js';
import { manifestPath, sha256OfFile, writeManifest } from '../../../src/services/backup/manifest.js';
import { backupSettingsIn } from '../../helpers/backups.js';

const zone = 'Asia/Tokyo';

describe('backups of an SQLite production database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'banto-backup-'));
  const source = join(dir, 'prod.sqlite3');
  const backups = join(dir, 'backups');
  const clock = createFixedClock(DateTime.fromISO('2026-12-01T02:00', { zone }), zone);
  const settings = backupSettingsIn(backups);
  const service = createBackupService({
    backup: settings,
    data: { production: { urlEnv: 'DATABASE_URL', url: `sqlite:${source}` }, neverWrite: [] },
    clock,
  });

  before(() => {
    const db = new Database(source);
    db.pragma('journal_mode = WAL');
    db.exec('create table users (id integer primary key, email text not null, name text not null)');
    db.exec('create table sessions (token text primary key, user_id integer)');
    const insert = db.prepare('insert into users (email, name) values (?, ?)');
    for (let i = 1; i <= 250; i++) insert.run(`user${i}@example.jp`, `山田 ${i}`);
    db.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a gzipped copy with its sha256 and a manifest of every table, and verifies it', async () => {
    const made = await service.run();
    assert.equal(made.file, 'banto-prod-20261130T170000000Z.sqlite3.gz');
    assert.equal(made.engine, 'sqlite');
    assert.deepEqual(
      made.tables.map((t) => [t.name, t.rows]),
      [
        ['sessions', 0],
        ['users', 250],
      ],
    );
    assert.equal(await sha256OfFile(join(backups, made.file)), made.sha256);
    assert.deepEqual(
      readdirSync(backups).sort(),
      ['banto-prod-20261130T170000000Z.json', made.file],
      'nothing left over',
    );
    const onDisk = JSON.parse(readFileSync(manifestPath(backups, made.file), 'utf8'));
    assert.equal(onDisk.sha256, made.sha256);

    const verified = await service.verify();
    assert.equal(verified.problem, undefined);
    assert.equal(verified.backup.verification?.state, 'verified');
    const listed = await service.list();
    assert.equal(listed.backups[0]?.backup.verification?.state, 'verified');
    assert.deepEqual(
      readdirSync(backups).sort(),
      ['banto-prod-20261130T170000000Z.json', made.file],
      'the scratch copy is gone',
    );
  });

  it('a backup with one byte changed fails verification and says why', async () => {
    clock.set(DateTime.fromISO('2026-12-02T02:00', { zone }));
    const made = await service.run();
    const path = join(backups, made.file);
    const bytes = readFileSync(path);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(path, bytes);
    const outcome = await service.verify(made.file);
    assert.equal(outcome.backup.verification?.state, 'failed');
    assert.match(outcome.problem ?? '', /sha256 differs/);
    const listed = await service.list();
    assert.deepEqual(
      listed.backups.map((b) => [b.backup.file, b.backup.verification?.state, b.keptFor.includes('newest verified')]),
      [
        [made.file, 'failed', false],
        ['banto-prod-20261130T170000000Z.sqlite3.gz', 'verified', true],
      ],
    );
  });

  it('a restored copy whose tables differ from the manifest fails verification', async () => {
    clock.set(DateTime.fromISO('2026-12-03T02:00', { zone }));
    const made = await service.run();
    await writeManifest(backups, {
      ...made,
      tables: made.tables.map((t) => (t.name === 'users' ? { ...t, rows: 251 } : t)),
    });
    const outcome = await service.verify(made.file);
    assert.equal(outcome.problem, 'table users: 250 rows restored, 251 backed up');
    await writeManifest(backups, { ...made, tables: [...made.tables, { name: 'payments', rows: 3, sample: 'x' }] });
    assert.equal((await service.verify(made.file)).problem, 'table payments is missing from the restored copy');
  });

  it('refuses clearly when there is no production database to back up, or no backup to verify', async () => {
    const unset = createBackupService({
      backup: { ...settings, dir: join(dir, 'none') },
      data: { production: { urlEnv: 'BANTO_PROD_DATABASE_URL', url: undefined }, neverWrite: [] },
      clock,
    });
    await assert.rejects(unset.run(), { code: 'DATA_NO_PRODUCTION', message: /BANTO_PROD_DATABASE_URL is not set/ });
    await assert.rejects(unset.verify(), { code: 'BACKUP_NOT_FOUND' });
    await assert.rejects(service.verify('nope.sqlite3.gz'), { code: 'BACKUP_NOT_FOUND' });
    const nowhere = createBackupService({
      backup: { ...settings, dir: join(dir, 'none') },
      data: { production: { urlEnv: 'DATABASE_URL', url: `sqlite:${join(dir, 'missing.sqlite3')}` }, neverWrite: [] },
      clock,
    });
    await assert.rejects(nowhere.run(), {
      code: 'DATA_NOT_FOUND',
      message: /no SQLite database at .*missing\.sqlite3/,
    });
  });
});
