import { after, before, beforeEach } from 'node:test';
import type { Knex } from 'knex';
import { DateTime, Duration } from 'luxon';
import { pino } from 'pino';
import { createFixedClock, type Clock } from '../../src/clock.js';
import { createLogNotifier } from '../../src/notifier/log.js';
import { defaultAnomalyRules } from '../../src/config.js';
import { parseConfig } from '../../src/config-load.js';
import { defaultBillingSchema } from '../../src/config-file.js';
import { repoRoot, testEnv } from './banto.js';
import { testNow } from './clock.js';
import type { ScheduleDeps } from '../../src/schedules/index.js';
import { createBackupService } from '../../src/services/backup/index.js';
import type { JobDefinition } from '../../src/schedules/job.js';
import { createPaymentsService } from '../../src/services/payments/index.js';
import { createJobAlerts } from '../../src/schedules/job-alerts.js';
import { createJobRunner, type JobRunner } from '../../src/schedules/runner.js';
import { createAlerts, type Notifier } from '../../src/services/alerts/alerts.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

export const silent = pino({ level: 'silent' });

/** A real table for a job's effect, so tests count what a run did, not only its row. */
export async function createEffectsTable(db: Knex): Promise<void> {
  await db.schema.createTable('test_effects', (t) => {
    t.increments('id');
    t.string('job', 64).notNullable();
    t.string('slot', 40).notNullable();
    t.string('host', 64).notNullable();
  });
}

export async function effects(db: Knex, job?: string): Promise<{ job: string; slot: string; host: string }[]> {
  const query = db('test_effects').select('job', 'slot', 'host').orderBy('id');
  return job ? query.where({ job }) : query;
}

/** A job whose run writes one effect row for its slot. */
export function effectJob(
  db: Knex,
  overrides: Partial<JobDefinition> & Pick<JobDefinition, 'name' | 'cron'>,
  host = 'test',
): JobDefinition {
  return {
    timeout: Duration.fromObject({ seconds: 5 }),
    retry: { attempts: 1, backoff: Duration.fromObject({ milliseconds: 10 }) },
    catchUp: { policy: 'none' },
    async run({ slot }) {
      await db('test_effects').insert({ job: overrides.name, slot: slot.toUTC().toISO(), host });
    },
    ...overrides,
  };
}

export function fixedClockAt(iso: string, zone: string) {
  return createFixedClock(DateTime.fromISO(iso, { zone }), zone);
}

export function createTestRunner(
  db: Knex,
  clock: Clock,
  jobs: JobDefinition[],
  {
    host = 'replica-a',
    notifier = createLogNotifier(silent) as Notifier,
    lease = undefined as Duration | undefined,
  } = {},
): JobRunner {
  const alerts = createAlerts({ db, notifier, clock, logger: silent });
  return createJobRunner(
    { db, clock, logger: silent, hooks: createJobAlerts({ alerts, locale: 'en', logger: silent }), host, lease },
    jobs,
    clock.zone,
  );
}

/** The table's other dependencies, for tests that build the whole table but never run the billing jobs. */
export function scheduleDepsNotRun(
  db: Knex,
): Pick<ScheduleDeps, 'alerts' | 'billing' | 'anomalies' | 'mail' | 'sync' | 'providerEvents' | 'dataOps'> {
  const notHere = async (): Promise<never> => {
    throw new Error('the billing jobs are not run in this test');
  };
  const clock = createFixedClock(testNow, 'Asia/Tokyo');
  const config = parseConfig({ env: testEnv(), cwd: repoRoot });
  return {
    alerts: createAlerts({ db, notifier: createLogNotifier(silent), clock, logger: silent }),
    billing: {
      payments: createPaymentsService({ db, clock, schema: defaultBillingSchema, paymentDayRule: 'next' }),
      checkBillingChannel: notHere,
      publisher: { post: notHere, upload: notHere },
      locale: 'en',
      billingChannel: 'C0BILLING',
    },
    anomalies: { rules: defaultAnomalyRules, accountingUsergroups: [] },
    mail: {
      settings: config.mail,
      schema: defaultBillingSchema,
      paymentDayRule: 'next',
      wakeSender: () => undefined,
    },
    sync: { sources: [], logger: silent },
    providerEvents: { postPending: notHere, enabled: false },
    dataOps: {
      backup: createBackupService({ backup: config.backup, data: config.data, clock }),
      refresh: undefined,
      publisher: { post: notHere, upload: notHere },
      alertsChannel: 'C0ALERTS',
    },
  };
}

/** Inside a describe: a migrated database with the effects table, emptied of runs and effects before each test. */
export function useJobsDatabase(kind: DatabaseKind): { readonly db: Knex } {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase(kind);
    await migrateLatest(database.db);
    await createEffectsTable(database.db);
  });
  after(async () => database.drop());
  beforeEach(async () => {
    for (const table of ['test_effects', 'banto_job_runs']) await database.db(table).delete();
  });
  return {
    get db() {
      return database.db;
    },
  };
}
