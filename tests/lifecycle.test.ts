import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStopStack } from '../src/lifecycle.js';

describe('the stop stack start-up and stop() share', () => {
  it('stops what was started newest first, once, and goes on past a step that fails', async () => {
    const stopped: string[] = [];
    const failures: string[] = [];
    const stack = createStopStack((name) => failures.push(name));
    stack.defer('database', () => void stopped.push('database'));
    stack.defer('emulator', async () => void stopped.push('emulator'));
    stack.defer('http server', () => {
      throw new Error('already closed');
    });
    stack.defer('schedules', () => void stopped.push('schedules'));
    const [first, second] = await Promise.all([stack.unwind(), stack.unwind()]);
    assert.deepEqual(stopped, ['schedules', 'emulator', 'database']);
    assert.deepEqual(first, ['http server']);
    assert.deepEqual(second, ['http server'], 'a second call waits for the same stop');
    assert.deepEqual(failures, ['http server']);
    assert.deepEqual(await stack.unwind(), ['http server']);
    assert.equal(stopped.length, 3, 'nothing stopped twice');
    assert.throws(() => stack.defer('late', () => undefined), /stopping/);
  });
});
