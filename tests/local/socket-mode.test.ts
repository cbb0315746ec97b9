import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { startSlackEmulator, type SlackEmulator } from '../../src/local/emulator.js';
import type { Envelope } from '../../src/local/socket-mode.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { waitFor } from '../helpers/wait.js';

const appToken = 'xapp-emulator-test-token';

/** A bare Socket Mode client: opens a connection as an app would, and keeps what arrives. */
async function connect(emulator: SlackEmulator, token = appToken) {
  const response = await fetch(`${emulator.apiUrl}apps.connections.open`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  const opened = (await response.json()) as { ok: boolean; url?: string; error?: string };
  if (!opened.url) return { opened, socket: undefined, messages: [] as Record<string, unknown>[] };
  const socket = new WebSocket(opened.url);
  const messages: Record<string, unknown>[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  await once(socket, 'open');
  return { opened, socket, messages };
}

async function nextMessage(
  messages: Record<string, unknown>[],
  matches: (m: Record<string, unknown>) => boolean,
  from = 0,
) {
  return waitFor('the message to arrive', () => messages.slice(from).find(matches), 5000);
}

describe("the emulator's Socket Mode", () => {
  let emulator: SlackEmulator;
  before(async () => {
    // Short waits, stated here: Slack waits 3 s for an acknowledgement and retries an event 3 times.
    emulator = await startSlackEmulator({
      workspace: demoWorkspace,
      signingSecret: 'unused',
      appToken,
      transport: 'socket',
      socketMode: { ackTimeoutMs: 300, eventRetries: 2, connectWaitMs: 2000 },
    });
  });
  after(() => emulator.stop());

  it('opens a connection only for the app-level token, and each URL only once', async () => {
    const wrong = await connect(emulator, 'xapp-someone-else');
    assert.deepEqual(wrong.opened, { ok: false, error: 'invalid_auth' });
    const { opened, socket, messages } = await connect(emulator);
    assert.equal(opened.ok, true);
    assert.match(opened.url ?? '', /^ws:\/\/127\.0\.0\.1:\d+\/socket\?ticket=/);
    const hello = await nextMessage(messages, (m) => m.type === 'hello');
    assert.deepEqual(hello.connection_info, { app_id: demoWorkspace.appId });
    const reuse = new WebSocket(opened.url!);
    const [error] = (await once(reuse, 'error')) as [Error];
    assert.match(error.message, /401/);
    socket!.close();
    await once(socket!, 'close');
  });

  it('sends a slash command as an envelope and returns the acknowledgement payload, matched by envelope id', async () => {
    const { socket, messages } = await connect(emulator);
    await nextMessage(messages, (m) => m.type === 'hello');
    const reply = emulator.sendCommand({ userId: 'U01EXEC', channelId: 'C0BILLING', command: '/banto', text: 'help' });
    const envelope = (await nextMessage(messages, (m) => m.type === 'slash_commands')) as unknown as Envelope;
    const command = envelope.payload as Record<string, unknown>;
    assert.equal(command.command, '/banto');
    assert.equal(command.user_id, 'U01EXEC');
    assert.equal(envelope.accepts_response_payload, true);
    // An acknowledgement for another envelope does not answer this one.
    socket!.send(JSON.stringify({ envelope_id: 'env-unknown', payload: { text: 'wrong' } }));
    socket!.send(
      JSON.stringify({ envelope_id: envelope.envelope_id, payload: { response_type: 'ephemeral', text: 'hi' } }),
    );
    assert.deepEqual(await reply, { status: 200, body: { response_type: 'ephemeral', text: 'hi' } });
    socket!.close();
    await once(socket!, 'close');
  });

  it('sends an unacknowledged event again with retry_attempt and retry_reason, as Slack does', async () => {
    const { socket, messages } = await connect(emulator);
    await nextMessage(messages, (m) => m.type === 'hello');
    const reply = emulator.sendEvent({ type: 'app_mention', userId: 'U03CLERK', channelId: 'C0GENERAL', text: 'hi' });
    const first = (await nextMessage(messages, (m) => m.type === 'events_api')) as unknown as Envelope;
    assert.equal(first.retry_attempt, 0);
    const retry = (await nextMessage(
      messages,
      (m) => m.type === 'events_api' && m.retry_attempt === 1,
    )) as unknown as Envelope;
    assert.equal(retry.retry_reason, 'timeout');
    assert.equal(retry.envelope_id, first.envelope_id);
    assert.equal((retry.payload as { event: { type: string } }).event.type, 'app_mention');
    socket!.send(JSON.stringify({ envelope_id: retry.envelope_id }));
    assert.deepEqual(await reply, { status: 200, body: undefined });
    assert.equal(messages.filter((m) => m.type === 'events_api').length, 2, 'acknowledged on the second try: no third');
    socket!.close();
    await once(socket!, 'close');
  });

  it('gives a person a timeout for a command nobody acknowledges, without sending it again', async () => {
    const { socket, messages } = await connect(emulator);
    await nextMessage(messages, (m) => m.type === 'hello');
    const reply = await emulator.sendCommand({ userId: 'U01EXEC', channelId: 'C0BILLING', command: '/jobs' });
    assert.deepEqual(reply, { status: 408, body: undefined });
    assert.equal(messages.filter((m) => m.type === 'slash_commands').length, 1);
    socket!.close();
    await once(socket!, 'close');
  });

  it('asks for a reconnect with disconnect/refresh_requested, and holds a command until a new connection says hello', async () => {
    const first = await connect(emulator);
    await nextMessage(first.messages, (m) => m.type === 'hello');
    emulator.socketMode.requestReconnect();
    const warning = await nextMessage(first.messages, (m) => m.type === 'disconnect');
    assert.equal(warning.reason, 'refresh_requested');
    first.socket!.close();
    await once(first.socket!, 'close');
    const reply = emulator.sendCommand({ userId: 'U01EXEC', channelId: 'C0BILLING', command: '/banto', text: 'help' });
    const second = await connect(emulator);
    const envelope = (await nextMessage(second.messages, (m) => m.type === 'slash_commands')) as unknown as Envelope;
    second.socket!.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: {} }));
    assert.deepEqual(await reply, { status: 200, body: undefined });
    second.socket!.close();
    await once(second.socket!, 'close');
  });

  it('fails apps.connections.open with a 503 or a reset connection while Slack is away', async () => {
    emulator.connectionsOpenFailure = '503';
    const unavailable = await fetch(`${emulator.apiUrl}apps.connections.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${appToken}` },
    });
    assert.equal(unavailable.status, 503);
    emulator.connectionsOpenFailure = 'reset';
    await assert.rejects(
      fetch(`${emulator.apiUrl}apps.connections.open`, {
        method: 'POST',
        headers: { authorization: `Bearer ${appToken}` },
      }),
    );
    emulator.connectionsOpenFailure = undefined;
    assert.equal((await connect(emulator)).opened.ok, true);
  });
});
