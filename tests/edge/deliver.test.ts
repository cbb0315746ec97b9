import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { App, ReceiverEvent } from '@slack/bolt';
import { pino } from 'pino';
import { deliverToBolt, type DeliverOptions } from '../../src/edge/deliver.js';
import { waitFor } from '../helpers/wait.js';

/** Stands in for Bolt's App: deliverToBolt only calls processEvent, and these are the ways a handler behaves. */
const appThat = (processEvent: (event: ReceiverEvent) => Promise<void>) => ({ processEvent }) as unknown as App;

function setup() {
  const sent: unknown[] = [];
  const logs: string[] = [];
  const event: ReceiverEvent = {
    body: { command: '/banto', user_id: 'U04ENG' },
    ack: async (response?: unknown) => void sent.push(response ?? 'bare'),
  };
  const options: DeliverOptions = {
    logger: pino({ level: 'warn' }, { write: (line: string) => void logs.push(line) }),
    ackDeadlineMs: 50,
    unanswered: (kind, reason) => ({ kind, reason }),
  };
  return { sent, logs, event, options };
}

describe('one ack per request, in time', () => {
  it('acks for a handler that never answers once the deadline passes', async () => {
    const { sent, event, options } = setup();
    void deliverToBolt(
      appThat(() => new Promise(() => undefined)),
      event,
      'command',
      options,
    );
    await waitFor('the late ack', () => sent.length === 1);
    assert.deepEqual(sent, [{ kind: 'command', reason: 'late' }]);
  });

  it('acks with the failure answer when Bolt throws before anyone acked', async () => {
    const { sent, event, options } = setup();
    await deliverToBolt(
      appThat(async () => Promise.reject(new Error('boom'))),
      event,
      'command',
      options,
    );
    assert.deepEqual(sent, [{ kind: 'command', reason: 'failed' }]);
  });

  it('sends the first answer only when a handler acks twice, and a bare ack when nothing listened', async () => {
    const twice = setup();
    await deliverToBolt(
      appThat(async (e) => {
        await e.ack({ text: 'first' });
        await e.ack({ text: 'second' });
      }),
      twice.event,
      'command',
      twice.options,
    );
    assert.deepEqual(twice.sent, [{ text: 'first' }]);
    const nobody = setup();
    await deliverToBolt(
      appThat(async () => undefined),
      nobody.event,
      'view_closed',
      nobody.options,
    );
    assert.deepEqual(nobody.sent, ['bare']);
  });

  it('drops a handler’s answer that comes after the late ack', async () => {
    const { sent, event, options } = setup();
    let answer: (() => Promise<void>) | undefined;
    const done = deliverToBolt(
      appThat((e) => new Promise<void>((resolve) => (answer = () => e.ack({ text: 'too late' }).then(resolve)))),
      event,
      'command',
      options,
    );
    await waitFor('the late ack', () => sent.length === 1);
    await answer!();
    await done;
    assert.deepEqual(sent, [{ kind: 'command', reason: 'late' }]);
  });
});
