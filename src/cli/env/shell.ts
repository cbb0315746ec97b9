export type Shell = 'bash' | 'zsh' | 'fish';

/**
 * A value as one shell word that `eval` gives back byte for byte. bash and zsh: single quotes, a quote written as
 * '\'' (nothing is special inside them, newlines included). fish: single quotes, with \ and ' escaped.
 */
export function quote(value: string, shell: Shell): string {
  if (shell === 'fish') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function exportLine(name: string, value: string, shell: Shell): string {
  return shell === 'fish' ? `set -gx ${name} ${quote(value, shell)}` : `export ${name}=${quote(value, shell)}`;
}

export function unsetLine(name: string, shell: Shell): string {
  return shell === 'fish' ? `set -e ${name}` : `unset ${name}`;
}
