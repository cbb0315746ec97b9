import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { receivings, startTestBanto, waitForAuditRows, type TestBanto } from '../helpers/banto.js';

const EXEC = 'U01EXEC';
const ENGINEER = 'U06ONCALL';
const GENERAL = 'C0GENERAL';

for (const receiving of receivings) {
  describe(`answers that arrive when response_url fails, ${receiving === 'socket' ? 'Socket Mode' : 'signed HTTP'}`, () => {
    let t: TestBanto;
    before(async () => {
      t = await startTestBanto('sqlite', { receiving });
    });
    after(() => t.close());

    const payments = async (text: string) => {
      const emulator = t.banto.emulator!;
      const from = emulator.calls.length;
      const reply = await emulator.sendCommand({ userId: EXEC, channelId: GENERAL, command: '/payments', text });
      assert.equal(reply.status, 200);
      const [row] = await waitForAuditRows(t.banto, 1, (r) => r.name === '/payments' && r.arguments === text);
      return { row, calls: emulator.calls.slice(from) };
    };

    it('tries response_url again after a 500, twice, and the person gets the /payments answer', async () => {
      t.banto.emulator!.failNext('response_url', { status: 500 }, { status: 500 });
      const { row, calls } = await payments('2026-11-30');
      const posts = calls.filter((c) => c.method === 'response_url');
      assert.deepEqual(
        posts.map((c) => c.response.ok),
        [false, false, true],
      );
      assert.match(String(posts[2]?.args.text), /2026-11-30/);
      assert.equal(row?.outcome, 'allowed');
      assert.equal(row?.reason, null, 'answered by response_url');
    });

    it('falls back to chat.postEphemeral for the same person when response_url keeps failing, and audits the route', async () => {
      t.banto.emulator!.failNext('response_url', { status: 503 }, { status: 500 }, { hangMs: 60_000 });
      const { row, calls } = await payments('2026-11-29');
      const ephemeral = calls.filter((c) => c.method === 'chat.postEphemeral' && c.response.ok);
      assert.equal(ephemeral.length, 1);
      assert.equal(ephemeral[0]?.args.user, EXEC);
      assert.equal(ephemeral[0]?.args.channel, GENERAL);
      assert.match(String(ephemeral[0]?.args.text), /2026-11-29/);
      assert.equal(ephemeral[0]?.args.response_type, undefined);
      assert.equal(row?.reason, 'answered by chat.postEphemeral');
    });

    it('does not retry an expired response_url (404) and sends a direct message when the channel refuses too', async () => {
      t.banto.emulator!.failNext('response_url', { status: 404 });
      t.banto.emulator!.failNext('chat.postEphemeral', { error: 'channel_not_found' });
      const { row, calls } = await payments('2026-11-28');
      assert.equal(
        calls.filter((c) => c.method === 'response_url').length,
        1,
        JSON.stringify(calls.map((c) => [c.method, c.args.channel, c.response])),
      );
      const dm = calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === EXEC && c.response.ok);
      assert.equal(dm.length, 1, JSON.stringify(calls.map((c) => [c.method, c.args.channel, c.response.ok])));
      assert.equal(row?.reason, 'answered by dm');
    });

    it('answers a "Run now" press from a message without a response_url privately in its channel', async () => {
      const emulator = t.banto.emulator!;
      const from = emulator.calls.length;
      await emulator.sendRaw('interactive', {
        type: 'block_actions',
        user: { id: ENGINEER },
        channel: { id: GENERAL },
        actions: [{ type: 'button', action_id: 'jobs_run_now', value: 'no-such-job' }],
      });
      const [row] = await waitForAuditRows(
        t.banto,
        1,
        (r) => r.name === 'jobs_run_now' && r.arguments === 'no-such-job',
      );
      assert.equal(row?.reason, 'answered by chat.postEphemeral');
      const sent = emulator.calls.slice(from).filter((c) => c.method === 'chat.postEphemeral');
      assert.equal(sent[0]?.args.user, ENGINEER);
    });
  });
}
