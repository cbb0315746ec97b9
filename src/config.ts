import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { IANAZone } from 'luxon';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { BantoError } from './errors.js';
import { cronProblem } from './services/jobs/slots.js';

// The only module that reads process.env: everything else receives a Config.

export const roleNames = ['exec', 'accounting', 'clerk', 'engineer'] as const;
export type RoleName = (typeof roleNames)[number];
export type SlackMode = 'socket' | 'http' | 'local';
export type BantoEnv = 'development' | 'staging' | 'production';

export interface RoleMembers {
  users: string[];
  usergroups: string[];
}

export interface ScheduleOverride {
  cron?: string | undefined;
  enabled?: boolean | undefined;
  timezone?: string | undefined;
}

export interface Config {
  env: BantoEnv;
  databaseUrl: string;
  port: number;
  timezone: string;
  locale: 'ja' | 'en';
  logLevel: string;
  configPath: string;
  slack: {
    mode: SlackMode;
    botToken?: string | undefined;
    appToken?: string | undefined;
    signingSecret?: string | undefined;
    apiUrl?: string | undefined;
    /** Local mode only: how the emulator reaches Banto, Socket Mode (as the manifest) or signed HTTP. */
    localReceiver: 'socket' | 'http';
  };
  smtpUrl?: string | undefined;
  mailFrom: string;
  apiToken?: string | undefined;
  stripeWebhookSecret?: string | undefined;
  deepl?: { authKey: string; serverUrl?: string | undefined } | undefined;
  roles: Record<RoleName, RoleMembers>;
  channels: { billing: string; alerts: string };
  oncallUsergroup?: string | undefined;
  mail: MailSettings;
  schedules: Record<string, ScheduleOverride>;
  access: { usergroupCacheSeconds: number };
  jobs: { retentionDays: number };
  billing: { paymentDayRule: 'next' | 'previous'; schema: BillingSchema; anomalies: AnomalyRules };
}

/** YAML `mail:`; every key has a default, see config/banto.yml. */
export interface MailSettings {
  testRecipient: string;
  connections: number;
  ratePerSecond: number;
  batchSize: number;
  leaseSeconds: number;
  pollSeconds: number;
  retry: { maxAttempts: number; firstSeconds: number; maxSeconds: number };
  reminderOffsets: number[];
  upgradeUrl: string;
  alerts: { backlogMinutes: number; failurePercent: number; minAttempts: number };
  outputDir: string;
  templatesDir: string;
}

/** Thresholds of the billing anomaly rules (YAML `billing.anomalies`). */
export interface AnomalyRules {
  failed_rate: { enabled: boolean; max_percent: number; min_attempts: number };
  below_expected: { enabled: boolean; min_percent: number };
  no_payments: { enabled: boolean; hours: number };
  provider_total: { enabled: boolean };
  business_hours: { start: number; end: number };
}

export const defaultAnomalyRules: AnomalyRules = {
  failed_rate: { enabled: true, max_percent: 10, min_attempts: 20 },
  below_expected: { enabled: true, min_percent: 80 },
  no_payments: { enabled: true, hours: 3 },
  provider_total: { enabled: true },
  business_hours: { start: 9, end: 18 },
};

/** Where the web service keeps its billing data; defaults are the demo schema of DESIGN.md. */
export interface BillingSchema {
  payments: {
    table: string;
    id: string;
    user_id: string;
    subscription_id: string;
    amount: string;
    status: string;
    paid_at: string;
    due_date: string;
  };
  subscriptions: {
    table: string;
    id: string;
    user_id: string;
    plan: string;
    amount: string;
    status: string;
    next_payment_date: string;
  };
}

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

export class ConfigError extends BantoError {
  constructor(problems: readonly string[]) {
    super(
      'CONFIG_INVALID',
      `Banto cannot start: the configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      problems,
    );
    this.name = 'ConfigError';
  }
}

const optionalText = z.string().min(1).optional();
const zone = z
  .string()
  .refine((v) => IANAZone.isValidZone(v), 'unknown time zone (expected an IANA name like Asia/Tokyo)');

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .default('sqlite:var/banto.sqlite3')
    .refine(
      (v) => /^sqlite:.+/.test(v) || /^(mysql|mariadb):\/\/.+/.test(v),
      'expected mysql://user:pass@host:port/db or sqlite:PATH',
    ),
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'a bot token starts with xoxb-').optional(),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'an app-level token starts with xapp-').optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, 'too short to be a signing secret').optional(),
  SLACK_API_URL: z.url().optional(),
  BANTO_LOCAL_RECEIVER: z.enum(['socket', 'http']).default('socket'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  BANTO_CONFIG: z.string().default('config/banto.yml'),
  BANTO_ENV: z.enum(['development', 'staging', 'production']).default('development'),
  BANTO_TIMEZONE: zone.default('Asia/Tokyo'),
  BANTO_LOCALE: z.enum(['ja', 'en']).default('ja'),
  SMTP_URL: z.url().optional(),
  MAIL_FROM: optionalText,
  BANTO_API_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  STRIPE_WEBHOOK_SECRET: optionalText,
  DEEPL_AUTH_KEY: optionalText,
  DEEPL_SERVER_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'malformed user id (expected an id like U0123ABCD)');
const usergroupId = z.string().regex(/^S[A-Z0-9]{2,}$/, 'malformed user group id (expected an id like S0123ABCD)');
const channelId = z
  .string()
  .regex(/^[CG][A-Z0-9]{2,}$/, 'malformed channel id (expected an id like C0123ABCD, not a channel name)');
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a table or column name: letters, digits and _ only');
const role = z.strictObject({ users: z.array(userId).default([]), usergroups: z.array(usergroupId).default([]) });

const fileSchema = z.strictObject({
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
      }),
    )
    .default({}),
  access: z
    .strictObject({ usergroup_cache_seconds: z.number().int().min(0).default(60) })
    .default({ usergroup_cache_seconds: 60 }),
  jobs: z.strictObject({ retention_days: z.number().int().min(1).default(30) }).default({ retention_days: 30 }),
  billing: z
    .strictObject({
      /** A payment day on a weekend or Japanese holiday moves to the next (or previous) business day. */
      payment_day_rule: z.enum(['next', 'previous']).default('next'),
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
            })
            .partial()
            .default({}),
        })
        .default({ payments: {}, subscriptions: {} }),
    })
    .default({
      payment_day_rule: 'next',
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

function describeIssues(error: z.ZodError, prefix: string): string[] {
  return error.issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      const what = path === 'roles' ? `unknown role name (expected one of ${roleNames.join(', ')})` : 'unknown key';
      return issue.keys.map((key) => `${path ? `${path}.` : ''}${key}: ${what}`);
    }
    return [`${path || '(top level)'}: ${issue.message}`];
  });
}

/** Empty values count as unset, the way shells and .env files are usually written. */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
}

function readDotEnv(cwd: string): Record<string, string> {
  const path = resolve(cwd, '.env');
  return existsSync(path) ? withoutEmpty(parseEnv(readFileSync(path, 'utf8'))) : {};
}

function chooseSlackMode(env: z.infer<typeof envSchema>, problems: string[]): SlackMode {
  if (env.SLACK_APP_TOKEN) {
    if (!env.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: required for Socket Mode (SLACK_APP_TOKEN is set)');
    return 'socket';
  }
  if (env.SLACK_SIGNING_SECRET && env.SLACK_BOT_TOKEN) return 'http';
  if (env.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_BOT_TOKEN: required for HTTP mode (SLACK_SIGNING_SECRET is set)');
    return 'http';
  }
  if (env.SLACK_BOT_TOKEN) {
    problems.push(
      'SLACK_SIGNING_SECRET or SLACK_APP_TOKEN: one is required when SLACK_BOT_TOKEN is set (HTTP mode or Socket Mode)',
    );
    return 'http';
  }
  return 'local';
}

function readConfigFile(path: string, problems: string[]): unknown {
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

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Reads env (and `.env`, which the real environment overrides) and the YAML file; throws one ConfigError listing every problem. */
export function loadConfig({ env = process.env, cwd = process.cwd() }: LoadConfigOptions = {}): Config {
  const problems: string[] = [];
  const input = { ...readDotEnv(cwd), ...withoutEmpty(env) };
  const parsedEnv = envSchema.safeParse(input);
  if (!parsedEnv.success) problems.push(...describeIssues(parsedEnv.error, ''));
  // Keep checking the rest (the YAML file above all) with defaults in place of the bad values.
  const invalid = new Set(parsedEnv.error?.issues.map((issue) => issue.path[0]) ?? []);
  const e =
    parsedEnv.data ?? envSchema.parse(Object.fromEntries(Object.entries(input).filter(([key]) => !invalid.has(key))));
  const mode = chooseSlackMode(e, problems);
  if (mode === 'local' && e.BANTO_ENV === 'production') {
    problems.push(
      'SLACK_BOT_TOKEN: required when BANTO_ENV=production (local mode, with its Slack emulator, is for development)',
    );
  }

  const configPath = isAbsolute(e.BANTO_CONFIG) ? e.BANTO_CONFIG : resolve(cwd, e.BANTO_CONFIG);
  const raw = readConfigFile(configPath, problems);
  const parsedFile = raw === undefined ? undefined : fileSchema.safeParse(raw);
  if (parsedFile && !parsedFile.success) problems.push(...describeIssues(parsedFile.error, ''));
  if (problems.length > 0 || !parsedFile?.success) throw new ConfigError(problems);

  const file = parsedFile.data;
  const noMembers = (): RoleMembers => ({ users: [], usergroups: [] });
  return {
    env: e.BANTO_ENV,
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    timezone: e.BANTO_TIMEZONE,
    locale: e.BANTO_LOCALE,
    logLevel: e.LOG_LEVEL,
    configPath,
    slack: {
      mode,
      botToken: e.SLACK_BOT_TOKEN,
      appToken: e.SLACK_APP_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      apiUrl: e.SLACK_API_URL,
      localReceiver: e.BANTO_LOCAL_RECEIVER,
    },
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? 'Banto <no-reply@banto.local>',
    apiToken: e.BANTO_API_TOKEN,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    deepl: e.DEEPL_AUTH_KEY ? { authKey: e.DEEPL_AUTH_KEY, serverUrl: e.DEEPL_SERVER_URL } : undefined,
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
      schema: {
        payments: { ...defaultBillingSchema.payments, ...file.billing.schema.payments },
        subscriptions: { ...defaultBillingSchema.subscriptions, ...file.billing.schema.subscriptions },
      },
    },
  };
}
