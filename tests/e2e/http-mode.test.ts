import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Banto } from '../../src/app.js';
import type { SlackEmulator } from '../../src/local/emulator.js';
import { databaseKinds } from '../helpers/databases.js';
import { startProductionLike, type ProductionLike } from '../helpers/production-like.js';
import { demoWorkspace } from '../../src/local/workspace.js';

// HTTP mode as in production: Banto gets a bot token and a signing secret, and
// SLACK_API_URL sends its Web API calls to the emulator standing in for Slack.
for (const kind of databaseKinds)
  describe(`HTTP mode with SLACK_API_URL (${kind})`, () => {
    const signingSecret = 'http-mode-test-signing-secret';
    const botToken = 'xoxb-test-token-must-never-be-logged';
    let t: ProductionLike;
    let slack: SlackEmulator;
    let banto: Banto;
    const logs = () => t.logs();

    before(async () => {
      t = await startProductionLike(kind, {
        env: { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret },
        emulator: { signingSecret },
      });
      assert.equal(t.config.slack.mode, 'http');
      ({ slack, banto } = t);
    });
    after(() => t.close());

    it('learns its identity with auth.test at start, not per request', async () => {
      assert.equal(slack.callsTo('auth.test').length, 1);
      assert.equal(banto.bolt.botUserId, demoWorkspace.botUserId);
      await slack.sendCommand({ userId: 'U01EXEC', channelId: 'C0BILLING', command: '/banto', text: 'help' });
      assert.equal(slack.callsTo('auth.test').length, 1);
    });

    it('serves signed commands on POST /slack/events and resolves group roles through SLACK_API_URL', async () => {
      const reply = await slack.sendCommand({
        userId: 'U06ONCALL',
        channelId: 'C0ALERTS',
        command: '/banto',
        text: 'help',
      });
      assert.equal(reply.status, 200);
      assert.ok(slack.callsTo('usergroups.users.list').some((c) => c.args.usergroup === 'S0ONCALL'));
      const unsigned = await fetch(`${banto.url}/slack/events`, { method: 'POST', body: 'command=%2Fbanto&text=help' });
      assert.equal(unsigned.status, 401);
    });

    it('never logs the bot token or the signing secret, even at debug level', async () => {
      await slack.sendCommand({ userId: 'U01EXEC', channelId: 'C0BILLING', command: '/payments', text: 'today' });
      await slack.waitForCall('response_url');
      assert.ok(logs().length > 1000, 'debug logging was on');
      assert.ok(!logs().includes(botToken), 'bot token in the logs');
      assert.ok(!logs().includes(signingSecret), 'signing secret in the logs');
    });

    it('reports its mode on /healthz', async () => {
      const health = (await (await fetch(`${banto.url}/healthz`)).json()) as { mode: string };
      assert.equal(health.mode, 'http');
    });
  });
