import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { IANAZone } from 'luxon';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import type { BillingSchema, Config, RoleMembers } from './config.js';
import { cronProblem } from './services/jobs/slots.js';
import { backupSchema, dataSchema } from './config-data.js';
import { syncSchema } from './config-sync.js';
import { providerSchema } from './config-provider.js';
import { translateSchema } from './config-translate.js';
import { reportSchema } from './services/reports/definition.js';

// The YAML file (BANTO_CONFIG): its schema, and what it becomes in the Config.

export const zone = z
  .string()
  .refine((v) => IANAZone.isValidZone(v), 'unknown time zone (expected an IANA name like Asia/Tokyo)');

export const defaultBillingSchema: BillingSchema = {
  payments: {
    table: 'payments',
    id: 'id',
    user_id: 'user_id',
    subscription_id: 'subscription_id',
    amount: 'amount',
    status: 'status',
    paid_at: 'paid_at',
    due_date: 'due_date',
  },
  subscriptions: {
    table: 'subscriptions',
    id: 'id',
    user_id: 'user_id',
    plan: 'plan',
    amount: 'amount',
    status: 'status',
    next_payment_date: 'next_payment_date',
  },
};

const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'malformed user id (expected an id like U0123ABCD)');
const usergroupId = z.string().regex(/^S[A-Z0-9]{2,}$/, 'malformed user group id (expected an id like S0123ABCD)');
const channelId = z
  .string()
  .regex(/^[CG][A-Z0-9]{2,}$/, 'malformed channel id (expected an id like C0123ABCD, not a channel name)');
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a table or column name: letters, digits and _ only');
const role = z.strictObject({ users: z.array(userId).default([]), usergroups: z.array(usergroupId).default([]) });

export const fileSchema = z.strictObject({
  roles: z
    .strictObject({
      exec: role.optional(),
      accounting: role.optional(),
      clerk: role.optional(),
      engineer: role.optional(),
    })
    .default({}),
  channels: z.strictObject({ billing: channelId, alerts: channelId }),
  oncall_usergroup: usergroupId.optional(),
  mail: z
    .strictObject({
      test_recipient: z.email().default('developer@example.com'),
      connections: z.number().int().min(1).max(50).default(5),
      rate_per_second: z.number().min(0).default(50),
      batch_size: z.number().int().min(1).max(1000).default(50),
      lease_seconds: z.number().min(1).default(60),
      poll_seconds: z.number().positive().default(1),
      retry: z
        .strictObject({
          max_attempts: z.number().int().min(1).default(8),
          first_seconds: z.number().positive().default(30),
          max_seconds: z.number().positive().default(3600),
        })
        .default({ max_attempts: 8, first_seconds: 30, max_seconds: 3600 }),
      reminders: z
        .strictObject({ offsets: z.array(z.number().int().min(0).max(30)).min(1).default([3, 0]) })
        .default({ offsets: [3, 0] }),
      digest: z
        .strictObject({ upgrade_url: z.url().default('https://example.com/upgrade') })
        .default({ upgrade_url: 'https://example.com/upgrade' }),
      alerts: z
        .strictObject({
          backlog_minutes: z.number().positive().default(30),
          failure_percent: z.number().min(0).max(100).default(10),
          min_attempts: z.number().int().min(1).default(20),
        })
        .default({ backlog_minutes: 30, failure_percent: 10, min_attempts: 20 }),
      output_dir: z.string().min(1).default('var/mail'),
      templates_dir: z.string().min(1).default('templates'),
    })
    .prefault({}),
  schedules: z
    .record(
      z.string().regex(/^[a-z][a-z0-9-]*$/, 'job names are lower-case words joined by dashes'),
      z.strictObject({
        cron: z
          .string()
          .min(1)
          .superRefine((cron, ctx) => {
            const problem = cronProblem(cron);
            if (problem) ctx.addIssue({ code: 'custom', message: `not a cron expression: ${problem}` });
          })
          .optional(),
        enabled: z.boolean().optional(),
        timezone: zone.optional(),
        retry: z
          .strictObject({
            attempts: z.number().int().min(1).max(10),
            backoff_seconds: z.number().positive().max(3600),
          })
          .optional(),
      }),
    )
    .default({}),
  access: z
    .strictObject({ usergroup_cache_seconds: z.number().int().min(0).default(60) })
    .default({ usergroup_cache_seconds: 60 }),
  sync: syncSchema,
  data: dataSchema,
  backup: backupSchema,
  anonymize: z.string().min(1).default('config/anonymize.yml'),
  translate: translateSchema,
  reports: z.array(reportSchema).default([]),
  /** One report per file, beside `reports:`. */
  reports_dir: z.string().min(1).default('config/reports'),
  jobs: z.strictObject({ retention_days: z.number().int().min(1).default(30) }).default({ retention_days: 30 }),
  billing: z
    .strictObject({
      /** A payment day on a weekend or Japanese holiday moves to the next (or previous) business day. */
      payment_day_rule: z.enum(['next', 'previous']).default('next'),
      provider: providerSchema,
      /** Billing rollups: how far back each refresh compares the days' fingerprints, and how many older days it fills in. */
      rollups: z
        .strictObject({
          lookback_days: z.number().int().min(1).max(400).default(60),
          backfill_days: z.number().int().min(0).max(400).default(31),
        })
        .default({ lookback_days: 60, backfill_days: 31 }),
      anomalies: z
        .strictObject({
          failed_rate: z
            .strictObject({
              enabled: z.boolean().default(true),
              max_percent: z.number().min(0).max(100).default(10),
              min_attempts: z.number().int().min(1).default(20),
            })
            .default({ enabled: true, max_percent: 10, min_attempts: 20 }),
          below_expected: z
            .strictObject({ enabled: z.boolean().default(true), min_percent: z.number().min(0).max(100).default(80) })
            .default({ enabled: true, min_percent: 80 }),
          no_payments: z
            .strictObject({ enabled: z.boolean().default(true), hours: z.number().positive().default(3) })
            .default({ enabled: true, hours: 3 }),
          provider_total: z.strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
          business_hours: z
            .strictObject({
              start: z.number().int().min(0).max(23).default(9),
              end: z.number().int().min(1).max(24).default(18),
            })
            .default({ start: 9, end: 18 }),
        })
        .default({
          failed_rate: { enabled: true, max_percent: 10, min_attempts: 20 },
          below_expected: { enabled: true, min_percent: 80 },
          no_payments: { enabled: true, hours: 3 },
          provider_total: { enabled: true },
          business_hours: { start: 9, end: 18 },
        }),
      schema: z
        .strictObject({
          payments: z
            .strictObject({
              table: identifier,
              id: identifier,
              user_id: identifier,
              subscription_id: identifier,
              amount: identifier,
              status: identifier,
              paid_at: identifier,
              due_date: identifier,
              provider_charge_id: identifier,
            })
            .partial()
            .default({}),
          subscriptions: z
            .strictObject({
              table: identifier,
              id: identifier,
              user_id: identifier,
              plan: identifier,
              amount: identifier,
              status: identifier,
              next_payment_date: identifier,
              provider_subscription_id: identifier,
            })
            .partial()
            .default({}),
        })
        .default({ payments: {}, subscriptions: {} }),
    })
    .default({
      payment_day_rule: 'next',
      rollups: { lookback_days: 60, backfill_days: 31 },
      anomalies: {
        failed_rate: { enabled: true, max_percent: 10, min_attempts: 20 },
        below_expected: { enabled: true, min_percent: 80 },
        no_payments: { enabled: true, hours: 3 },
        provider_total: { enabled: true },
        business_hours: { start: 9, end: 18 },
      },
      schema: { payments: {}, subscriptions: {} },
    }),
});

export function readConfigFile(path: string, problems: string[]): unknown {
  if (!existsSync(path)) {
    problems.push(`BANTO_CONFIG: file not found: ${path}`);
    return undefined;
  }
  try {
    return parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (error) {
    const reason = error instanceof YAMLParseError ? error.message : String(error);
    problems.push(`BANTO_CONFIG: ${path} is not valid YAML: ${reason}`);
    return undefined;
  }
}

type FileSettings = Pick<
  Config,
  'roles' | 'channels' | 'oncallUsergroup' | 'mail' | 'schedules' | 'access' | 'jobs' | 'billing'
>;

/** The parsed file as the Config's settings; relative paths are taken from `cwd`. */
export function toFileSettings(file: z.infer<typeof fileSchema>, cwd: string): FileSettings {
  const noMembers = (): RoleMembers => ({ users: [], usergroups: [] });
  return {
    roles: {
      exec: file.roles.exec ?? noMembers(),
      accounting: file.roles.accounting ?? noMembers(),
      clerk: file.roles.clerk ?? noMembers(),
      engineer: file.roles.engineer ?? noMembers(),
    },
    channels: file.channels,
    oncallUsergroup: file.oncall_usergroup,
    mail: {
      testRecipient: file.mail.test_recipient,
      connections: file.mail.connections,
      ratePerSecond: file.mail.rate_per_second,
      batchSize: file.mail.batch_size,
      leaseSeconds: file.mail.lease_seconds,
      pollSeconds: file.mail.poll_seconds,
      retry: {
        maxAttempts: file.mail.retry.max_attempts,
        firstSeconds: file.mail.retry.first_seconds,
        maxSeconds: file.mail.retry.max_seconds,
      },
      reminderOffsets: [...new Set(file.mail.reminders.offsets)].sort((a, b) => b - a),
      upgradeUrl: file.mail.digest.upgrade_url,
      alerts: {
        backlogMinutes: file.mail.alerts.backlog_minutes,
        failurePercent: file.mail.alerts.failure_percent,
        minAttempts: file.mail.alerts.min_attempts,
      },
      outputDir: isAbsolute(file.mail.output_dir) ? file.mail.output_dir : resolve(cwd, file.mail.output_dir),
      templatesDir: isAbsolute(file.mail.templates_dir)
        ? file.mail.templates_dir
        : resolve(cwd, file.mail.templates_dir),
    },
    schedules: file.schedules,
    access: { usergroupCacheSeconds: file.access.usergroup_cache_seconds },
    jobs: { retentionDays: file.jobs.retention_days },
    billing: {
      paymentDayRule: file.billing.payment_day_rule,
      anomalies: file.billing.anomalies,
      rollups: { lookbackDays: file.billing.rollups.lookback_days, backfillDays: file.billing.rollups.backfill_days },
      schema: {
        payments: { ...defaultBillingSchema.payments, ...file.billing.schema.payments },
        subscriptions: { ...defaultBillingSchema.subscriptions, ...file.billing.schema.subscriptions },
      },
    },
  };
}
