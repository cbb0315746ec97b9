import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { webApi } from '@slack/bolt';
import { DateTime } from 'luxon';
import { seedDemo } from '../../seeds/demo.js';
import { createFixedClock } from '../../src/clock.js';
import { openDatabase } from '../../src/db/connect.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/local/emulator.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { createSlackPublisher } from '../../src/notifier/slack.js';
import { createDataOpsJobs } from '../../src/schedules/jobs/data-ops.js';
import { createBackupService } from '../../src/services/backup/index.js';
import { createRefreshService } from '../../src/services/refresh/index.js';
import { repoRoot } from '../helpers/banto.js';
import { emulatorNotifier, postedMessages } from '../helpers/alerts.js';
import { createTestRunner } from '../helpers/jobs.js';
import { backupSettingsIn } from '../helpers/backups.js';

const zone = 'Asia/Tokyo';

describe('the data-operations jobs report to the alerts channel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'banto-dataops-'));
  const prodUrl = `sqlite:${join(dir, 'prod.sqlite3')}`;
  const devUrl = `sqlite:${join(dir, 'dev.sqlite3')}`;
  const db = openDatabase(prodUrl);
  const clock = createFixedClock(DateTime.fromISO('2026-12-01T02:00', { zone }), zone);
  let slack: SlackEmulator;
  const settings = backupSettingsIn(join(dir, 'backups'));
  const data = {
    production: { urlEnv: 'DATABASE_URL', url: prodUrl },
    development: { urlEnv: 'BANTO_DEV_DATABASE_URL', url: devUrl },
    neverWrite: [],
  };
  const runner = () =>
    createTestRunner(
      db,
      clock,
      createDataOpsJobs({
        backup: createBackupService({ backup: settings, data, clock }),
        refresh: createRefreshService({
          data,
          backup: settings,
          anonymize: { file: join(repoRoot, 'config/anonymize.yml'), secret: 's' },
          clock,
        }),
        publisher: createSlackPublisher(
          new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
        ),
        alertsChannel: 'C0ALERTS',
        locale: 'en',
      }),
      { notifier: emulatorNotifier(slack) },
    );
  const at = (hhmm: string) => DateTime.fromISO(`2026-12-01T${hhmm}`, { zone });

  before(async () => {
    await migrateLatest(db);
    await seedDemo(db, { now: clock.now(), zone, users: 30, days: 20 });
    slack = await startSlackEmulator({ workspace: demoWorkspace, signingSecret: 'unused-here-0000' });
  });
  after(async () => {
    await slack.stop();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backup, prune, verify and refresh each post one line without a mention; the same slot twice backs up once', async () => {
    const jobs = runner();
    assert.equal((await jobs.runOnce('backup', at('02:00'), 'schedule'))?.status, 'succeeded');
    assert.equal(await jobs.runOnce('backup', at('02:00'), 'schedule'), undefined, 'the slot is claimed once');
    assert.equal(readdirSync(settings.dir).filter((n) => n.endsWith('.gz')).length, 1);
    assert.equal((await jobs.runOnce('backup-prune', at('02:30'), 'schedule'))?.status, 'succeeded');
    assert.equal((await jobs.runOnce('backup-verify', at('03:00'), 'schedule'))?.status, 'succeeded');
    assert.equal((await jobs.runOnce('dev-refresh', at('06:00'), 'schedule'))?.status, 'succeeded');
    const posts = postedMessages(slack);
    assert.deepEqual(
      posts.map((p) => p.channel),
      ['C0ALERTS', 'C0ALERTS', 'C0ALERTS', 'C0ALERTS'],
    );
    assert.match(
      posts[0]!.text,
      /^Backup made: banto-prod-\d{8}T\d{9}Z\.sqlite3\.gz \([\d.]+ KB, \d+ tables, [\d,]+ rows/,
    );
    assert.match(posts[1]!.text, /^Pruned: 0 backups \(0 B\) deleted; 1 kept\.$/);
    assert.match(posts[2]!.text, /^Backup banto-prod-\S+ verified \([\d.]+ KB, \d+ tables, [\d,]+ rows, [\d.]+ s\)/);
    assert.match(posts[3]!.text, /^Development database sqlite:.*dev\.sqlite3 refreshed from .* proven anonymized/);
    assert.ok(
      posts.every((p) => !p.text.includes('<!subteam^')),
      'no mention when all is well',
    );
  });

  it('a backup that fails verification alerts the on-call group once, with what to do', async () => {
    slack.calls.length = 0;
    const jobs = runner();
    clock.set(at('02:00').plus({ days: 1 }));
    assert.equal((await jobs.runOnce('backup', clock.now(), 'schedule'))?.status, 'succeeded');
    const newest = readdirSync(settings.dir)
      .filter((n) => n.endsWith('.gz'))
      .sort()
      .at(-1)!;
    const path = join(settings.dir, newest);
    const bytes = readFileSync(path);
    bytes[50] = bytes[50]! ^ 0xff;
    writeFileSync(path, bytes);
    const outcome = await jobs.runOnce('backup-verify', at('03:00').plus({ days: 1 }), 'schedule');
    assert.equal(outcome?.status, 'failed');
    const alerts = postedMessages(slack).filter((p) => p.text.includes('<!subteam^S0ONCALL>'));
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!.text, /sha256 differs/);
    assert.match(alerts[0]!.text, /What to do: this backup cannot be restored from/);
  });
});
