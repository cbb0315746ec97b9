import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { checkSlackBody } from '../../src/edge/slack-body.js';
import { registry } from '../../src/listeners/registry.js';
import { describeRequest } from '../../src/listeners/middleware/describe-request.js';
import { demoWorkspace } from '../../src/local/workspace.js';
import { slackLimitProblems } from '../../src/local/slack-limits.js';
import { receivings, startTestBanto, type TestBanto } from '../helpers/banto.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A thousand generated requests per mode, signed as Slack signs them: commands
 * with any text, actions and submissions with random and missing fields, and
 * payloads of any JSON. Whatever comes, Banto answers within Slack's 3 s with
 * no 5xx, shows nobody an internal value, stays within Slack's limits, audits
 * every request that reached its gate once, and is still healthy at the end.
 * FUZZ_SEED=n replays a run; the seed is printed when a run fails.
 */
const seed = Number(process.env.FUZZ_SEED ?? 20261201);
const runs = Number(process.env.FUZZ_RUNS ?? 1000);

const keysOf = (kind: string) => registry.filter((e) => e.kind === kind).map((e) => e.key);
const users = demoWorkspace.users.map((u) => u.id);
const channels = demoWorkspace.channels.map((c) => c.id);
const jobNames = ['billing-daily-summary', 'prune-job-runs', 'no-such-job'];

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 3000, maxLength: 12_000 }) },
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 });
// Mostly the people and places that exist, so most requests get past the role check and run a handler.
const known = <T>(values: T[], other: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: other });
const userId = known(users, fc.string({ maxLength: 20 }));
const channelId = known(channels, fc.string({ maxLength: 20 }));

// Stands for the emulator's response_url, which exists only once Banto runs.
const responseUrlMark = '{response_url}';

const command = fc.record({
  command: known(
    ['/banto', '/payments', '/jobs', '/resend-mail'],
    fc.string({ maxLength: 20 }).map((s) => `/${s}`),
  ),
  text: fc.oneof(
    text,
    fc.constantFrom(...keysOf('command').map((k) => k.replace(/^\/banto /, ''))),
    fc.constantFrom('today', 'yesterday', '2026-11', '2026-11-01..2026-11-15', 'failed today'),
  ),
  user_id: userId,
  channel_id: channelId,
  trigger_id: maybe(fc.string({ minLength: 1, maxLength: 10 })),
  response_url: maybe(known([responseUrlMark], fc.constant('not a url'))),
});

const action = fc.record(
  {
    type: fc.constant('block_actions'),
    user: maybe(fc.record({ id: userId })),
    channel: maybe(fc.record({ id: channelId })),
    trigger_id: maybe(fc.string({ maxLength: 10 })),
    actions: fc.array(
      fc.record(
        {
          type: fc.constantFrom('button', 'static_select'),
          action_id: known(keysOf('action'), fc.string({ maxLength: 30 })),
          value: fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom(...jobNames) },
            { weight: 3, arbitrary: text },
            { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
          ),
        },
        { requiredKeys: ['action_id'] },
      ),
      { minLength: 1, maxLength: 2 },
    ),
  },
  { requiredKeys: ['type', 'user', 'actions'] },
);

const elementState = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('plain_text_input'), value: fc.oneof(text, fc.jsonValue()) }) },
  { weight: 2, arbitrary: fc.record({ selected_option: fc.record({ value: fc.oneof(fc.nat().map(String), text) }) }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const submission = fc.record(
  {
    type: fc.constant('view_submission'),
    user: maybe(fc.record({ id: userId })),
    view: fc.record(
      {
        id: fc.string({ maxLength: 10 }),
        callback_id: known(keysOf('view'), fc.string({ maxLength: 30 })),
        private_metadata: fc.oneof(
          text,
          fc.integer().map(String),
          fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
        ),
        state: fc.record(
          {
            // block id → action id → the element's state, as Slack sends it, or anything at all.
            values: fc.dictionary(
              fc.oneof(fc.constantFrom('customer', 'mail'), fc.string({ maxLength: 10 })),
              fc.dictionary(fc.oneof(fc.constantFrom('query', 'id'), fc.string({ maxLength: 10 })), elementState),
            ),
          },
          { requiredKeys: ['values'] },
        ),
      },
      { requiredKeys: ['callback_id', 'state'] },
    ),
  },
  { requiredKeys: ['type', 'user', 'view'] },
);

const anything = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    type: fc.constantFrom('shortcut', 'message_action', 'view_closed', 'block_suggestion', 'event_callback'),
  }),
);

type Request = { type: 'slash_commands'; payload: Record<string, unknown> } | { type: 'interactive'; payload: unknown };
const request: fc.Arbitrary<Request> = fc.oneof(
  { weight: 4, arbitrary: command.map((payload) => ({ type: 'slash_commands' as const, payload })) },
  { weight: 3, arbitrary: action.map((payload) => ({ type: 'interactive' as const, payload })) },
  { weight: 3, arbitrary: submission.map((payload) => ({ type: 'interactive' as const, payload })) },
  { weight: 1, arbitrary: anything.map((payload) => ({ type: 'interactive' as const, payload })) },
);

const leaks = /NaN|undefined|\[object Object\]|\n\s+at .+:\d+:\d+|TypeError|SyntaxError/;

/** A form carries strings only: what a command's fields become on their way to Banto. */
const asForm = (payload: Record<string, unknown>, responseUrl: string) =>
  Object.fromEntries(
    Object.entries(payload)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, v === responseUrlMark ? responseUrl : String(v)]),
  );

for (const receiving of receivings) {
  describe(`${runs} generated requests, ${receiving === 'socket' ? 'Socket Mode' : 'signed HTTP'} (seed ${seed})`, () => {
    let t: TestBanto;
    before(async () => {
      t = await startTestBanto('sqlite', { receiving });
    });
    after(() => t.close());

    it('answers each in time, with no 5xx, no internal value and nothing over Slack limits; audits each that reached the gate', async (ctx) => {
      const emulator = t.banto.emulator!;
      let gated = 0;
      const sent: { name: string; user: string; payload: unknown }[] = [];
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          // What Banto receives: the JSON or form that the generated value becomes on the wire.
          const payload =
            r.type === 'slash_commands'
              ? asForm(r.payload, `${emulator.apiUrl.replace(/api\/$/, '')}response/R-fuzz`)
              : (JSON.parse(JSON.stringify(r.payload ?? null)) as unknown);
          const accepted = checkSlackBody(payload).ok;
          const reply = await emulator.sendRaw(r.type, payload);
          // Socket Mode: 408 means no ack within Slack's 3 s. HTTP: the edge answers 400 for what Slack does not send.
          assert.ok(reply.status < 500 && reply.status !== 408, `status ${reply.status}`);
          if (receiving === 'http') assert.equal(reply.status, accepted ? 200 : 400, JSON.stringify(reply));
          assert.doesNotMatch(JSON.stringify(reply.body ?? ''), leaks);
          assert.deepEqual(slackLimitProblems(reply.body), []);
          const described = accepted ? describeRequest(payload) : undefined;
          if (described) {
            gated++;
            sent.push({ name: described.key, user: described.userId, payload });
          }
        }),
        { seed, numRuns: runs, endOnFailure: true, verbose: 1 },
      );
      // Handlers that answer later go on after the ack: their audit rows are the sign that each one finished.
      try {
        await waitFor(
          `${gated} audit rows`,
          async () => {
            await t.banto.audit.flush();
            return Number((await t.banto.db('banto_audit').count({ n: '*' }).first())?.n) === gated;
          },
          60_000,
        );
      } catch (error) {
        // Name the requests that reached the gate and left no row.
        const rows = await t.banto.db('banto_audit').select('name', 'user_id');
        const missing = sent.filter(
          (x) => !rows.some((r) => r.name === x.name.slice(0, 128) && r.user_id === x.user.slice(0, 32)),
        );
        throw new Error(`${(error as Error).message}; no row for ${JSON.stringify(missing).slice(0, 3000)}`);
      }
      for (const call of emulator.calls.filter((c) => c.method !== 'auth.test')) {
        assert.doesNotMatch(JSON.stringify(call.args), leaks, `${call.method} showed an internal value`);
      }
      assert.deepEqual(emulator.limitProblems, [], 'nothing Slack would refuse');
      assert.equal((await fetch(`${t.banto.url}/healthz`)).status, 200);
      const outcomes = await t.banto.db('banto_audit').select('outcome').count({ n: '*' }).groupBy('outcome');
      const errors = await t.banto.db('banto_audit').where({ outcome: 'error' }).select('name', 'result');
      ctx.diagnostic(`errors: ${JSON.stringify(errors)}`);
      ctx.diagnostic(`seed ${seed}: ${gated} of ${runs} reached the gate; ${JSON.stringify(outcomes)}`);
      assert.ok(gated > runs * 0.3, `${gated} of ${runs} reached the gate`);
    });
  });
}
