import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DateTime } from 'luxon';
import { pino } from 'pino';
import { seedDemo } from '../../seeds/demo.js';
import { startBanto, type Banto } from '../../src/app.js';
import type { Receiving } from '../../src/bolt.js';
import type { Clock } from '../../src/clock.js';
import { parseConfig } from '../../src/config-load.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { demoWorkspace, type Workspace } from '../../src/local/workspace.js';
import { createFileTransport } from '../../src/services/mail/transport.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';
import { createRunningClock, testNow } from './clock.js';
import { waitFor } from './wait.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const demoConfigPath = resolve(repoRoot, 'config/banto.yml');

export interface TestBanto {
  banto: Banto;
  database: TestDatabase;
  /** Banto's clock: it starts at the test's instant (`testNow` unless given) and runs. */
  clock: Clock;
  close(): Promise<void>;
}

/**
 * The demo config with its `schedules:` section replaced (e.g. short retries
 * for a test); the file lives in a temporary directory that `remove` deletes.
 */
export function demoConfigWithSchedules(schedules: string): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'banto-config-'));
  const path = join(dir, 'banto.yml');
  const demo = readFileSync(demoConfigPath, 'utf8');
  writeFileSync(path, demo.replace(/^schedules:.*\n( {2}#.*\n)?/m, `schedules:\n${schedules}\n`));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Env for loadConfig that ignores the developer's own .env and shell. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return { BANTO_CONFIG: demoConfigPath, PORT: '0', LOG_LEVEL: 'silent', ...overrides };
}

/** A running Banto in local mode (emulator as Slack) on a fresh database holding a small demo data set. */
export async function startTestBanto(
  kind: DatabaseKind,
  {
    env = {},
    workspace = demoWorkspace,
    users = 300,
    receiving = 'socket',
    at = testNow,
  }: { env?: Record<string, string>; workspace?: Workspace; users?: number; receiving?: Receiving; at?: DateTime } = {},
): Promise<TestBanto> {
  const database = await createTestDatabase(kind);
  await migrateLatest(database.db);
  const clock = createRunningClock(at);
  await seedDemo(database.db, { now: clock.now(), zone: 'Asia/Tokyo', users });
  const config = parseConfig({
    env: testEnv({ DATABASE_URL: database.url, BANTO_LOCAL_RECEIVER: receiving, ...env }),
    cwd: repoRoot,
  });
  // Mail without SMTP_URL is written as files: into a directory of this test's, never the repository's var/mail.
  const mailDir = mkdtempSync(join(tmpdir(), 'banto-mail-'));
  const mailTransport = env.SMTP_URL ? undefined : createFileTransport(mailDir);
  const logger = pino({ level: 'silent' });
  const banto = await startBanto({ config, workspace, clock, logger, seedIfEmpty: false, mailTransport });
  return {
    banto,
    database,
    clock,
    async close() {
      await banto.stop();
      await database.drop();
      rmSync(mailDir, { recursive: true, force: true });
    },
  };
}

/** Both ways the emulator reaches Banto in local mode: Socket Mode (the default) and signed HTTP. */
export const receivings: readonly Receiving[] = ['socket', 'http'];

/** The audit rows once `count` of them match `matches` (rows are written after the answer, in batches). */
export async function waitForAuditRows(
  banto: Banto,
  count: number,
  matches: (row: AuditRow) => boolean = () => true,
): Promise<AuditRow[]> {
  return waitFor(`${count} audit row(s)`, async () => {
    await banto.audit.flush();
    const rows = ((await banto.db('banto_audit').orderBy('id')) as AuditRow[]).filter(matches);
    return rows.length >= count && rows;
  });
}

export interface AuditRow {
  id: number;
  user_id: string;
  kind: string;
  name: string;
  arguments: string | null;
  channel_id: string | null;
  outcome: string;
  result: string | null;
  reason: string | null;
  latency_ms: number;
}
