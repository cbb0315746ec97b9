import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ShellEnvironment } from '../../config.js';
import { BantoError } from '../../errors.js';
import { looksSecret, projectProfilesPath, userProfilesPath } from './profiles.js';

// The profiles files read and checked: yaml parses, zod checks. profiles.ts imports this only when its cache of
// the checked profiles is out of date, so that `banto env use` starts without either.

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
export type Value = z.infer<typeof value>;

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

/**
 * The project's profiles (`.banto/profiles.yml`, shared in the repository, no secrets) with the user's own
 * (`$XDG_CONFIG_HOME/banto/profiles.yml`) over them, variable by variable.
 */
export function checkProfiles(shell: ShellEnvironment): Map<string, Profile> {
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
