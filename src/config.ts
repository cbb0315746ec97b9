import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { AnonymizeSettings, BackupSettings, DataSettings } from './config-data.js';
import type { SyncSource } from './services/sync/source.js';
import type { TranslateSettings } from './services/translate/index.js';
import type { Report } from './services/reports/definition.js';

export { ConfigError } from './errors.js';

// The only module that reads process.env: everything else receives a Config. It imports nothing heavy itself; the
// schemas (zod, yaml, luxon) are in config-load.ts, imported when a Config is loaded.

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
  billing: {
    paymentDayRule: 'next' | 'previous';
    schema: BillingSchema;
    anomalies: AnomalyRules;
    /** Billing rollups (YAML `billing.rollups`). */
    rollups: { lookbackDays: number; backfillDays: number };
    /** The payment provider's API (YAML `billing.provider`), when configured. */
    provider?: ProviderSettings | undefined;
  };
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
  /** YAML `reports:` and `config/reports/*.yml`: saved reports (services/reports). */
  reports: Report[];
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
    /** The column holding the payment provider's subscription id, if the web service keeps it (no default). */
    provider_subscription_id?: string | undefined;
  };
}

/** The payment provider's API; `apiKey` is read from the variable `apiKeyEnv` names, and without it the API is off. */
export interface ProviderSettings {
  apiKeyEnv: string;
  apiKey: string | undefined;
  apiUrl: string | undefined;
  timeoutMs: number;
  retries: number;
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Reads env (and `.env`, which the real environment overrides) and the YAML file; rejects with one ConfigError listing every problem. */
export async function loadConfig({ env = process.env, cwd = process.cwd() }: LoadConfigOptions = {}): Promise<Config> {
  return (await import('./config-load.js')).parseConfig({ env, cwd });
}

/** DEEPL_* and the YAML `translate:` section only (config-load.ts, parseTranslateSettings). */
export async function loadTranslateSettings({
  env = process.env,
  cwd = process.cwd(),
}: LoadConfigOptions = {}): Promise<TranslateSettings> {
  return (await import('./config-load.js')).parseTranslateSettings({ env, cwd });
}

/** What `banto env` needs of the shell it runs in. */
export interface ShellEnvironment {
  /** `$XDG_CONFIG_HOME`, else `~/.config`. */
  configHome: string;
  /** `$XDG_CACHE_HOME`, else `~/.cache`. */
  cacheHome: string;
  /** The profile the shell switched to last (`BANTO_PROFILE`), and the variables that switch set. */
  activeProfile: string | undefined;
  activeVars: string[];
  cwd: string;
}

export function readShellEnvironment(env = process.env, cwd = process.cwd()): ShellEnvironment {
  return {
    configHome: env.XDG_CONFIG_HOME || resolve(env.HOME || homedir(), '.config'),
    cacheHome: env.XDG_CACHE_HOME || resolve(env.HOME || homedir(), '.cache'),
    activeProfile: env.BANTO_PROFILE || undefined,
    activeVars: (env.BANTO_PROFILE_VARS ?? '').split(',').filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)),
    cwd,
  };
}
