import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startSlackEmulator } from '../src/local/emulator.js';
import { startPartnerApi } from '../src/local/partner-api.js';
import { demoWorkspace } from '../src/local/workspace.js';
import { demoConfigPath, demoConfigWithSchedules, repoRoot } from './helpers/banto.js';
import { cleanEnv } from './helpers/process.js';
import { waitFor } from './helpers/wait.js';

const bin = join(repoRoot, 'bin/banto.js');
const dir = mkdtempSync(join(tmpdir(), 'banto-cli-'));
const databaseUrl = `sqlite:${join(dir, 'cli.sqlite3')}`;

/** The caller's environment without its Slack mode or database, on this file's database. */
const cliEnv = (extra: Record<string, string>) => cleanEnv({ DATABASE_URL: databaseUrl, ...extra });

function banto(args: string[], extra: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    env: cliEnv(extra),
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** As banto() but without blocking this process, so a Slack emulator in it can answer the CLI. */
function bantoAsync(args: string[], extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: cliEnv(extra) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('the banto command', () => {
  it('migrates, seeds and reports payments from the terminal', () => {
    const migrate = banto(['db', 'migrate']);
    assert.equal(migrate.status, 0, migrate.stderr);
    assert.match(
      migrate.stdout,
      /migrated: 0001_business_schema, 0002_banto_audit, 0003_banto_job_runs_and_alerts, 0004_payments_by_subscription, 0005_banto_provider_totals, 0006_banto_mail, 0007_banto_job_effects, 0008_banto_sync, 0009_banto_provider_events, 0010_banto_dev_refresh, 0011_banto_help_requests, 0012_banto_help_request_progress, 0013_banto_home_views, 0014_banto_payment_days, 0015_banto_payment_today/,
    );
    assert.match(banto(['db', 'migrate']).stdout, /already up to date/);
    const seed = banto(['db', 'seed', '--users', '200']);
    assert.equal(seed.status, 0, seed.stderr);
    assert.match(seed.stdout, /seeded: 200 users, \d+ subscriptions, \d+ payments, 12 articles/);
    const again = banto(['db', 'seed']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already hold data.*\[SEED_NOT_EMPTY\]/);
    const payments = banto(['payments', 'today'], { BANTO_LOCALE: 'en' });
    assert.equal(payments.status, 0, payments.stderr);
    assert.match(
      payments.stdout,
      /^payments \d{4}-\d{2}-\d{2}\n\npayments +count +amount\nsucceeded +[\d,]+ +¥[\d,]+\n/,
    );
  });

  it('rebuilds the billing rollups; the summaries read from them are the figures read live before', () => {
    const live = banto(['payments', 'yesterday', '--json']);
    assert.equal(live.status, 0, live.stderr);
    const rebuild = banto(['billing', 'rebuild']);
    assert.equal(rebuild.status, 0, rebuild.stderr);
    assert.match(rebuild.stdout, /^rolled up \d+ days; \d+ subscriptions' first payments\n$/);
    const rolled = banto(['payments', 'yesterday', '--json']);
    assert.deepEqual(JSON.parse(rolled.stdout), JSON.parse(live.stdout));
    const bad = banto(['billing', 'rebuild', '--from', '2026-13-01']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--from: a day as YYYY-MM-DD, not "2026-13-01" \[USAGE\]/);
  });

  it("shows today's mail by state, as a table or as JSON", () => {
    const table = banto(['mail', 'status']);
    assert.equal(table.status, 0, table.stderr);
    assert.match(
      table.stdout,
      /\n\nstate +messages\nqueued +\d+\nsending +\d+\nsent +\d+\nfailed +\d+\ncancelled +\d+\n\n/,
    );
    const json = banto(['mail', 'status', '--json']);
    const status = JSON.parse(json.stdout) as { counts: Record<string, number>; from: string; to: string };
    assert.deepEqual(Object.keys(status.counts), ['queued', 'sending', 'sent', 'failed', 'cancelled']);
    assert.match(status.from, /^\d{4}-\d{2}-\d{2}T00:00:00\.000\+09:00$/);
  });

  it('backs the database up, lists, verifies and prunes its backups (dry run first)', () => {
    const config = join(dir, 'backup.yml');
    writeFileSync(
      config,
      readFileSync(demoConfigPath, 'utf8').replace(/^ {2}dir: var\/backups$/m, `  dir: ${join(dir, 'backups')}`),
    );
    const env = { BANTO_CONFIG: config, BANTO_LOCALE: 'en' };
    const made = banto(['backup', 'run'], env);
    assert.equal(made.status, 0, made.stderr);
    assert.match(
      made.stdout,
      /^Backup made: (banto-cli-\d{8}T\d{9}Z\.sqlite3\.gz) \([\d.]+ KB, \d+ tables, [\d,]+ rows, /,
    );
    const file = /(banto-cli-\S+\.sqlite3\.gz)/.exec(made.stdout)![1]!;
    const verified = banto(['backup', 'verify'], env);
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stdout, new RegExp(`Backup ${file} verified`));
    const listed = banto(['backup', 'list'], env);
    assert.match(listed.stdout, new RegExp(`${file} .* verified .*newest, newest verified`));
    const pruned = banto(['backup', 'prune', '--dry-run'], env);
    assert.equal(pruned.status, 0, pruned.stderr);
    assert.match(pruned.stdout, /^Prune \(dry run, nothing changed\): 0 backups \(0 B\) would be deleted; 1 kept\./);
    const missing = banto(['backup', 'verify', 'nope.sqlite3.gz'], env);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no backup named nope\.sqlite3\.gz .*\[BACKUP_NOT_FOUND\]/);
  });

  it('lists the jobs and runs one by name, recorded as started from the CLI', () => {
    const list = banto(['jobs', 'list'], { BANTO_LOCALE: 'en' });
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^job +schedule +last run +status +took +started by +next run +does\n/);
    assert.match(
      list.stdout,
      /\nprune-job-runs +0 30 3 \* \* \* +- +never run +- +- +\d{4}-\d{2}-\d{2} 03:30 +deletes job runs/,
    );
    assert.match(list.stdout, /\ntimes in Asia\/Tokyo\n$/);
    const run = banto(['jobs', 'run', 'prune-job-runs']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      /^prune-job-runs: succeeded after 1 attempt in \d+\.\d s — deleted 0 runs and 0 resolved alerts older than 30 days\n$/,
    );
    assert.match(
      banto(['jobs', 'list'], { BANTO_LOCALE: 'en' }).stdout,
      /\nprune-job-runs +0 30 3 \* \* \* +\d{4}-\d{2}-\d{2} \d\d:\d\d +succeeded +\d+ ms +cli:/,
    );
    const unknown = banto(['jobs', 'run', 'nope']);
    assert.equal(unknown.status, 2);
    assert.match(
      unknown.stderr,
      /no job named "nope"; known: billing-daily-summary, billing-rollups, billing-anomalies, prune-job-runs, mail-payment-reminders, mail-article-digest, mail-outbox-health, provider-events, backup, backup-prune, backup-verify, refresh-homes, post-help-requests \[UNKNOWN_JOB\]/,
    );
  });

  it('syncs a partner source by name and shows its status; a failed run exits 1, an unknown source 2', async () => {
    const partner = await startPartnerApi({ token: 'cli-partner-token' });
    after(() => partner.close());
    for (const id of ['a', 'b', 'c']) partner.put({ id, updated_at: new Date().toISOString() });
    const config = join(dir, 'sync.yml');
    writeFileSync(
      config,
      `${readFileSync(demoConfigPath, 'utf8')}
sync:
  sources:
    crm:
      url: ${partner.url}
      auth: { prefix: "Bearer ", secret_env: CRM_TOKEN }
      key: id
      fields: { id: { type: string }, updated_at: { type: datetime } }
`,
    );
    const env = { BANTO_CONFIG: config, CRM_TOKEN: 'cli-partner-token', BANTO_LOCALE: 'en' };
    const run = await bantoAsync(['sync', 'run', 'crm'], env);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^crm: succeeded in \d+\.\d s — 1 pages, 3 fetched, 3 inserted, 0 updated, 0 skipped\n$/);
    const status = await bantoAsync(['sync', 'status'], env);
    assert.equal(status.status, 0, status.stderr);
    assert.match(
      status.stdout,
      /^source +health +last success +lag +allowed +failures in a row +next run +synced today\n/,
    );
    assert.match(
      status.stdout,
      /\ncrm +healthy +\d{4}-\d{2}-\d{2} \d\d:\d\d +- +120 min +0 +\d{4}-\d{2}-\d{2} \d\d:\d\d +3\n/,
    );

    partner.failNext({ status: 500 });
    const failed = await bantoAsync(['sync', 'run', 'crm'], env);
    assert.equal(failed.status, 1);
    assert.match(
      failed.stdout,
      /^crm: failed in \d+\.\d s — failed \(http_5xx\): HTTP 500 from 127\.0\.0\.1:\d+\/customers/,
    );
    const unknown = await bantoAsync(['sync', 'run', 'nope'], env);
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr, 'banto: no sync source named "nope"; known: crm\n');
    const noSecret = await bantoAsync(['sync', 'status'], { BANTO_CONFIG: config });
    assert.equal(noSecret.status, 2);
    assert.match(noSecret.stderr, /sync\.sources\.crm\.auth\.secret_env: CRM_TOKEN is not set in the environment/);
    assert.doesNotMatch(run.stdout + run.stderr + status.stdout, /cli-partner-token/, 'the secret is never printed');
  });

  /** The demo config, with the daily summary retried twice, one second apart. */
  const quickRetries = () => {
    const config = demoConfigWithSchedules('  billing-daily-summary: { retry: { attempts: 2, backoff_seconds: 1 } }');
    after(() => config.remove());
    return config.path;
  };
  const slackEnv = (apiUrl: string) => ({
    BANTO_CONFIG: quickRetries(),
    SLACK_BOT_TOKEN: 'xoxb-cli-test',
    SLACK_SIGNING_SECRET: 'cli-test-signing-secret-0123',
    SLACK_API_URL: apiUrl,
    BANTO_LOCALE: 'en',
  });

  it('with Slack away, prints each failed attempt and the wait, gives up within the retry policy and exits 1', async () => {
    // Nothing listens on port 9 of loopback: every Web API call is refused.
    const run = await bantoAsync(['jobs', 'run', 'billing-daily-summary'], slackEnv('http://127.0.0.1:9/api/'));
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2, run.stdout);
    assert.match(lines[0]!, /^billing-daily-summary: attempt 1 failed — .+; next attempt in 1 s$/);
    assert.match(lines[1]!, /^billing-daily-summary: failed after 2 attempts in \d+\.\d s — .+/);
    assert.match(
      banto(['jobs', 'list'], { BANTO_LOCALE: 'en' }).stdout,
      /\nbilling-daily-summary +0 0 9 \* \* \* +\d{4}-\d{2}-\d{2} \d\d:\d\d +failed /,
    );
  });

  it('knows the bot from auth.test: a member of the billing channel, so the run posts and raises no alert', async () => {
    const emulator = await startSlackEmulator({ workspace: demoWorkspace, signingSecret: 'unused-here-0123456789' });
    try {
      const run = await bantoAsync(['jobs', 'run', 'billing-daily-summary'], slackEnv(emulator.apiUrl));
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /^billing-daily-summary: succeeded after 1 attempt/);
      assert.equal(emulator.callsTo('auth.test').length, 1);
      const channels = emulator.callsTo('chat.postMessage').map((c) => c.args.channel);
      assert.ok(channels.includes('C0BILLING'), 'the summary is posted');
      assert.ok(!channels.includes('C0ALERTS'), 'and no alert about outsiders in the billing channel');
    } finally {
      await emulator.stop();
    }
  });

  it('stops at start with one message naming every bad config key', () => {
    const yaml = join(dir, 'bad.yml');
    writeFileSync(yaml, 'roles:\n  boss: { users: [U1] }\nchannels: { billing: billing, alerts: C0ALERTS }\n');
    const result = banto(['start'], { BANTO_CONFIG: yaml, SLACK_SIGNING_SECRET: 'secret-123456' });
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /Banto cannot start: the configuration has 3 problem\(s\)/);
    assert.match(result.stderr, /SLACK_BOT_TOKEN: required for HTTP mode/);
    assert.match(result.stderr, /roles\.boss: unknown role name/);
    assert.match(result.stderr, /channels\.billing: malformed channel id/);
  });

  it('says which port is taken instead of crashing', async () => {
    const { createServer } = await import('node:net');
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as { port: number }).port;
    const result = banto(['start'], { PORT: String(port) });
    holder.close();
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      new RegExp(`port ${port} on 127.0.0.1 is already in use; set PORT to a free one \\[PORT_IN_USE\\]`),
    );
  });

  it('prints usage for an unknown command', () => {
    const result = banto(['frobnicate']);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /unknown command 'frobnicate'/);
  });
});

describe('banto start (what npm start runs)', () => {
  it('reaches ready in local mode on an empty embedded database, seeds it, serves /healthz and stops on SIGTERM', async () => {
    const fresh = `sqlite:${join(dir, 'fresh', 'banto.sqlite3')}`;
    const child = spawn(process.execPath, [bin, 'start'], {
      cwd: repoRoot,
      env: cleanEnv({ DATABASE_URL: fresh, PORT: '0', LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitFor(
      'Banto to say it is ready',
      () => {
        if (child.exitCode !== null) assert.fail(`exited before ready: ${out}\n${err}`);
        return /Banto ready in local mode on (\S+)/.test(out);
      },
      60_000,
    );
    const url = /Banto ready in local mode on (\S+)/.exec(out)![1];
    assert.match(err, /"users":3000.*seeded the empty embedded database with demo data/);
    assert.match(out, /Slack emulator at http:\/\/127\.0\.0\.1:\d+\/api\//);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { mode: string }).mode, 'local');
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
