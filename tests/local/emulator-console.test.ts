import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { startConsole, type LocalConsole } from '../../src/local/console.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/local/emulator.js';
import { signSlackRequest } from '../../src/local/signature.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { waitFor } from '../helpers/wait.js';

// The console and the emulator against a plain HTTP server standing in for Banto:
// what Slack would post when a person presses a button or submits a modal.
describe('console buttons and modals through the emulator', () => {
  const signingSecret = 'console-test-signing-secret';
  const received: {
    headers: Record<string, string | string[] | undefined>;
    raw: string;
    payload: Record<string, unknown>;
  }[] = [];
  let banto: Server;
  let slack: SlackEmulator;
  let session: LocalConsole;
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => (screen += chunk.toString()));

  const waitForScreen = (pattern: RegExp, from: number) =>
    waitFor(`the screen to show ${pattern}`, () => pattern.test(screen.slice(from)), 5000).catch(() =>
      assert.fail(`screen never showed ${pattern}:\n${screen.slice(from)}`),
    );
  const callApi = (method: string, args: Record<string, unknown>) =>
    fetch(`${slack.apiUrl}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
    }).then((r) => r.json() as Promise<Record<string, unknown>>);

  before(async () => {
    banto = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        received.push({
          headers: req.headers,
          raw,
          payload: JSON.parse(new URLSearchParams(raw).get('payload') ?? '{}') as Record<string, unknown>,
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => banto.listen(0, '127.0.0.1', r));
    slack = await startSlackEmulator({
      workspace: demoWorkspace,
      signingSecret,
      targetUrl: `http://127.0.0.1:${(banto.address() as AddressInfo).port}/slack/events`,
    });
    session = startConsole({ emulator: slack, input, output, userId: 'U04ENG', channelId: 'C0ALERTS' });
  });
  after(async () => {
    session.close();
    await session.closed;
    await slack.stop();
    await new Promise((r) => banto.close(r));
  });

  it('shows a posted message with numbered buttons and presses one, signed like Slack', async () => {
    const from = screen.length;
    const posted = await callApi('chat.postMessage', {
      channel: 'C0ALERTS',
      text: 'job failed',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*prune-job-runs* failed <!subteam^S0ONCALL>' } },
        {
          type: 'actions',
          block_id: 'job',
          elements: [
            {
              type: 'button',
              action_id: 'jobs_run_now',
              text: { type: 'plain_text', text: 'Run now' },
              value: 'prune-job-runs',
            },
          ],
        },
      ],
    });
    assert.equal(posted.ok, true);
    await waitForScreen(/\[#alerts\] Banto:\nprune-job-runs failed @oncall\n\[1\] Run now/, from);
    input.write('1\n');
    await waitFor('the request to reach Banto', () => received.length > 0, 5000);
    const [press] = received;
    assert.ok(press, 'the press reached Banto');
    const { payload, raw, headers } = press;
    assert.equal(payload.type, 'block_actions');
    assert.deepEqual((payload.user as { id: string }).id, 'U04ENG');
    assert.deepEqual((payload.actions as { action_id: string; value: string }[])[0], {
      type: 'button',
      action_id: 'jobs_run_now',
      block_id: 'job',
      value: 'prune-job-runs',
      action_ts: (payload.actions as { action_ts: string }[])[0]!.action_ts,
    });
    assert.equal((payload.channel as { id: string }).id, 'C0ALERTS');
    const expected = signSlackRequest(signingSecret, raw, Number(headers['x-slack-request-timestamp']));
    assert.equal(headers['x-slack-signature'], expected['x-slack-signature']);
  });

  it('shows an opened modal, asks for each field and submits the values', async () => {
    received.length = 0;
    const from = screen.length;
    const opened = await callApi('views.open', {
      trigger_id: 'T1',
      view: {
        type: 'modal',
        callback_id: 'resend_mail',
        title: { type: 'plain_text', text: 'Resend mail' },
        blocks: [
          {
            type: 'input',
            block_id: 'customer',
            label: { type: 'plain_text', text: 'Customer' },
            element: { type: 'plain_text_input', action_id: 'query' },
          },
          {
            type: 'input',
            block_id: 'mail',
            label: { type: 'plain_text', text: 'Mail' },
            element: {
              type: 'static_select',
              action_id: 'pick',
              options: [
                { text: { type: 'plain_text', text: 'Reminder' }, value: 'm1' },
                { text: { type: 'plain_text', text: 'Digest' }, value: 'm2' },
              ],
            },
          },
        ],
      },
    });
    assert.equal(opened.ok, true);
    await waitForScreen(/\[modal: Resend mail\][\s\S]*type `fill`/, from);
    input.write('fill\n');
    await waitForScreen(/Customer: $/, from);
    input.write('suzuki@example.com\n');
    await waitForScreen(/Mail \[1\) Reminder {2}2\) Digest\]: $/, from);
    input.write('2\n');
    await waitFor('the request to reach Banto', () => received.length > 0, 5000);
    const view = received[0]?.payload.view as {
      callback_id: string;
      state: { values: Record<string, Record<string, unknown>> };
    };
    assert.equal(received[0]?.payload.type, 'view_submission');
    assert.equal(view.callback_id, 'resend_mail');
    assert.deepEqual(view.state.values.customer, { query: { type: 'plain_text_input', value: 'suzuki@example.com' } });
    assert.deepEqual(view.state.values.mail, {
      pick: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Digest' }, value: 'm2' } },
    });
  });
});
