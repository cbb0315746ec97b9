import { DateTime } from 'luxon';
import { createFixedClock } from '../../src/clock.js';
import { type Config, type MailSettings } from '../../src/config.js';
import { parseConfig } from '../../src/config-load.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { createMailService, type MailService } from '../../src/services/mail/index.js';
import { approveAllDrafts } from '../../src/services/mail/templates.js';
import type { MailTransport } from '../../src/services/mail/transport.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';
import { repoRoot, testEnv } from './banto.js';
import { silent } from './jobs.js';

export interface MailFixture {
  database: TestDatabase;
  config: Config;
  clock: ReturnType<typeof createFixedClock>;
  mail: MailService;
  close(): Promise<void>;
}

/** A migrated database with the built-in templates imported and approved, and the outbox wired to `smtpUrl` (or `transport`). */
export async function createMailFixture(
  kind: DatabaseKind,
  {
    env = {},
    mail = {},
    transport,
    at = DateTime.fromISO('2026-12-01T09:00:00', { zone: 'Asia/Tokyo' }),
  }: { env?: Record<string, string>; mail?: Partial<MailSettings>; transport?: MailTransport; at?: DateTime } = {},
): Promise<MailFixture> {
  const database = await createTestDatabase(kind);
  await migrateLatest(database.db);
  const base = parseConfig({ env: testEnv({ DATABASE_URL: database.url, ...env }), cwd: repoRoot });
  const config: Config = {
    ...base,
    mail: {
      ...base.mail,
      leaseSeconds: 2,
      pollSeconds: 0.05,
      retry: { maxAttempts: 4, firstSeconds: 60, maxSeconds: 600 },
      ...mail,
    },
  };
  const clock = createFixedClock(at, 'Asia/Tokyo');
  const service = createMailService({ db: database.db, clock, logger: silent, config, transport });
  await service.importTemplates();
  await approveAllDrafts(database.db, 'U01EXEC', clock.now());
  return {
    database,
    config,
    clock,
    mail: service,
    async close() {
      await service.sender.stop();
      await database.drop();
    },
  };
}

export const reminderParams = {
  name: '佐藤 花子',
  plan: 'basic',
  amount: '¥980',
  due_date: '2026年12月1日(火)',
  when: '本日',
};
