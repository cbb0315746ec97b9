import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from './helpers/banto.js';

const bin = join(repoRoot, 'bin/banto.js');
const home = mkdtempSync(join(tmpdir(), 'banto-env-'));
const project = join(home, 'project');
const configHome = join(home, 'config');
after(() => rmSync(home, { recursive: true, force: true }));

mkdirSync(join(project, '.banto'), { recursive: true });
mkdirSync(join(configHome, 'banto'), { recursive: true });
writeFileSync(join(home, 'db-password'), "s3cr'et $HOME\n");
// The project's file is shared in the repository: names and places, no secrets.
writeFileSync(
  join(project, '.banto/profiles.yml'),
  [
    'profiles:',
    '  acme/dev:',
    '    env: { GOOGLE_CLOUD_PROJECT: acme-dev, CLOUDSDK_COMPUTE_REGION: asia-northeast1, DATABASE_URL: "sqlite:var/dev.sqlite3" }',
    '  acme/prod:',
    '    production: true',
    '    env: { GOOGLE_CLOUD_PROJECT: acme-prod, DB_PASSWORD: { secret: { command: "printf \'%s\' prod-from-command" } } }',
    '',
  ].join('\n'),
);
// The user's own file adds what is theirs, secrets by reference or in their own file.
writeFileSync(
  join(configHome, 'banto/profiles.yml'),
  [
    'profiles:',
    '  acme/dev:',
    `    env: { DB_PASSWORD: { secret: { file: ${JSON.stringify(join(home, 'db-password'))} } }, API_TOKEN: plain-but-mine, NOTE: "日本語 と 'quotes' \\"double\\" $x \`tick\`" }`,
    '',
  ].join('\n'),
);

/** The compiled CLI in the project folder, with the shell's environment as given. */
function banto(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    cwd: project,
    env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: configHome, ...env },
    encoding: 'utf8',
  });
}

/** Runs `eval "$(banto env use NAME)"` in a real bash, then prints the variables asked for, one a line, NUL-ended. */
function bashAfterUse(script: string, names: string[], env: Record<string, string> = {}) {
  const print = names.map((n) => `printf '%s\\0' "\${${n}-<unset>}"`).join('; ');
  const run = spawnSync('bash', ['-c', `${script}; ${print}`], {
    cwd: project,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      XDG_CONFIG_HOME: configHome,
      BANTO: `${process.execPath} ${bin}`,
      ...env,
    },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\0').slice(0, names.length);
}

describe('banto env: named profiles', () => {
  it('lists the project and user profiles merged, and shows one with its secrets masked', () => {
    const list = banto(['env', 'list'], { BANTO_PROFILE: 'acme/dev' });
    assert.equal(list.status, 0, list.stderr);
    assert.equal(list.stdout, '* acme/dev\n  acme/prod  (production)\n');
    const show = banto(['env', 'show', 'acme/dev']);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /GOOGLE_CLOUD_PROJECT=acme-dev/);
    assert.match(show.stdout, /DB_PASSWORD=\(secret from file .*db-password\)/);
    assert.match(show.stdout, /API_TOKEN=\*{8}/);
    assert.doesNotMatch(show.stdout, /s3cr|plain-but-mine/);
  });

  it('use prints shell code that sets the profile exactly, secrets read at use; switching unsets the last one', () => {
    const names = [
      'GOOGLE_CLOUD_PROJECT',
      'DB_PASSWORD',
      'NOTE',
      'CLOUDSDK_COMPUTE_REGION',
      'BANTO_PROFILE',
      'BANTO_PROFILE_PRODUCTION',
    ];
    const dev = bashAfterUse('eval "$($BANTO env use acme/dev)"', names);
    assert.deepEqual(dev, [
      'acme-dev',
      "s3cr'et $HOME",
      '日本語 と \'quotes\' "double" $x `tick`',
      'asia-northeast1',
      'acme/dev',
      '<unset>',
    ]);
    const switched = bashAfterUse('eval "$($BANTO env use acme/dev)"; eval "$($BANTO env use acme/prod)"', names);
    assert.deepEqual(switched, ['acme-prod', 'prod-from-command', '<unset>', '<unset>', 'acme/prod', '1']);
  });

  it('refuses clearly, printing nothing to eval: an unknown profile, a secret that cannot be read, a secret in the project file', () => {
    const unknown = banto(['env', 'use', 'acme/stg']);
    assert.deepEqual([unknown.status, unknown.stdout], [1, '']);
    assert.match(unknown.stderr, /no profile named "acme\/stg"; known: acme\/dev, acme\/prod \[ENV_NO_PROFILE\]/);
    rmSync(join(home, 'db-password'));
    const missing = banto(['env', 'use', 'acme/dev']);
    assert.deepEqual([missing.status, missing.stdout], [1, '']);
    assert.match(missing.stderr, /DB_PASSWORD: cannot read the secret file/);
    writeFileSync(join(project, '.banto/profiles.yml'), 'profiles:\n  shared:\n    env: { DB_PASSWORD: hunter2 }\n');
    const leaked = banto(['env', 'list']);
    assert.equal(leaked.status, 1);
    assert.match(leaked.stderr, /DB_PASSWORD looks like a secret.*\[ENV_SECRET_IN_PROJECT\]/);
  });
});
