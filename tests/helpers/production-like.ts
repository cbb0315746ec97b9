import { PassThrough } from 'node:stream';
import { seedDemo } from '../../seeds/demo.js';
import { startBanto, type Banto, type StartOptions } from '../../src/app.js';
import { type Config } from '../../src/config.js';
import { parseConfig } from '../../src/config-load.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { startSlackEmulator, type SlackEmulator, type SlackEmulatorOptions } from '../../src/local/emulator.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { createLogger } from '../../src/logger.js';
import { repoRoot, testEnv } from './banto.js';
import { createRunningClock, testNow } from './clock.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

export interface ProductionLike {
  slack: SlackEmulator;
  banto: Banto;
  config: Config;
  database: TestDatabase;
  /** Everything Banto logged, at debug level: the most talkative setting must still never print a secret. */
  logs(): string;
  close(): Promise<void>;
}

/**
 * Banto configured as in production (a bot token plus a signing secret or an
 * app-level token), with SLACK_API_URL pointing at a standalone emulator that
 * plays Slack: signed HTTP toward Banto, or Slack's side of Socket Mode.
 */
export async function startProductionLike(
  kind: DatabaseKind,
  {
    env,
    emulator,
    start = {},
  }: { env: Record<string, string>; emulator: Omit<SlackEmulatorOptions, 'workspace'>; start?: Partial<StartOptions> },
): Promise<ProductionLike> {
  const database = await createTestDatabase(kind);
  await migrateLatest(database.db);
  await seedDemo(database.db, { now: testNow, zone: 'Asia/Tokyo', users: 100 });
  const slack = await startSlackEmulator({ workspace: demoWorkspace, ...emulator });
  const config = parseConfig({
    env: testEnv({ DATABASE_URL: database.url, SLACK_API_URL: slack.apiUrl, ...env }),
    cwd: repoRoot,
  });
  let logs = '';
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const logger = createLogger('debug', logStream);
  const banto = await startBanto({
    config,
    logger,
    clock: createRunningClock(),
    seedIfEmpty: false,
    host: '127.0.0.1',
    ...start,
  });
  slack.setTarget(`${banto.url}/slack/events`);
  return {
    slack,
    banto,
    config,
    database,
    logs: () => logs,
    async close() {
      await banto.stop();
      await slack.stop();
      await database.drop();
    },
  };
}
