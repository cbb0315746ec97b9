import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { ConfigError } from './errors.js';

export { ConfigError } from './errors.js';
import { fileSchema, readConfigFile, roleNames, toFileSettings, zone } from './config-file.js';
import { toDataSettings, type AnonymizeSettings, type BackupSettings, type DataSettings } from './config-data.js';
import { toSyncSources } from './config-sync.js';
import type { SyncSource } from './services/sync/source.js';
import type { TranslateSettings } from './services/translate/index.js';
import { translateSchema, type TranslateFileSettings } from './config-translate.js';

// The only module that reads process.env: everything else receives a Config.

export { defaultBillingSchema, roleNames } from './config-file.js';
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
  /** Attempts in all, and the first wait between them (it doubles after each failure). */
  retry?: { attempts: number; backoff_seconds: number } | undefined;
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
  /** DEEPL_AUTH_KEY and DEEPL_SERVER_URL with YAML `translate`. */
  translate: TranslateSettings;
  roles: Record<RoleName, RoleMembers>;
  channels: { billing: string; alerts: string };
  oncallUsergroup?: string | undefined;
  mail: MailSettings;
  schedules: Record<string, ScheduleOverride>;
  access: { usergroupCacheSeconds: number };
  jobs: { retentionDays: number };
  billing: { paymentDayRule: 'next' | 'previous'; schema: BillingSchema; anomalies: AnomalyRules };
  /** YAML `sync.sources`: partner systems polled on a schedule, secrets already read from the environment. */
  sync: { sources: SyncSource[] };
  /** YAML `data`: the production and development connections of data operations, and what must never be written. */
  data: DataSettings;
  /** YAML `backup`: where backups go and how long they stay. */
  backup: BackupSettings;
  /** YAML `anonymize`: the rules file of the development refresh, and the fakes' secret. */
  anonymize: AnonymizeSettings;
  /** Local mode's demo partner (BANTO_DEMO_PARTNER): answering, failing with 503s, or not started. */
  demoPartner: 'up' | 'down' | 'off';
  /**
   * The `banto env` profile the shell is in (BANTO_PROFILE, set by `banto env use`). On a production profile the
   * CLI reads its database read-only, and a command that writes asks for the profile's name to be typed, unless
   * `--yes` comes with BANTO_ALLOW_PROD_WRITES=1.
   */
  profile: { name: string | undefined; production: boolean; allowProductionWrites: boolean };
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

/** Where the web service keeps its billing data; defaults are the demo schema (migrations/0001_business_schema.ts). */
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
    /** The column holding the payment provider's charge id, if the web service keeps it (no default). */
    provider_charge_id?: string | undefined;
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

const optionalText = z.string().min(1).optional();

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
  BANTO_DEMO_PARTNER: z.enum(['up', 'down', 'off']).default('up'),
  BANTO_PROFILE: optionalText,
  BANTO_PROFILE_PRODUCTION: z.enum(['1']).optional(),
  BANTO_ALLOW_PROD_WRITES: z.enum(['1']).optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
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
  const sources = parsedFile?.success ? toSyncSources(parsedFile.data.sync, input, problems) : [];
  if (problems.length > 0 || !parsedFile?.success) throw new ConfigError(problems);

  const file = parsedFile.data;
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
    translate: toTranslateSettings(file.translate, e),
    ...toFileSettings(file, cwd),
    sync: { sources },
    // Local mode's data is the demo's: its development copy may use a known key for fakes.
    ...toDataSettings(
      file,
      mode === 'local' ? { BANTO_ANONYMIZE_SECRET: 'banto-local-demo', ...input } : input,
      e.DATABASE_URL,
      cwd,
    ),
    demoPartner: e.BANTO_DEMO_PARTNER,
    profile: {
      name: e.BANTO_PROFILE,
      production: e.BANTO_PROFILE_PRODUCTION === '1',
      allowProductionWrites: e.BANTO_ALLOW_PROD_WRITES === '1',
    },
  };
}

const translateEnvSchema = envSchema.pick({ DEEPL_AUTH_KEY: true, DEEPL_SERVER_URL: true, BANTO_CONFIG: true });

function toTranslateSettings(
  file: TranslateFileSettings,
  env: { DEEPL_AUTH_KEY?: string | undefined; DEEPL_SERVER_URL?: string | undefined },
): TranslateSettings {
  return { authKey: env.DEEPL_AUTH_KEY, serverUrl: env.DEEPL_SERVER_URL, ...file };
}

/**
 * What `banto translate` needs, and no more: DEEPL_* and, when the YAML file exists, its `translate:` section. An
 * engineer translates from any folder, where Banto's whole config (channels, roles) is not at hand.
 */
export function loadTranslateSettings({
  env = process.env,
  cwd = process.cwd(),
}: LoadConfigOptions = {}): TranslateSettings {
  const problems: string[] = [];
  const parsedEnv = translateEnvSchema.safeParse({ ...readDotEnv(cwd), ...withoutEmpty(env) });
  if (!parsedEnv.success) throw new ConfigError(describeIssues(parsedEnv.error, ''));
  const path = resolve(cwd, parsedEnv.data.BANTO_CONFIG);
  const raw = existsSync(path) ? readConfigFile(path, problems) : {};
  const section = translateSchema.safeParse((raw as { translate?: unknown } | undefined)?.translate);
  if (!section.success) problems.push(...describeIssues(section.error, 'translate'));
  if (problems.length > 0 || !section.success) throw new ConfigError(problems);
  return toTranslateSettings(section.data, parsedEnv.data);
}

/** What `banto env` needs of the shell it runs in. */
export interface ShellEnvironment {
  /** `$XDG_CONFIG_HOME`, else `~/.config`. */
  configHome: string;
  /** The profile the shell switched to last (`BANTO_PROFILE`), and the variables that switch set. */
  activeProfile: string | undefined;
  activeVars: string[];
  cwd: string;
}

export function readShellEnvironment(env = process.env, cwd = process.cwd()): ShellEnvironment {
  return {
    configHome: env.XDG_CONFIG_HOME || resolve(env.HOME || homedir(), '.config'),
    activeProfile: env.BANTO_PROFILE || undefined,
    activeVars: (env.BANTO_PROFILE_VARS ?? '').split(',').filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)),
    cwd,
  };
}
