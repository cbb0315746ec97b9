import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Banto } from '../../src/app.js';
import type { SlackEmulator } from '../../src/local/emulator.js';
import { startProductionLike, type ProductionLike } from '../helpers/production-like.js';
import { waitForAuditRows } from '../helpers/banto.js';
import { waitFor } from '../helpers/wait.js';

// Socket Mode as in production: a bot token and an app-level token, with
// SLACK_API_URL pointing at the emulator, which plays Slack's WebSocket side.
describe('Socket Mode against Slack that reconnects and goes away', () => {
  const appToken = 'xapp-1-test-app-token-must-never-be-logged';
  let t: ProductionLike;
  let slack: SlackEmulator;
  let banto: Banto;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    t = await startProductionLike('sqlite', {
      env: { SLACK_BOT_TOKEN: 'xoxb-socket-test', SLACK_APP_TOKEN: appToken },
      emulator: { signingSecret: 'unused', appToken, transport: 'socket' },
      // Slack's timings scaled down, stated here: pong within 0.5 s, reconnect tries from 50 ms to 400 ms apart.
      start: {
        runSchedules: false,
        runMailSender: false,
        socketTimings: { clientPingTimeoutMs: 500, reconnectMinMs: 50, reconnectMaxMs: 400 },
      },
    });
    assert.equal(t.config.slack.mode, 'socket');
    ({ slack, banto } = t);
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await t.close();
  });

  const health = async () => {
    const response = await fetch(`${banto.url}/healthz`);
    return { status: response.status, body: (await response.json()) as { slack: string } };
  };
  const help = async (userId: string) => {
    const reply = await slack.sendCommand({ userId, channelId: 'C0GENERAL', command: '/banto', text: 'help' });
    assert.equal(reply.status, 200);
    assert.match(JSON.stringify(reply.body), /\/banto help/);
  };

  it('serves no /slack/events route, answers over the socket and says so on /healthz', async () => {
    assert.equal((await fetch(`${banto.url}/slack/events`, { method: 'POST', body: '{}' })).status, 404);
    await help('U01EXEC');
    assert.deepEqual(await health(), {
      status: 200,
      body: { status: 'ok', database: 'ok', slack: 'connected', mode: 'socket', env: 'development', version: '0.1.0' },
    });
  });

  it('loses no command across a reconnect that Slack asks for in the middle of a session', async () => {
    const connections = slack.socketMode.connections;
    const users = ['U01EXEC', 'U03CLERK', 'U04ENG', 'U02ACCT', 'U05GUEST', 'U06ONCALL'];
    const before = (await waitForAuditRows(banto, 0)).length;
    // One person after another, as at a keyboard; Slack asks for the reconnect between two of them.
    for (const [i, userId] of users.entries()) {
      if (i === 3) slack.socketMode.requestReconnect();
      await help(userId);
    }
    assert.ok(slack.socketMode.connections > connections, 'a new connection was opened');
    const rows = await waitForAuditRows(banto, before + users.length);
    assert.deepEqual(
      rows
        .slice(before)
        .map((r) => r.user_id)
        .sort(),
      [...users].sort(),
      'one audit row per command, none twice',
    );
  });

  it('keeps reconnecting while apps.connections.open answers 503 and then resets, stays up, and answers the first command after', async () => {
    const failedBefore = slack.callsTo('apps.connections.open').filter((c) => c.response.ok !== true).length;
    slack.connectionsOpenFailure = '503';
    slack.socketMode.dropConnections();
    await waitFor(
      '6 refused reconnects',
      () => slack.callsTo('apps.connections.open').filter((c) => c.response.error === 'http_503').length >= 6,
    );
    assert.deepEqual((await health()).body.slack, 'disconnected');
    assert.equal((await health()).status, 503);
    slack.connectionsOpenFailure = 'reset';
    await waitFor(
      '4 reset reconnects',
      () => slack.callsTo('apps.connections.open').filter((c) => c.response.error === 'connection_reset').length >= 4,
    );
    assert.ok(slack.callsTo('apps.connections.open').filter((c) => c.response.ok !== true).length - failedBefore >= 10);
    assert.deepEqual(unhandled, [], 'no unhandled rejection: the process would have exited');

    slack.connectionsOpenFailure = undefined;
    await help('U01EXEC');
    await waitFor('/healthz says connected', async () => (await health()).body.slack === 'connected');
    assert.ok(!t.logs().includes(appToken), 'the app-level token is never logged');
  });
});
