import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ShellEnvironment } from '../../config.js';
import { BantoError } from '../../errors.js';
import type { Profile, Value } from './profiles-check.js';

export type { Profile } from './profiles-check.js';
export type { ShellEnvironment } from '../../config.js';

/** A variable whose name says it holds a secret: masked by `show`, and never a plain value in the project file. */
export const looksSecret = (name: string) => /PASSWORD|PASSWD|SECRET|TOKEN|(^|_)KEY($|_)|CREDENTIAL/i.test(name);

export const userProfilesPath = (shell: ShellEnvironment) => join(shell.configHome, 'banto', 'profiles.yml');
export const projectProfilesPath = (shell: ShellEnvironment) => resolve(shell.cwd, '.banto', 'profiles.yml');

/** What a file was when it was checked: a changed byte changes its size or times, a replaced file its inode. */
function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${path}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return `${path}:absent`;
  }
}

const cacheFormat = 1;

/**
 * The profiles, merged and checked. The checked result is kept in `$XDG_CACHE_HOME/banto` (one file per project,
 * 0600 like the profiles themselves) under the two files' stamps, and used while both are unchanged; otherwise
 * profiles-check.ts reads them again. Secret references are kept as references: they are read at use.
 */
export async function loadProfiles(shell: ShellEnvironment): Promise<Map<string, Profile>> {
  const key = [stamp(userProfilesPath(shell)), stamp(projectProfilesPath(shell))].join('|');
  const dir = join(shell.cacheHome, 'banto');
  const cache = join(dir, `profiles-${createHash('sha256').update(shell.cwd).digest('hex').slice(0, 16)}.json`);
  try {
    const cached = JSON.parse(readFileSync(cache, 'utf8')) as {
      format: number;
      key: string;
      profiles: [string, Profile][];
    };
    if (cached.format === cacheFormat && cached.key === key) return new Map(cached.profiles);
  } catch {
    // No cache yet, or one that cannot be read: check the files.
  }
  const profiles = (await import('./profiles-check.js')).checkProfiles(shell);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const partial = `${cache}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify({ format: cacheFormat, key, profiles: [...profiles] }), { mode: 0o600 });
    renameSync(partial, cache);
  } catch {
    // A cache that cannot be written only costs the next run a check.
  }
  return profiles;
}

export function findProfile(profiles: Map<string, Profile>, name: string): Profile {
  const found = profiles.get(name);
  if (!found) {
    const known = [...profiles.keys()].join(', ') || '(none: write one in the profiles file)';
    throw new BantoError('ENV_NO_PROFILE', `no profile named "${name}"; known: ${known}`);
  }
  return found;
}

/** A variable's value for the shell: a reference is read now, from its file or its command (10 s at most). */
export function resolveValue(variable: string, v: Value, shell: ShellEnvironment): string {
  if (typeof v !== 'object') return String(v);
  if ('file' in v.secret) {
    const path = v.secret.file.replace(/^~(?=\/)/, homedir());
    try {
      return readFileSync(resolve(shell.cwd, path), 'utf8').replace(/\n$/, '');
    } catch {
      throw new BantoError('ENV_SECRET', `${variable}: cannot read the secret file ${path}`);
    }
  }
  try {
    return execFileSync('/bin/sh', ['-c', v.secret.command], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).replace(/\n$/, '');
  } catch {
    throw new BantoError('ENV_SECRET', `${variable}: the secret command failed: ${v.secret.command}`);
  }
}

/** How `show` prints a value: a reference says where it comes from; a plain secret is masked. */
export function describeValue(variable: string, v: Value): string {
  if (typeof v === 'object')
    return 'file' in v.secret ? `(secret from file ${v.secret.file})` : `(secret from: ${v.secret.command})`;
  return looksSecret(variable) ? '********' : String(v);
}
