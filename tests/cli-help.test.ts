import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { buildCli } from '../src/cli/main.js';
import { repoRoot } from './helpers/banto.js';

/** Every command that runs something (no subcommands of its own), as its words after `banto`. */
function leaves(command: Command, path: string[] = []): string[] {
  const subs = command.commands.filter((c) => c.name() !== 'help');
  if (subs.length === 0) return [path.join(' ')];
  return subs.flatMap((c) => leaves(c, [...path, c.name()]));
}

/** The README's command table: `banto env list` / `show NAME` names env list and env show. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const rows = readme.split('\n').filter((line) => line.startsWith('| `banto '));
  return rows.flatMap((row) => {
    const cell = row.split(/(?<!\\)\|/)[1] ?? '';
    const spans = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
    const words = (span: string) => span.split(' ').filter((w) => /^[a-z][a-z-]*$/.test(w));
    const [first = '', ...siblings] = spans;
    const full = words(first).slice(1);
    return [full.join(' '), ...siblings.map((s) => [...full.slice(0, -1), ...words(s)].join(' '))];
  });
}

describe('banto --help and the README', () => {
  it('the README lists every command the CLI has, and no other', async () => {
    const cli = await buildCli([], { all: true });
    assert.deepEqual([...new Set(readmeCommands())].sort(), leaves(cli).sort());
  });

  it('every command and option says what it does', async () => {
    const cli = await buildCli([], { all: true });
    const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
    for (const command of all(cli)) {
      assert.ok(command.description().length > 10, `banto ${command.name()} has a description`);
      for (const option of command.options)
        assert.ok(option.description.length > 3, `${command.name()} ${option.flags} has a description`);
    }
  });
});
