import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { fileSchema, readConfigFile, toFileSettings, zone } from './config-file.js';
import { toProviderSettings } from './config-provider.js';
import { toDataSettings } from './config-data.js';
import { toSyncSources } from './config-sync.js';
import { translateSchema, type TranslateFileSettings } from './config-translate.js';
import { roleNames, type Config, type SlackMode } from './config.js';
import { ConfigError } from './errors.js';
import type { TranslateSettings } from './services/translate/index.js';
import { reportSchema, type Report } from './services/reports/definition.js';

// The schemas of the environment and of the YAML file, and the Config they make. Imported by config.ts only when
// a Config is loaded, so that a command that needs none (`banto env`, `--help`) never pays for zod and yaml.

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

function withProvider<T extends { billing: Config['billing'] }>(
  settings: T,
  provider: Config['billing']['provider'],
): T {
  return { ...settings, billing: { ...settings.billing, provider } };
}

/** `reports:` and every `*.yml` of `reports_dir` (one report each); a name used twice is a problem. */
function readReports(file: z.infer<typeof fileSchema>, cwd: string, problems: string[]): Report[] {
  const reports = [...file.reports];
  const dir = isAbsolute(file.reports_dir) ? file.reports_dir : resolve(cwd, file.reports_dir);
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => /\.ya?ml$/.test(n))
        .sort()
    : [];
  for (const name of names) {
    const path = join(dir, name);
    const raw = readConfigFile(path, problems);
    if (raw === undefined) continue;
    const parsed = reportSchema.safeParse(raw);
    if (parsed.success) reports.push(parsed.data);
    else problems.push(...describeIssues(parsed.error, path));
  }
  const seen = new Set<string>();
  for (const report of reports) {
    if (seen.has(report.name)) problems.push(`reports: the name ${report.name} is used twice`);
    seen.add(report.name);
  }
  return reports;
}

/**
 * The Config from an environment (with `.env` in `cwd`, which the given environment overrides) and the YAML
 * file; throws one ConfigError listing every problem. Pure: config.ts hands it process.env.
 */
export function parseConfig({ env, cwd }: { env: Record<string, string | undefined>; cwd: string }): Config {
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
  const reports = parsedFile?.success ? readReports(parsedFile.data, cwd, problems) : [];
  const provider = parsedFile?.success
    ? toProviderSettings(parsedFile.data.billing.provider, input, e.BANTO_ENV, problems)
    : undefined;
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
    ...withProvider(toFileSettings(file, cwd), provider),
    sync: { sources },
    // Local mode's data is the demo's: its development copy may use a known key for fakes.
    ...toDataSettings(
      file,
      mode === 'local' ? { BANTO_ANONYMIZE_SECRET: 'banto-local-demo', ...input } : input,
      e.DATABASE_URL,
      cwd,
    ),
    demoPartner: e.BANTO_DEMO_PARTNER,
    reports,
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
export function parseTranslateSettings({
  env,
  cwd,
}: {
  env: Record<string, string | undefined>;
  cwd: string;
}): TranslateSettings {
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
