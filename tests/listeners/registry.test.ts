import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  commandsAllowedFor,
  decide,
  findEntry,
  registry,
  shortcutEntries,
  slashCommands,
} from '../../src/listeners/registry.js';
import { messages } from '../../src/views/messages.js';
import { repoRoot } from '../helpers/banto.js';

interface Manifest {
  features: {
    slash_commands: { command: string; usage_hint?: string }[];
    shortcuts?: { name: string; type: string; callback_id: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] } };
}
const manifest = parse(readFileSync(join(repoRoot, 'manifest.yml'), 'utf8')) as Manifest;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}
const sources = sourceFiles(join(repoRoot, 'src')).map((file) => readFileSync(file, 'utf8'));

/** The bot scopes each Web API method Banto calls needs (Slack's method reference). */
const scopesOf: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'views.open': [],
  'views.push': [],
  'views.update': [],
  'views.publish': [],
  'conversations.info': ['channels:read', 'groups:read'],
  'conversations.members': ['channels:read', 'groups:read'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.open': ['im:write'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read', 'users:read.email'],
  'files.uploadV2': ['files:write'],
};

describe('the registry', () => {
  it('refuses what it does not list, and names the roles for what it does', () => {
    const payments = findEntry('command', '/payments');
    assert.deepEqual(decide(payments, new Set(['clerk'])), {
      allowed: false,
      requiredRoles: ['exec', 'accounting'],
      reason: 'missing-role',
    });
    assert.equal(decide(payments, new Set(['accounting'])).allowed, true);
    assert.equal(decide(findEntry('command', '/banto help'), new Set()).allowed, true);
    assert.deepEqual(decide(findEntry('action', 'unknown_button'), new Set(['exec'])), {
      allowed: false,
      requiredRoles: [],
      reason: 'unknown-request',
    });
    assert.equal(
      decide(findEntry('action', 'template_approve'), new Set(['engineer'])).allowed,
      false,
      'only executives approve what customers read',
    );
    assert.deepEqual(
      commandsAllowedFor(new Set(['clerk'])).map((c) => c.key),
      ['/banto help', '/banto whoami', '/banto mail-status', '/resend-mail', '/sync-status', '/customer', '/report'],
    );
    assert.deepEqual(
      commandsAllowedFor(new Set(['exec'])).map((c) => c.key),
      [
        '/banto help',
        '/banto whoami',
        '/payments',
        '/banto templates',
        '/banto mail-status',
        '/sync-status',
        '/customer',
        '/report',
      ],
    );
    assert.equal(decide(findEntry('action', 'sync_now'), new Set(['clerk', 'exec'])).allowed, false, 'engineers sync');
  });

  it('declares each request once, and every command has a help line in both locales', () => {
    const ids = registry.map((e) => `${e.kind} ${e.key}`);
    assert.equal(new Set(ids).size, ids.length);
    const commands = registry.filter((e) => e.kind === 'command');
    assert.ok(commands.length >= 6);
    for (const entry of commands) {
      for (const locale of ['ja', 'en'] as const)
        assert.ok(messages[locale].commandDescriptions[entry.help].length > 0, `${entry.key} in ${locale}`);
    }
  });

  it('matches the manifest: the same slash commands with the same usage hints', () => {
    const fromRegistry = slashCommands().map((c) => ({ command: c.command, usage_hint: c.usageHint }));
    const fromManifest = manifest.features.slash_commands.map((c) => ({
      command: c.command,
      usage_hint: c.usage_hint,
    }));
    assert.ok(fromRegistry.length >= 4);
    assert.deepEqual(
      fromManifest.sort((a, b) => a.command.localeCompare(b.command)),
      fromRegistry.sort((a, b) => a.command.localeCompare(b.command)),
    );
  });

  it('matches the manifest: the same message shortcuts, by callback_id and name', () => {
    const fromRegistry = shortcutEntries().map((e) => ({ name: e.name, type: 'message', callback_id: e.key }));
    assert.ok(fromRegistry.length >= 1);
    assert.deepEqual(
      (manifest.features.shortcuts ?? []).map(({ name, type, callback_id }) => ({ name, type, callback_id })),
      fromRegistry,
    );
    assert.ok(manifest.oauth_config.scopes.bot.includes('commands'), 'shortcuts need the commands scope');
  });

  it("the manifest's bot scopes cover every Web API method Banto calls", () => {
    const called = new Set(
      sources.flatMap((text) =>
        [
          ...text.matchAll(
            /(?:client|\))\.((?:auth|chat|views|conversations|usergroups|users|files|reactions|team)\.[a-zA-Z.]+?)\(/g,
          ),
        ].map((m) => m[1] ?? ''),
      ),
    );
    assert.ok(called.size >= 8, `found only ${[...called].join(', ')}`);
    const scopes = new Set(manifest.oauth_config.scopes.bot);
    for (const method of called) {
      const needed = scopesOf[method];
      assert.ok(needed, `${method} is called but this test does not know its scopes: add it to scopesOf`);
      for (const scope of needed)
        assert.ok(scopes.has(scope), `${method} needs ${scope}, which manifest.yml does not ask for`);
    }
    if (registry.some((e) => e.kind === 'command')) assert.ok(scopes.has('commands'));
  });

  it('the manifest subscribes to every event Banto listens to', () => {
    const listened = new Set(
      sources.flatMap((text) => [...text.matchAll(/app\.event\('([a-z_]+)'/g)].map((m) => m[1] ?? '')),
    );
    assert.ok(listened.size >= 1);
    for (const event of listened) assert.ok(manifest.settings.event_subscriptions.bot_events.includes(event), event);
  });
});
