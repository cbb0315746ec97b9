import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readShellEnvironment } from '../../config.js';
import { BantoError } from '../../errors.js';
import { initScript } from './init.js';
import { describeValue, findProfile, loadProfiles, resolveValue, userProfilesPath } from './profiles.js';
import { exportLine, unsetLine, type Shell } from './shell.js';

const shells: readonly Shell[] = ['bash', 'zsh', 'fish'];
const parseShell = (value: string): Shell => {
  if (!shells.includes(value as Shell)) throw new BantoError('USAGE', `--shell must be one of ${shells.join(', ')}`);
  return value as Shell;
};
const print = (lines: string[]): void => {
  process.stdout.write(`${lines.join('\n')}\n`);
};

/** `banto env`: named profiles of variables, switched in the shell by `eval "$(banto env use NAME)"`. */
export function registerEnvCommands(env: Command): void {
  const shell = readShellEnvironment();
  env
    .command('list')
    .description('every profile (project and yours); * marks the active one')
    .option('--names', 'only the names, one a line (for shell completion)')
    .action(async (options: { names?: boolean }) => {
      const profiles = await loadProfiles(shell);
      if (options.names) {
        for (const name of [...profiles.keys()].sort()) process.stdout.write(`${name}\n`);
        return;
      }
      if (profiles.size === 0) {
        process.stdout.write(`no profiles yet: write them in ${userProfilesPath(shell)} or .banto/profiles.yml\n`);
        return;
      }
      for (const [name, p] of [...profiles.entries()].sort(([a], [b]) => a.localeCompare(b)))
        process.stdout.write(
          `${name === shell.activeProfile ? '*' : ' '} ${name}${p.production ? '  (production)' : ''}\n`,
        );
    });
  env
    .command('show')
    .description("a profile's variables, secrets masked")
    .argument('<name>', 'profile name, as `banto env list` shows it')
    .action(async (name: string) => {
      const p = findProfile(await loadProfiles(shell), name);
      process.stdout.write(`${name}${p.production ? ' (production)' : ''}\n`);
      for (const [variable, v] of Object.entries(p.env))
        process.stdout.write(`  ${variable}=${describeValue(variable, v)}\n`);
    });
  env
    .command('use')
    .description('print the shell code that switches to a profile: eval "$(banto env use NAME)"')
    .argument('<name>', 'profile name')
    .option('--shell <shell>', 'bash, zsh or fish', parseShell, 'bash' as Shell)
    .action(async (name: string, options: { shell: Shell }) => {
      const p = findProfile(await loadProfiles(shell), name);
      // Every secret is read before anything is printed: a failure prints nothing for the shell to eval.
      const values = Object.entries(p.env).map(
        ([variable, v]) => [variable, resolveValue(variable, v, shell)] as const,
      );
      const lines = [
        ...shell.activeVars.map((variable) => unsetLine(variable, options.shell)),
        ...values.map(([variable, v]) => exportLine(variable, v, options.shell)),
        exportLine('BANTO_PROFILE', name, options.shell),
        exportLine('BANTO_PROFILE_VARS', values.map(([variable]) => variable).join(','), options.shell),
        p.production
          ? exportLine('BANTO_PROFILE_PRODUCTION', '1', options.shell)
          : unsetLine('BANTO_PROFILE_PRODUCTION', options.shell),
      ];
      print(lines);
    });
  env
    .command('off')
    .description('print the shell code that unsets the active profile: eval "$(banto env off)"')
    .option('--shell <shell>', 'bash, zsh or fish', parseShell, 'bash' as Shell)
    .action((options: { shell: Shell }) =>
      print(
        [...shell.activeVars, 'BANTO_PROFILE', 'BANTO_PROFILE_VARS', 'BANTO_PROFILE_PRODUCTION'].map((variable) =>
          unsetLine(variable, options.shell),
        ),
      ),
    );
  env
    .command('init')
    .description(
      'print a banto shell function (env use and env off without eval) and a prompt segment showing the profile, production in red: eval "$(banto env init bash)" in ~/.bashrc',
    )
    .argument('<shell>', 'bash, zsh or fish', parseShell)
    .action((name: Shell) => print([initScript(name)]));
  env
    .command('export')
    .description(
      'print a .env file as export lines, parsed by dotenv and quoted for the shell: eval "$(banto env export)"',
    )
    .argument('[file]', 'the .env file; - reads stdin', '.env')
    .option('--shell <shell>', 'bash, zsh or fish', parseShell, 'bash' as Shell)
    .action(async (file: string, options: { shell: Shell }) => {
      let source: string;
      try {
        source = readFileSync(file === '-' ? 0 : resolve(shell.cwd, file), 'utf8');
      } catch (error) {
        throw new BantoError('ENV_DOTENV', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
      }
      const { parseDotenv } = await import('./dotenv.js');
      const variables = parseDotenv(source, file === '-' ? 'stdin' : file);
      if (variables.length > 0) print(variables.map(([name, value]) => exportLine(name, value, options.shell)));
    });
}
