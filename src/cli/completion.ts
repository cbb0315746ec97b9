import type { Command } from 'commander';

/** Each command path ("", "db", "env use") with what may follow it: subcommands, then options. */
function walk(command: Command, path: string[] = [], into = new Map<string, string[]>()): Map<string, string[]> {
  const options = command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
  into.set(path.join(' '), [...command.commands.map((c) => c.name()), ...options, '--help']);
  for (const sub of command.commands) if (sub.name() !== 'help') walk(sub, [...path, sub.name()], into);
  return into;
}

/** Arguments completed from elsewhere: profile names from `banto env list --names` (node runs at TAB, not at prompts). */
const dynamic: Record<string, string> = {
  'env use': '$(command banto env list --names 2>/dev/null)',
  'env show': '$(command banto env list --names 2>/dev/null)',
  'env init': 'bash zsh fish',
  completion: 'bash zsh',
  payments: 'today yesterday',
};

const quote = (words: string) => `'${words.replace(/'/g, `'\\''`)}'`;

/**
 * A bash completion function for every command of `program`, written once (`banto completion bash`) and run by the
 * shell at each TAB without node, but for profile names. zsh runs the same function through bashcompinit.
 */
export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const cases = [...walk(program)].map(([path, words]) => {
    const extra = dynamic[path];
    return `    ${quote(path)}) words=${quote(words.join(' '))}${extra ? `" ${extra}"` : ''} ;;`;
  });
  for (const [path, extra] of Object.entries(dynamic))
    if (!walk(program).has(path)) cases.push(`    ${quote(path)}) words="${extra}" ;;`);
  return [
    ...(shell === 'zsh' ? ['autoload -U +X compinit && compinit', 'autoload -U +X bashcompinit && bashcompinit'] : []),
    '_banto() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" path="" words="" i',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    case "${COMP_WORDS[i]}" in -*) ;; *) path="${path:+$path }${COMP_WORDS[i]}" ;; esac',
    '  done',
    '  case "$path" in',
    ...cases,
    '  esac',
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    '}',
    'complete -F _banto banto',
    '',
  ].join('\n');
}

export function registerCompletionCommand(completion: Command): void {
  completion
    .argument('<shell>', 'bash or zsh')
    .description('print shell completion: eval "$(banto completion bash)" in ~/.bashrc (zsh: ~/.zshrc)')
    .action(async (shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') {
        const { BantoError } = await import('../errors.js');
        throw new BantoError('USAGE', 'completion is for bash or zsh');
      }
      const { buildCli } = await import('./main.js');
      process.stdout.write(completionScript(await buildCli([], { all: true }), shell));
    });
}
