import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Knex } from 'knex';
import { demoWorkspace, type Workspace } from '../../src/local/workspace.js';
import { databaseKinds } from '../helpers/databases.js';
import { receivings, startTestBanto, waitForAuditRows, type TestBanto } from '../helpers/banto.js';
import { testNow } from '../helpers/clock.js';

const EXEC = 'U01EXEC';
const ACCOUNTING = 'U02ACCT';
const CLERK = 'U03CLERK';
const ENGINEER = 'U04ENG';
const BILLING = 'C0BILLING';
const GENERAL = 'C0GENERAL';
const yen = (n: number) => `¥${n.toLocaleString('ja-JP')}`;

/** Independent figures: plain SQL over [start, end) of Tokyo days (fixed +09:00, no DST). */
async function independentTotals(db: Knex, kind: string, firstDay: string, daysLong: number) {
  const start = new Date(Date.parse(`${firstDay}T00:00:00+09:00`));
  const end = new Date(start.getTime() + daysLong * 86_400_000);
  const fmt = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
  const sql =
    'select status, count(*) as n, coalesce(sum(amount), 0) as total from payments where paid_at >= ? and paid_at < ? group by status';
  const result = (await db.raw(sql, [fmt(start), fmt(end)])) as unknown;
  const rows = (kind === 'sqlite' ? result : (result as unknown[])[0]) as {
    status: string;
    n: number;
    total: number | string;
  }[];
  const get = (status: string) => {
    const row = rows.find((r) => r.status === status);
    return { count: Number(row?.n ?? 0), total: Number(row?.total ?? 0) };
  };
  return { succeeded: get('succeeded'), failed: get('failed'), refunded: get('refunded') };
}

for (const kind of databaseKinds) {
  for (const receiving of receivings)
    describe(`/payments through the emulator, ${receiving === 'socket' ? 'Socket Mode' : 'signed HTTP'} (${kind})`, () => {
      let t: TestBanto;
      const today = testNow.startOf('day');
      before(async () => {
        t = await startTestBanto(kind, { users: 600, receiving });
      });
      after(async () => t.close());

      const ask = async (userId: string, channelId: string, text: string) => {
        const emulator = t.banto.emulator!;
        const sent = emulator.calls.length;
        const reply = await emulator.sendCommand({ userId, channelId, command: '/payments', text });
        assert.equal(reply.status, 200);
        assert.equal(reply.body, undefined, 'acknowledged at once, answered after');
        const answer = await emulator.waitForCall('response_url', (c) => emulator.calls.indexOf(c) >= sent);
        return {
          type: answer.args.response_type,
          text: String(answer.args.text),
          blocks: JSON.stringify(answer.args.blocks),
        };
      };

      const cases = [
        { form: 'today', first: today, days: 1 },
        { form: today.minus({ days: 3 }).toISODate()!, first: today.minus({ days: 3 }), days: 1 },
        { form: today.toFormat('yyyy-MM'), first: today.startOf('month'), days: today.daysInMonth! },
        {
          form: `${today.minus({ days: 40 }).toISODate()}..${today.minus({ days: 10 }).toISODate()}`,
          first: today.minus({ days: 40 }),
          days: 31,
        },
      ];
      for (const c of cases) {
        it(`gives exec and accounting the right figures for "${c.form}"`, async () => {
          const expected = await independentTotals(t.banto.db, kind, c.first.toISODate()!, c.days);
          for (const userId of [EXEC, ACCOUNTING]) {
            const answer = await ask(userId, userId === EXEC ? BILLING : GENERAL, c.form);
            assert.match(
              answer.text,
              new RegExp(
                `成功 ${expected.succeeded.count.toLocaleString('ja-JP')} 件 / 合計 ${yen(expected.succeeded.total)}`,
              ),
            );
            assert.ok(
              answer.blocks.includes(
                `*失敗*\\n${expected.failed.count.toLocaleString('ja-JP')} 件 / ${yen(expected.failed.total)}`,
              ),
              answer.blocks,
            );
            assert.ok(
              answer.blocks.includes(
                `*返金*\\n${expected.refunded.count.toLocaleString('ja-JP')} 件 / ${yen(expected.refunded.total)}`,
              ),
            );
          }
        });
      }

      it('posts for the channel only in the guarded billing channel; anywhere else only the caller sees it', async () => {
        assert.equal((await ask(EXEC, BILLING, 'yesterday')).type, 'in_channel');
        assert.equal((await ask(EXEC, GENERAL, 'yesterday')).type, 'ephemeral');
        assert.equal((await ask(ACCOUNTING, 'C0ALERTS', 'yesterday')).type, 'ephemeral');
      });

      it('refuses a clerk and an engineer, and shows them no figure', async () => {
        const emulator = t.banto.emulator!;
        for (const userId of [CLERK, ENGINEER]) {
          const sent = emulator.calls.length;
          const reply = await emulator.sendCommand({ userId, channelId: BILLING, command: '/payments', text: 'today' });
          assert.match(String(reply.body?.text), /経営 \(exec\)・経理 \(accounting\) のロールが必要です/);
          assert.equal(reply.body?.response_type, 'ephemeral');
          // The refusal's audit row says the request was fully handled; only then look for what must be absent.
          await waitForAuditRows(
            t.banto,
            1,
            (r) => r.user_id === userId && r.name === '/payments' && r.outcome === 'refused',
          );
          assert.deepEqual(
            emulator.calls.slice(sent).filter((c) => c.method === 'response_url' || c.method.startsWith('chat.')),
            [],
          );
        }
      });

      it('answers each bad form with the accepted forms, ephemeral, and nothing else', async () => {
        const forms = {
          bogus: '期間の書き方が違います',
          '2026-13': '期間の書き方が違います',
          '2026-02-30': '期間の書き方が違います',
          '2026-11-15..2026-11-01': '終わりが始まりより前',
          '2025-01-01..2026-01-01': '1年を超えて',
          '2026-11-01..': '期間の書き方が違います',
        };
        for (const [form, problem] of Object.entries(forms)) {
          const answer = await ask(EXEC, BILLING, form);
          assert.equal(answer.type, 'ephemeral', form);
          assert.match(answer.text, new RegExp(problem), form);
          assert.match(
            answer.text,
            /`today` `yesterday` `2026-11-29` \(日\) `2026-11` \(月\) `2026-11-01\.\.2026-11-15`/,
          );
          assert.doesNotMatch(answer.text, /¥/);
        }
        const aYear = await ask(EXEC, GENERAL, '2025-01-02..2026-01-01');
        assert.match(aYear.text, /2025-01-02\.\.2026-01-01 の決済/, 'exactly a year is accepted');
      });
    });

  describe(`the billing-channel guard (${kind})`, () => {
    let t: TestBanto;
    const leaky: Workspace = {
      ...demoWorkspace,
      channels: demoWorkspace.channels.map((c) => (c.id === BILLING ? { ...c, members: [...c.members, CLERK] } : c)),
    };
    before(async () => {
      t = await startTestBanto(kind, { users: 50, workspace: leaky });
    });
    after(async () => t.close());

    it('answers only the caller when a member of the billing channel lacks the role', async () => {
      const emulator = t.banto.emulator!;
      const sent = emulator.calls.length;
      await emulator.sendCommand({ userId: EXEC, channelId: BILLING, command: '/payments', text: 'today' });
      const answer = await emulator.waitForCall('response_url', (c) => emulator.calls.indexOf(c) >= sent);
      assert.equal(answer.args.response_type, 'ephemeral');
      const alert = await emulator.waitForCall('chat.postMessage', (c) => c.args.channel === 'C0ALERTS');
      assert.match(String(alert.args.text), /<@U03CLERK>/, 'the alert names who should not be there');
      await emulator.sendCommand({ userId: EXEC, channelId: BILLING, command: '/payments', text: 'yesterday' });
      await emulator.waitForCall('response_url', (c) => emulator.calls.indexOf(c) > emulator.calls.indexOf(answer));
      assert.equal(
        emulator.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0ALERTS').length,
        1,
        'one alert, not one per command',
      );
    });
  });
}
