import type { Knex } from 'knex';
import { DateTime, Duration } from 'luxon';
import { pino } from 'pino';
import { createFixedClock, type Clock } from '../../src/clock.js';
import { createLogNotifier } from '../../src/notifier/log.js';
import { defaultBillingSchema } from '../../src/config.js';
import type { ScheduleDeps } from '../../src/schedules/index.js';
import type { JobDefinition } from '../../src/schedules/job.js';
import { createPaymentsService } from '../../src/services/payments/index.js';
import { createJobRunner, type JobRunner } from '../../src/schedules/runner.js';
import { createAlerts, type Notifier } from '../../src/services/alerts/alerts.js';

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
export function effectJob(db: Knex, overrides: Partial<JobDefinition> & Pick<JobDefinition, 'name' | 'cron'>, host = 'test'): JobDefinition {
  return {
    description: 'writes one row per run',
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

export function createTestRunner(db: Knex, clock: Clock, jobs: JobDefinition[], { host = 'replica-a', notifier = createLogNotifier(silent) as Notifier, lease = undefined as Duration | undefined } = {}): JobRunner {
  const alerts = createAlerts({ db, notifier, clock, logger: silent });
  return createJobRunner({ db, clock, logger: silent, alerts, locale: 'en', host, lease }, jobs, clock.zone);
}

/** The billing job's dependencies for tests that build the whole table but never run that job. */
export function billingNotRun(db: Knex): ScheduleDeps['billing'] {
  const notHere = async (): Promise<never> => {
    throw new Error('the billing job is not run in this test');
  };
  return {
    payments: createPaymentsService({ db, clock: createFixedClock(DateTime.now(), 'Asia/Tokyo'), schema: defaultBillingSchema, paymentDayRule: 'next' }),
    checkBillingChannel: notHere,
    publisher: { post: notHere, upload: notHere },
    alerts: createAlerts({ db, notifier: createLogNotifier(silent), clock: createFixedClock(DateTime.now(), 'Asia/Tokyo'), logger: silent }),
    locale: 'en',
    billingChannel: 'C0BILLING',
  };
}
