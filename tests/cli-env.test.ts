import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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

/** Runs a script in a real shell with the compiled CLI on PATH as `banto`; bash always, zsh and fish when installed. */
const binDir = join(home, 'bin');
mkdirSync(binDir);
symlinkSync(bin, join(binDir, 'banto'));
const installed = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

function inShell(shell: 'bash' | 'zsh' | 'fish', script: string, cwd = project) {
  const run = spawnSync(shell, ['-c', script], {
    cwd,
    env: {
      PATH: `${binDir}:${process.env.PATH ?? ''}`,
      HOME: home,
      XDG_CONFIG_HOME: configHome,
      TERM: 'xterm-256color',
    },
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, `${shell}: ${run.stderr}`);
  return run.stdout;
}

describe('banto env init: a shell function and a prompt segment', () => {
  // Written again: the test above replaced the project file.
  const profiles =
    'profiles:\n  shop/dev:\n    env: { FOO: "a b" }\n  shop/prod:\n    production: true\n    env: { BAR: x }\n';

  it('bash: use, switch and off apply to the shell; the prompt shows the profile, production in red; init twice adds it once', () => {
    writeFileSync(join(project, '.banto/profiles.yml'), profiles);
    const out = inShell(
      'bash',
      [
        `PS1='$ '`,
        'eval "$(banto env init bash)"',
        'eval "$(banto env init bash)"',
        'banto env use shop/dev',
        `printf '%s|%s|%s\\n' "$FOO" "\${BAR-unset}" "\${PS1@P}"`,
        'banto env use shop/prod',
        `printf '%s|%s|%s\\n' "\${FOO-unset}" "$BAR" "\${PS1@P}"`,
        'banto env off',
        `printf '%s|%s|%s\\n' "\${BANTO_PROFILE-unset}" "\${BAR-unset}" "\${PS1@P}"`,
        'banto env use nope 2>/dev/null || echo "refused $?"',
      ].join('\n'),
    );
    assert.equal(
      out,
      [
        'a b|unset|[shop/dev] $ ',
        'unset|x|\u0001\u001b[1;31m\u0002[shop/prod]\u0001\u001b[0m\u0002 $ ',
        'unset|unset|$ ',
        'refused 1',
        '',
      ].join('\n'),
    );
  });

  it('zsh: the same, with %F{red} in the prompt', { skip: !installed('zsh') && 'zsh is not installed' }, () => {
    writeFileSync(join(project, '.banto/profiles.yml'), profiles);
    const out = inShell(
      'zsh',
      [
        `PROMPT='%# '`,
        'eval "$(banto env init zsh)"',
        'eval "$(banto env init zsh)"',
        'banto env use shop/prod',
        `print -r -- "$BAR|\${(e)PROMPT}"`,
        'banto env use shop/dev',
        `print -r -- "$FOO|\${BAR-unset}|\${(e)PROMPT}"`,
      ].join('\n'),
    );
    assert.equal(out, 'x|%B%F{red}[shop/prod]%f%b %# \na b|unset|[shop/dev] %# \n');
  });

  it(
    'fish: the same, around the fish_prompt the user had',
    { skip: !installed('fish') && 'fish is not installed' },
    () => {
      writeFileSync(join(project, '.banto/profiles.yml'), profiles);
      const out = inShell(
        'fish',
        [
          "function fish_prompt; printf '> '; end",
          'banto env init fish | source',
          'banto env init fish | source',
          'banto env use shop/dev',
          "printf '%s|%s\\n' $FOO (fish_prompt)",
          'banto env use shop/prod',
          "set -l red (set_color --bold red)'[shop/prod]'(set_color normal)' > '",
          "printf '%s|%s|%s\\n' (set -q FOO; and echo set; or echo unset) $BAR (test (fish_prompt) = $red; and echo red)",
          'banto env off',
          "printf '%s|%s\\n' (set -q BAR; and echo set; or echo unset) (fish_prompt)",
        ].join('\n'),
      );
      assert.equal(out, 'a b|[shop/dev] > \nunset|x|red\nunset|> \n');
    },
  );
});

// Every value a .env file is known to break one-liners with; the expected bytes are what dotenv's rules give.
const nasty: [string, string, string][] = [
  ['SPACES', 'SPACES=hello   world', 'hello   world'],
  ['SINGLE', `SINGLE='it"s $HOME \`x\` \\n'`, 'it"s $HOME `x` \\n'],
  ['DOUBLE', 'DOUBLE="line1\\nline2 \\"q\\" $HOME"', 'line1\nline2 \\"q\\" $HOME'],
  ['BACKTICK', 'BACKTICK=`it\'s "both"`', 'it\'s "both"'],
  ['HASH', 'HASH=abc # a comment', 'abc'],
  ['HASH_QUOTED', 'HASH_QUOTED="a # not a comment"', 'a # not a comment'],
  ['JAPANESE', 'JAPANESE=お支払い日は 25 日です', 'お支払い日は 25 日です'],
  ['EXPORTED', 'export EXPORTED=yes', 'yes'],
  ['MULTILINE', "MULTILINE='first\n  second\n'", 'first\n  second\n'],
  ['EMPTY', 'EMPTY=', ''],
  ['DOLLAR', 'DOLLAR=$PATH;$(touch pwned)', '$PATH;$(touch pwned)'],
  ['BACKSLASH', "BACKSLASH='C:\\dir\\'", 'C:\\dir\\'],
];
const nastyFile = join(home, 'nasty.env');
writeFileSync(nastyFile, `# made by the test\n\n${nasty.map(([, line]) => line).join('\n')}\n`);

describe('banto env export: a .env file into the shell', () => {
  it('bash (and zsh, fish when installed) get every value back byte for byte', () => {
    const names = nasty.map(([name]) => name);
    const expected = nasty.map(([, , value]) => value);
    // printf is a builtin of all three shells, and %s prints the value's bytes as they are.
    const print = names.map((n) => `printf '%s\\0' "$${n}"`).join('; ');
    const direct = banto(['env', 'export', nastyFile]);
    assert.equal(direct.status, 0, direct.stderr);
    const bash = inShell('bash', `eval "$(banto env export ${nastyFile})"; ${print}`, home);
    assert.deepEqual(bash.split('\0').slice(0, -1), expected);
    if (installed('zsh')) {
      const zsh = inShell('zsh', `eval "$(banto env export ${nastyFile})"; ${print}`, home);
      assert.deepEqual(zsh.split('\0').slice(0, -1), expected);
    }
    if (installed('fish')) {
      const fish = inShell('fish', `banto env export --shell fish ${nastyFile} | source; ${print}`, home);
      assert.deepEqual(fish.split('\0').slice(0, -1), expected);
    }
    assert.equal(spawnSync('test', ['-e', join(home, 'pwned')]).status, 1, 'nothing in a value was run');
  });

  it('refuses a malformed line by its number, printing nothing to eval, exit 1', () => {
    const cases: [string, string][] = [
      ['OK=1\nTWO=2\nthis is not an assignment\n', ':3: not NAME=value'],
      ['OK=1\nOPEN="never closed\nNEXT=2\n', ':2: the " is never closed'],
      ['# c\nWITH-DASH=1\n', ':2: WITH-DASH is not a shell variable name'],
      ["QUOTED='a' b\n", ":1: text after the closing '"],
    ];
    for (const [source, message] of cases) {
      const file = join(home, 'bad.env');
      writeFileSync(file, source);
      const run = banto(['env', 'export', file]);
      assert.deepEqual([run.status, run.stdout], [1, ''], source);
      assert.match(run.stderr, new RegExp(`bad\\.env${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), source);
    }
    const none = banto(['env', 'export', join(home, 'missing.env')]);
    assert.deepEqual([none.status, none.stdout], [1, '']);
    assert.match(none.stderr, /cannot read .*missing\.env: ENOENT/);
  });
});

describe('banto completion', () => {
  const complete = (shell: 'bash' | 'zsh', words: string[]) => {
    // COMP_WORDS as the shell fills it at a TAB after `words` (the last one is the word being completed).
    const setup =
      shell === 'zsh' ? 'source <(banto completion zsh); setopt ksharrays' : 'source <(banto completion bash)';
    const array = words.map((w) => `'${w}'`).join(' ');
    return inShell(
      shell,
      `${setup}; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _banto; echo "\${COMPREPLY[*]}"`,
    ).trim();
  };

  it('bash completes commands, subcommands, options and profile names', () => {
    writeFileSync(
      join(project, '.banto/profiles.yml'),
      'profiles:\n  shop/dev: {}\n  shop/prod: { production: true }\n',
    );
    assert.match(
      complete('bash', ['banto', '']),
      /^start console db payments billing jobs mail sync backup env translate completion dev /,
    );
    assert.equal(complete('bash', ['banto', 'd']), 'db dev');
    assert.equal(complete('bash', ['banto', 'db', '']), 'status migrate seed --help');
    assert.equal(complete('bash', ['banto', 'jobs', 'run', '--']), '--yes --help');
    assert.equal(complete('bash', ['banto', 'env', 'use', 'shop/p']), 'shop/prod');
    assert.equal(complete('bash', ['banto', 'payments', '--json', 'y']), 'yesterday');
  });

  it('zsh runs the same function', { skip: !installed('zsh') && 'zsh is not installed' }, () => {
    assert.equal(complete('zsh', ['banto', 'env', '']), 'list show use off init export --help');
  });
});

describe('the cache of checked profiles', () => {
  it('is used while the files are unchanged, read again when one changes, and ignored when broken', () => {
    const write = (region: string) =>
      writeFileSync(join(project, '.banto/profiles.yml'), `profiles:\n  shop/dev:\n    env: { REGION: ${region} }\n`);
    const region = () => bashAfterUse('eval "$($BANTO env use shop/dev)"', ['REGION'])[0];
    write('asia-east1');
    assert.equal(region(), 'asia-east1');
    const cacheDir = join(home, '.cache/banto');
    const [cache] = readdirSync(cacheDir);
    assert.ok(cache, 'the checked profiles were kept');
    assert.equal(statSync(join(cacheDir, cache)).mode & 0o777, 0o600);
    write('asia-west1'); // the same size: the file's times and inode tell the change
    assert.equal(region(), 'asia-west1');
    writeFileSync(join(cacheDir, cache), '{not json');
    assert.equal(region(), 'asia-west1');
    write('bad value: [');
    const broken = banto(['env', 'use', 'shop/dev']);
    assert.deepEqual([broken.status, broken.stdout], [1, '']);
    assert.match(broken.stderr, /is not valid YAML/);
  });
});
