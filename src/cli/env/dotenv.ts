import { parse } from 'dotenv';
import { BantoError } from '../../errors.js';

const assignment = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=|:\s)\s*(.*)$/;
const blankOrComment = /^\s*(?:#.*)?$/;

/**
 * The line of the first statement that dotenv would skip or misread, with the reason. dotenv drops such lines
 * silently; here they are refused, so a typo never turns into a missing variable.
 */
function findMalformedLine(lines: readonly string[], parsed: Record<string, string>) {
  for (let i = 0; i < lines.length; i += 1) {
    const text = lines[i] ?? '';
    if (blankOrComment.test(text)) continue;
    const match = assignment.exec(text);
    if (!match) return { line: i + 1, reason: 'not NAME=value' };
    const [, name = '', rest = ''] = match;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      return { line: i + 1, reason: `${name} is not a shell variable name (letters, digits and _)` };
    if (!Object.hasOwn(parsed, name)) return { line: i + 1, reason: 'dotenv cannot read this line' };
    const quote = rest[0];
    if (quote !== "'" && quote !== '"' && quote !== '`') continue;
    // A quoted value may run over several lines, to a closing quote with nothing but a comment after it: dotenv's
    // rule, with its backtracking, so `'C:\dir\'` ends at the last quote as it does for dotenv.
    const quoted = new RegExp(`^${quote}(?:\\\\${quote}|[^${quote}])*${quote}[ \\t]*(?:#.*)?$`, 'm').exec(
      [rest, ...lines.slice(i + 1)].join('\n'),
    );
    if (!quoted)
      return {
        line: i + 1,
        reason: rest.includes(quote, 1) ? `text after the closing ${quote}` : `the ${quote} is never closed`,
      };
    i += quoted[0].split('\n').length - 1;
  }
  return undefined;
}

/**
 * The variables of a `.env` file, parsed by dotenv, in the file's order. A malformed line is an error that names
 * it; nothing is returned then, so nothing half-done reaches the shell.
 */
export function parseDotenv(source: string, where: string): [string, string][] {
  const parsed = parse(source);
  const malformed = findMalformedLine(source.replace(/\r\n?/g, '\n').split('\n'), parsed);
  if (malformed) throw new BantoError('ENV_DOTENV', `${where}:${malformed.line}: ${malformed.reason}`);
  return Object.entries(parsed);
}
