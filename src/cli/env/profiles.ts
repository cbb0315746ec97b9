import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ShellEnvironment } from '../../config.js';
import { BantoError } from '../../errors.js';

const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name: letters, digits and _');

/** A secret is never written in a profile: it is read at use, from a file or from a command's output. */
const reference = z.strictObject({
  secret: z.union([z.strictObject({ file: z.string().min(1) }), z.strictObject({ command: z.string().min(1) })]),
});
const value = z.union([z.string(), z.number(), z.boolean(), reference]);

const profile = z.strictObject({
  /** A production profile: shown in red by the prompt segment; the CLI reads its database read-only. */
  production: z.boolean().default(false),
  env: z.record(variableName, value).default({}),
});

const file = z.strictObject({
  profiles: z.record(z.string().regex(/^[\w./-]+$/, 'a profile name such as acme/dev'), profile).default({}),
});

export type Profile = z.infer<typeof profile>;
type Value = z.infer<typeof value>;

export type { ShellEnvironment } from '../../config.js';

/** A variable whose name says it holds a secret: masked by `show`, and never a plain value in the project file. */
export const looksSecret = (name: string) => /PASSWORD|PASSWD|SECRET|TOKEN|(^|_)KEY($|_)|CREDENTIAL/i.test(name);

function readFile(path: string, where: string): z.infer<typeof file> {
  if (!existsSync(path)) return { profiles: {} };
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (error) {
    throw new BantoError('ENV_PROFILES', `${where} ${path} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = file.safeParse(raw);
  if (!parsed.success)
    throw new BantoError(
      'ENV_PROFILES',
      `${where} ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export const userProfilesPath = (shell: ShellEnvironment) => join(shell.configHome, 'banto', 'profiles.yml');
export const projectProfilesPath = (shell: ShellEnvironment) => resolve(shell.cwd, '.banto', 'profiles.yml');

/**
 * The project's profiles (`.banto/profiles.yml`, shared in the repository, no secrets) with the user's own
 * (`$XDG_CONFIG_HOME/banto/profiles.yml`) over them, variable by variable.
 */
export function loadProfiles(shell: ShellEnvironment): Map<string, Profile> {
  const project = readFile(projectProfilesPath(shell), 'the project profiles');
  for (const [name, p] of Object.entries(project.profiles))
    for (const [variable, v] of Object.entries(p.env))
      if (looksSecret(variable) && typeof v !== 'object')
        throw new BantoError(
          'ENV_SECRET_IN_PROJECT',
          `${projectProfilesPath(shell)}: profiles.${name}.env.${variable} looks like a secret; the project file is shared, so give it as { secret: { command: … } } or { secret: { file: … } }, or put it in ${userProfilesPath(shell)}`,
        );
  const user = readFile(userProfilesPath(shell), 'the profiles');
  const merged = new Map<string, Profile>();
  for (const [name, p] of Object.entries(project.profiles)) merged.set(name, { ...p, env: { ...p.env } });
  for (const [name, p] of Object.entries(user.profiles)) {
    const base = merged.get(name);
    merged.set(name, base ? { production: p.production || base.production, env: { ...base.env, ...p.env } } : p);
  }
  return merged;
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
