import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { receivings, startTestBanto, waitForAuditRows, type TestBanto } from '../helpers/banto.js';

const CLERK = 'U03CLERK';
const ENGINEER = 'U06ONCALL';
const GENERAL = 'C0GENERAL';
const user = { id: CLERK, username: 'clerk', team_id: 'T0DEMO' };

/** What Slack would never send, each found by driving Banto from outside (issue 11). */
const malformed: [string, unknown][] = [
  ['null', null],
  ['an empty array', []],
  ['a number', 42],
  ['a string', 'str'],
  ['block_actions alone', { type: 'block_actions' }],
  ['block_actions with no actions', { type: 'block_actions', user, actions: [] }],
  ['block_actions with no user', { type: 'block_actions', actions: [{ action_id: 'run_job', value: 'x' }] }],
  [
    'a button value that is an object',
    { type: 'block_actions', user, actions: [{ action_id: 'run_job', value: { a: 1 } }] },
  ],
  ['a submission with no view', { type: 'view_submission', user }],
  [
    'a submission with no user',
    { type: 'view_submission', view: { callback_id: 'resend_find', state: { values: {} } } },
  ],
  ['a submission with no state', { type: 'view_submission', user, view: { callback_id: 'resend_find' } }],
  [
    'a submission whose values are null',
    { type: 'view_submission', user, view: { callback_id: 'resend_find', state: { values: null } } },
  ],
];

for (const receiving of receivings) {
  describe(`the edge refuses what Slack does not send, ${receiving === 'socket' ? 'Socket Mode' : 'signed HTTP'}`, () => {
    let t: TestBanto;
    before(async () => {
      t = await startTestBanto('sqlite', { receiving });
    });
    after(() => t.close());

    for (const [name, payload] of malformed) {
      it(`answers ${name} at once, runs nothing and stays up`, async () => {
        const rowsBefore = (await waitForAuditRows(t.banto, 0)).length;
        const reply = await t.banto.emulator!.sendRaw('interactive', payload);
        // Over HTTP a 400; over Socket Mode, where no status exists, an acknowledgement with no payload.
        assert.deepEqual(
          reply,
          receiving === 'http' ? { status: 400, body: reply.body } : { status: 200, body: undefined },
        );
        if (receiving === 'http') assert.equal(reply.body?.error, 'invalid_slack_request');
        // The positive sign that the edge is done with it and Banto still serves: a command after it is audited.
        await t.banto.emulator!.sendCommand({
          userId: ENGINEER,
          channelId: GENERAL,
          command: '/banto',
          text: 'whoami',
        });
        const rows = await waitForAuditRows(t.banto, rowsBefore + 1);
        // Only that command's row: the malformed request left none.
        assert.deepEqual(
          rows.slice(rowsBefore).map((r) => r.name),
          ['/banto whoami'],
        );
        const health = await fetch(`${t.banto.url}/healthz`);
        assert.equal(health.status, 200);
      });
    }

    it(
      'answers a command whose fields are not a command with 400, and its text echoed nowhere',
      { skip: receiving === 'socket' && 'form fields exist only over HTTP' },
      async () => {
        const reply = await t.banto.emulator!.sendRaw('slash_commands', {
          command: 'payments',
          text: 'today',
          user_id: CLERK,
        });
        assert.equal(reply.status, 400);
        assert.match(String(reply.body?.reason), /command/);
      },
    );
  });
}

describe('the edge over HTTP: bodies that are not JSON or forms at all', () => {
  let t: TestBanto;
  before(async () => {
    t = await startTestBanto('sqlite', { receiving: 'http' });
  });
  after(() => t.close());

  const cases: [string, string, string][] = [
    ['payload=null as a form', 'payload=null', 'application/x-www-form-urlencoded'],
    ['a JSON body null', 'null', 'application/json'],
    ['random bytes as a form', '\u0001\u00ff%%%=&&==\u0000', 'application/x-www-form-urlencoded'],
    ['a payload that is not JSON', 'payload=%7B', 'application/x-www-form-urlencoded'],
    ['a body of an unknown type', 'hello', 'text/plain'],
  ];
  for (const [name, body, contentType] of cases) {
    it(`answers ${name} with 400 and stays up`, async () => {
      const reply = await t.banto.emulator!.post(body, { contentType });
      assert.equal(reply.status, 400);
      assert.equal((await fetch(`${t.banto.url}/healthz`)).status, 200);
    });
  }

  it('answers an unsigned ssl_check with 200 and runs nothing', async () => {
    const reply = await fetch(`${t.banto.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ssl_check=1&token=x',
    });
    assert.equal(reply.status, 200);
  });

  it("answers Slack's url_verification with its challenge", async () => {
    const reply = await t.banto.emulator!.post(JSON.stringify({ type: 'url_verification', challenge: 'c-123' }), {
      contentType: 'application/json',
    });
    assert.deepEqual(reply, { status: 200, body: { challenge: 'c-123' } });
  });

  it('refuses a body over the limit with 413', async () => {
    const reply = await t.banto.emulator!.post(`payload=${'x'.repeat(1024 * 1024 + 1)}`);
    assert.equal(reply.status, 413);
  });
});

const submission = (callbackId: string, values: unknown, privateMetadata?: string) => ({
  type: 'view_submission',
  team: { id: 'T0DEMO' },
  user,
  api_app_id: 'A0BANTO',
  view: {
    id: 'V0FORGED',
    callback_id: callbackId,
    ...(privateMetadata === undefined ? {} : { private_metadata: privateMetadata }),
    state: { values },
  },
});
const shownToPeople = (value: unknown) => JSON.stringify(value ?? '');

for (const receiving of receivings) {
  describe(`values inside well-formed requests, ${receiving === 'socket' ? 'Socket Mode' : 'signed HTTP'}`, () => {
    let t: TestBanto;
    before(async () => {
      t = await startTestBanto('sqlite', { receiving });
    });
    after(() => t.close());

    const invalidSubmissions: [string, unknown][] = [
      [
        'resend_find whose query is a number',
        submission('resend_find', { customer: { query: { type: 'plain_text_input', value: 42 } } }),
      ],
      [
        'resend_pick whose private_metadata is "{"',
        submission('resend_pick', { mail: { id: { selected_option: { value: '1' } } } }, '{'),
      ],
      ['resend_confirm with no private_metadata', submission('resend_confirm', {})],
    ];
    for (const [name, payload] of invalidSubmissions) {
      it(`answers ${name} in the modal, audits it as INVALID_INPUT and shows no internal value`, async () => {
        const reply = await t.banto.emulator!.sendRaw('interactive', payload);
        assert.equal(reply.status, 200);
        assert.equal(reply.body?.response_action, 'update');
        assert.match(shownToPeople(reply.body), /モーダルを開き直して/);
        assert.doesNotMatch(shownToPeople(reply.body), /NaN|undefined|\[object Object\]/);
        const callbackId = (payload as { view: { callback_id: string } }).view.callback_id;
        const [row] = await waitForAuditRows(t.banto, 1, (r) => r.name === callbackId && r.result === 'INVALID_INPUT');
        assert.equal(row?.outcome, 'error');
      });
    }

    it('answers a "Run now" press for a job that does not exist with its name cut short', async () => {
      const press = {
        type: 'block_actions',
        team: { id: 'T0DEMO' },
        user: { id: ENGINEER },
        api_app_id: 'A0BANTO',
        channel: { id: GENERAL },
        response_url: `${t.banto.emulator!.apiUrl.replace(/api\/$/, '')}response/R-forged`,
        actions: [{ type: 'button', action_id: 'jobs_run_now', block_id: 'b', value: `<!channel>${'j'.repeat(1990)}` }],
      };
      const reply = await t.banto.emulator!.sendRaw('interactive', press);
      assert.equal(reply.status, 200);
      await waitForAuditRows(t.banto, 1, (r) => r.name === 'jobs_run_now' && r.result === 'unknown job');
      const answer = t.banto.emulator!.callsTo('response_url').find((c) => c.args.response_url_id === 'R-forged');
      assert.ok(answer, 'the person is told');
      const text = shownToPeople(answer.args);
      assert.ok(text.length < 1000, `the answer is ${text.length} characters`);
      assert.doesNotMatch(text, /<!channel>|\[object Object\]/);
    });

    it('refuses /banto with a 10,000-character word in a short answer within Slack limits', async () => {
      const reply = await t.banto.emulator!.sendCommand({
        userId: ENGINEER,
        channelId: GENERAL,
        command: '/banto',
        text: 'w'.repeat(10_000),
      });
      assert.equal(reply.status, 200);
      assert.ok(shownToPeople(reply.body).length < 1000);
      await waitForAuditRows(t.banto, 1, (r) => r.name.startsWith('/banto w') && r.outcome === 'refused');
    });

    it('opens the resend modal for /resend-mail with 10,000 characters, its fields within Slack limits', async () => {
      const emulator = t.banto.emulator!;
      const before = emulator.callsTo('views.open').length;
      await emulator.sendCommand({
        userId: CLERK,
        channelId: GENERAL,
        command: '/resend-mail',
        text: 'q'.repeat(10_000),
      });
      await waitForAuditRows(t.banto, 1, (r) => r.name === '/resend-mail' && r.result === 'not found');
      const opened = emulator.callsTo('views.open').slice(before);
      assert.equal(opened.length, 1);
      assert.equal(opened[0]?.response.ok, true, JSON.stringify(opened[0]?.response));
    });

    after(() => assert.deepEqual(t.banto.emulator!.limitProblems, [], 'nothing Slack would refuse'));
  });
}
