import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../src/config.js';
import { parseConfig, parseTranslateSettings } from '../src/config-load.js';
import { demoConfigPath } from './helpers/banto.js';

const made: string[] = [];
const emptyDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'banto-config-'));
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function withYaml(yaml: string): string {
  const path = join(emptyDir(), 'banto.yml');
  writeFileSync(path, yaml);
  return path;
}

function problemsOf(env: Record<string, string>, cwd = emptyDir()): string[] {
  try {
    parseConfig({ env: { BANTO_CONFIG: demoConfigPath, ...env }, cwd });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /Banto cannot start/);
    return [...error.details];
  }
  assert.fail('expected a ConfigError');
}

const validYaml = `
roles:
  exec: { users: [U01EXEC] }
channels: { billing: C0BILLING, alerts: C0ALERTS }
`;

describe('loadConfig', () => {
  it('with nothing set runs local mode on the embedded database, in Tokyo, in Japanese', () => {
    const config = parseConfig({ env: { BANTO_CONFIG: demoConfigPath }, cwd: emptyDir() });
    assert.equal(config.slack.mode, 'local');
    assert.equal(config.databaseUrl, 'sqlite:var/banto.sqlite3');
    assert.equal(config.port, 3000);
    assert.equal(config.env, 'development');
    assert.equal(config.timezone, 'Asia/Tokyo');
    assert.equal(config.locale, 'ja');
    assert.deepEqual(config.roles.accounting, { users: ['U02ACCT'], usergroups: ['S0ACCT'] });
    assert.deepEqual(config.channels, { billing: 'C0BILLING', alerts: 'C0ALERTS' });
    assert.equal(config.oncallUsergroup, 'S0ONCALL');
    assert.equal(config.mail.testRecipient, 'developer@example.com');
  });

  it('chooses Socket Mode with an app token and HTTP mode with a signing secret', () => {
    const socket = parseConfig({
      env: { BANTO_CONFIG: demoConfigPath, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' },
      cwd: emptyDir(),
    });
    assert.equal(socket.slack.mode, 'socket');
    const http = parseConfig({
      env: { BANTO_CONFIG: demoConfigPath, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123456' },
      cwd: emptyDir(),
    });
    assert.equal(http.slack.mode, 'http');
  });

  it('names the missing token for the chosen mode', () => {
    assert.deepEqual(problemsOf({ SLACK_APP_TOKEN: 'xapp-1' }), [
      'SLACK_BOT_TOKEN: required for Socket Mode (SLACK_APP_TOKEN is set)',
    ]);
    assert.deepEqual(problemsOf({ SLACK_SIGNING_SECRET: 'secret-123456' }), [
      'SLACK_BOT_TOKEN: required for HTTP mode (SLACK_SIGNING_SECRET is set)',
    ]);
    assert.match(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1' })[0] ?? '', /^SLACK_SIGNING_SECRET or SLACK_APP_TOKEN: /);
  });

  it('names an unknown role and a malformed channel id, and lists every problem at once', () => {
    const path = withYaml(`
roles:
  boss: { users: [U01] }
  exec: { users: [sato] }
channels: { billing: "#billing", alerts: C0ALERTS }
`);
    const problems = problemsOf({ BANTO_CONFIG: path, BANTO_TIMEZONE: 'Mars/Olympus', PORT: 'eighty' });
    assert.deepEqual(problems.sort(), [
      'BANTO_TIMEZONE: unknown time zone (expected an IANA name like Asia/Tokyo)',
      'PORT: Invalid input: expected number, received NaN',
      'channels.billing: malformed channel id (expected an id like C0123ABCD, not a channel name)',
      'roles.boss: unknown role name (expected one of exec, accounting, clerk, engineer)',
      'roles.exec.users.0: malformed user id (expected an id like U0123ABCD)',
    ]);
  });

  it('reports a missing config file, invalid YAML and a missing channel', () => {
    assert.deepEqual(problemsOf({ BANTO_CONFIG: '/nonexistent/banto.yml' }), [
      'BANTO_CONFIG: file not found: /nonexistent/banto.yml',
    ]);
    assert.match(
      problemsOf({ BANTO_CONFIG: withYaml('roles: [unclosed') })[0] ?? '',
      /^BANTO_CONFIG: .* is not valid YAML/,
    );
    assert.deepEqual(problemsOf({ BANTO_CONFIG: withYaml('channels: { billing: C0BILLING }') }), [
      'channels.alerts: Invalid input: expected string, received undefined',
    ]);
  });

  it('reads .env, lets the real environment win, and treats empty values as unset', () => {
    const dir = emptyDir();
    writeFileSync(
      join(dir, '.env'),
      `BANTO_CONFIG=${withYaml(validYaml)}\nBANTO_LOCALE=en\nPORT=4000\nSLACK_BOT_TOKEN=\n`,
    );
    const config = parseConfig({ env: { PORT: '5000' }, cwd: dir });
    assert.equal(config.locale, 'en');
    assert.equal(config.port, 5000);
    assert.equal(config.slack.mode, 'local');
    assert.deepEqual(config.roles.clerk, { users: [], usergroups: [] });
  });

  it('validates schedule overrides: a bad cron expression and a bad zone name the key', () => {
    const path = withYaml(
      `${validYaml}schedules:\n  prune-job-runs: { cron: "61 * * * *", timezone: Mars/Base }\n  nightly: { cron: "0 3 * *" }\n`,
    );
    assert.deepEqual(problemsOf({ BANTO_CONFIG: path }).sort(), [
      'schedules.nightly.cron: not a cron expression: expected 5 fields (or 6 with seconds), got 4',
      'schedules.prune-job-runs.cron: not a cron expression: Constraint error, got value 61 expected range 0-59',
      'schedules.prune-job-runs.timezone: unknown time zone (expected an IANA name like Asia/Tokyo)',
    ]);
  });

  it('refuses local mode in production', () => {
    assert.deepEqual(problemsOf({ BANTO_ENV: 'production' }), [
      'SLACK_BOT_TOKEN: required when BANTO_ENV=production (local mode, with its Slack emulator, is for development)',
    ]);
  });

  it('rejects a database URL of another kind', () => {
    assert.deepEqual(problemsOf({ DATABASE_URL: 'postgres://x@y/z' }), [
      'DATABASE_URL: expected mysql://user:pass@host:port/db or sqlite:PATH',
    ]);
  });

  it('reads a sync source with its defaults, and its secret from the variable the file names', () => {
    const path = withYaml(`${validYaml}sync:
  sources:
    crm:
      url: https://partner.example/api/customers
      auth: { prefix: "Bearer ", secret_env: CRM_API_TOKEN }
      key: id
      fields:
        id: { type: string, max: 64 }
        updated_at: { type: datetime }
      updated_at_field: updated_at
`);
    const config = parseConfig({ env: { BANTO_CONFIG: path, CRM_API_TOKEN: 's3cret' }, cwd: emptyDir() });
    const [crm] = config.sync.sources;
    assert.equal(crm?.table, 'banto_sync_crm');
    assert.deepEqual(crm?.auth, { header: 'Authorization', value: 'Bearer s3cret' });
    assert.deepEqual(
      [crm?.cron, crm?.pageSize, crm?.timeout.as('seconds'), crm?.alertAfterFailures],
      ['0 */15 * * * *', 100, 10, 2],
    );
    assert.deepEqual(crm?.cursor, { param: 'cursor', from: 'next_cursor', hasMore: 'has_more' });
  });

  it('names every problem of a sync source: missing secret, a key that is no field, a bad URL and type', () => {
    const path = withYaml(`${validYaml}sync:
  sources:
    crm:
      url: ftp://partner.example/list
      auth: { secret_env: CRM_API_TOKEN }
      key: customer_id
      fields: { id: { type: float } }
    ads:
      url: https://ads.example/v1/items
      auth: { secret_env: ADS_TOKEN }
      key: id
      fields: { id: { type: string }, seen: { type: date } }
      updated_at_field: seen
    crm2:
      url: https://partner.example/list
      key: customer_id
      fields: { id: { type: string } }
`);
    assert.deepEqual(problemsOf({ BANTO_CONFIG: path }).sort(), [
      'sync.sources.ads.updated_at_field: must name a field of type datetime',
      'sync.sources.crm.fields.id.type: Invalid option: expected one of "string"|"text"|"integer"|"boolean"|"datetime"|"date"',
      'sync.sources.crm.url: Invalid URL',
      'sync.sources.crm2.key: not one of the fields',
    ]);
    const secrets = withYaml(`${validYaml}sync:
  sources:
    ads:
      url: https://ads.example/v1/items
      auth: { secret_env: ADS_TOKEN }
      key: id
      fields: { id: { type: string } }
`);
    assert.deepEqual(problemsOf({ BANTO_CONFIG: secrets }), [
      'sync.sources.ads.auth.secret_env: ADS_TOKEN is not set in the environment',
    ]);
  });
});

describe('billing.provider', () => {
  const yaml = (provider: string) => withYaml(`${validYaml}billing:\n  provider: ${provider}\n`);

  it('reads the key from the variable the file names, with the stated timeout and retries', () => {
    const path = yaml('{ api_key_env: PAY_KEY, api_url: "http://127.0.0.1:12111", timeout_seconds: 5 }');
    const config = parseConfig({ env: { BANTO_CONFIG: path, PAY_KEY: 'sk_test_1' }, cwd: emptyDir() });
    assert.deepEqual(config.billing.provider, {
      apiKeyEnv: 'PAY_KEY',
      apiKey: 'sk_test_1',
      apiUrl: 'http://127.0.0.1:12111',
      timeoutMs: 5000,
      retries: 2,
    });
    const none = parseConfig({ env: { BANTO_CONFIG: withYaml(validYaml) }, cwd: emptyDir() });
    assert.equal(none.billing.provider, undefined);
  });

  it('names a missing key, a live key outside production and a bad variable name', () => {
    assert.deepEqual(problemsOf({ BANTO_CONFIG: yaml('{}') }), [
      'billing.provider.api_key_env: STRIPE_SECRET_KEY is not set in the environment',
    ]);
    assert.deepEqual(problemsOf({ BANTO_CONFIG: yaml('{}'), STRIPE_SECRET_KEY: 'sk_live_abc' }), [
      'billing.provider.api_key_env: STRIPE_SECRET_KEY holds a live key; BANTO_ENV=development takes only a test key (sk_test_…)',
    ]);
    assert.deepEqual(problemsOf({ BANTO_CONFIG: yaml('{ api_key_env: stripe-key, retries: 9 }') }), [
      'billing.provider.api_key_env: the name of an environment variable, e.g. STRIPE_SECRET_KEY',
      'billing.provider.retries: Too big: expected number to be <=5',
    ]);
  });
});

describe('loadTranslateSettings', () => {
  it('reads DEEPL_* and the translate section; works where there is no config file', () => {
    const yaml = withYaml(`${validYaml}translate: { formality: less, glossaries: { ja-en: abcdef12-3456 } }\n`);
    assert.deepEqual(parseTranslateSettings({ env: { BANTO_CONFIG: yaml, DEEPL_AUTH_KEY: 'k:fx' }, cwd: emptyDir() }), {
      authKey: 'k:fx',
      serverUrl: undefined,
      formality: 'less',
      glossaries: { 'ja-en': 'abcdef12-3456' },
    });
    assert.deepEqual(parseTranslateSettings({ env: {}, cwd: emptyDir() }), {
      authKey: undefined,
      serverUrl: undefined,
      formality: 'prefer_more',
      glossaries: {},
    });
    // The whole config names the same mistakes.
    assert.deepEqual(problemsOf({ BANTO_CONFIG: withYaml(`${validYaml}translate: { glossaries: { en-fr: x } }\n`) }), [
      'translate.glossaries.en-fr: unknown key',
    ]);
  });

  it('names a bad key, a bad glossary id and a bad server URL at once', () => {
    const yaml = withYaml('translate: { formality: polite, glossaries: { en-ja: "a b" } }\n');
    assert.throws(
      () => parseTranslateSettings({ env: { BANTO_CONFIG: yaml, DEEPL_SERVER_URL: 'not a url' }, cwd: emptyDir() }),
      (error: unknown) => error instanceof ConfigError && /DEEPL_SERVER_URL/.test(error.message),
    );
    assert.throws(
      () => parseTranslateSettings({ env: { BANTO_CONFIG: yaml }, cwd: emptyDir() }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.details.some((d) => d.startsWith('translate.formality:')) &&
        error.details.some((d) => d.startsWith('translate.glossaries.en-ja:')),
    );
  });
});
