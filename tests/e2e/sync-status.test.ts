import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPartnerApi, type PartnerApi } from '../../src/local/partner-api.js';
import { demoConfigPath, startTestBanto, waitForAuditRows, type TestBanto } from '../helpers/banto.js';
import { testNow } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/databases.js';

const ENGINEER = 'U04ENG';
const CLERK = 'U03CLERK';
const GUEST = 'U05GUEST';

/** The demo config plus one sync source at the test's partner. */
function configWithSource(partnerUrl: string): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'banto-config-'));
  const path = join(dir, 'banto.yml');
  writeFileSync(
    path,
    `${readFileSync(demoConfigPath, 'utf8').replace(/^sync:[\s\S]*?(?=^\S)/m, '')}
sync:
  sources:
    crm:
      url: ${partnerUrl}
      page_size: 10
      key: id
      fields:
        id: { type: string, max: 32 }
        plan: { type: string, max: 16 }
        updated_at: { type: datetime }
      updated_at_field: updated_at
`,
  );
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

for (const kind of databaseKinds) {
  describe(`/sync-status and its buttons through the emulator, signed HTTP (${kind})`, () => {
    let t: TestBanto;
    let partner: PartnerApi;
    let config: { path: string; remove(): void };
    before(async () => {
      partner = await startPartnerApi();
      const updated_at = testNow.minus({ minutes: 3 }).toUTC().toISO()!;
      for (let i = 1; i <= 25; i++) partner.put({ id: `c${i}`, plan: 'paid', updated_at });
      partner.put({ id: 'c26', plan: 'a plan name far too long', updated_at });
      config = configWithSource(partner.url);
      t = await startTestBanto(kind, { receiving: 'http', users: 20, env: { BANTO_CONFIG: config.path } });
    });
    after(async () => {
      await t.close();
      await partner.close();
      config.remove();
    });

    const answerAfter = (sent: number, matches: RegExp) => {
      const emulator = t.banto.emulator!;
      return emulator.waitForCall(
        'response_url',
        (c) => emulator.calls.indexOf(c) >= sent && matches.test(JSON.stringify(c.args)),
      );
    };

    it('shows an engineer the sources with buttons, a clerk without, and refuses someone with no role', async () => {
      const emulator = t.banto.emulator!;
      let sent = emulator.calls.length;
      assert.equal(
        (await emulator.sendCommand({ userId: ENGINEER, channelId: 'C0ALERTS', command: '/sync-status' })).status,
        200,
      );
      const engineer = JSON.stringify((await answerAfter(sent, /crm/)).args);
      assert.match(engineer, /\*crm\* — :white_circle: 未実行/);
      assert.match(engineer, /"action_id":"sync_now","value":"crm"/);
      assert.match(engineer, /"action_id":"sync_show_errors","value":"crm"/);

      sent = emulator.calls.length;
      await emulator.sendCommand({ userId: CLERK, channelId: 'C0GENERAL', command: '/sync-status' });
      const clerk = JSON.stringify((await answerAfter(sent, /crm/)).args);
      assert.match(clerk, /\*crm\*/);
      assert.doesNotMatch(clerk, /sync_now|sync_show_errors/);

      const guest = await emulator.sendCommand({ userId: GUEST, channelId: 'C0GENERAL', command: '/sync-status' });
      assert.match(String(guest.body?.text), /\/sync-status/);
      const rows = await waitForAuditRows(t.banto, 3, (r) => r.name === '/sync-status');
      assert.deepEqual(
        rows.map((r) => [r.user_id, r.outcome]),
        [
          [ENGINEER, 'allowed'],
          [CLERK, 'allowed'],
          [GUEST, 'refused'],
        ],
      );
    });

    it('runs the source once when an engineer presses Sync now twice, and refuses a clerk', async () => {
      const emulator = t.banto.emulator!;
      const sent = emulator.calls.length;
      const press = () =>
        emulator.pressButton({ userId: ENGINEER, channelId: 'C0ALERTS', actionId: 'sync_now', value: 'crm' });
      const replies = await Promise.all([press(), press()]);
      assert.deepEqual(
        replies.map((r) => r.status),
        [200, 200],
      );
      await answerAfter(sent, /\*crm\*: 3 pages, 26 fetched, 25 inserted, 0 updated, 1 skipped/);
      await answerAfter(sent, /already started this minute|すでにこの 1 分の間に開始/);
      const audit = await waitForAuditRows(t.banto, 2, (r) => r.name === 'sync_now');
      assert.deepEqual(audit.map((r) => r.result).sort(), ['crm: already started this minute', 'crm: succeeded']);
      assert.equal((await t.banto.db('banto_sync_runs')).length, 1, 'one run for two presses');
      assert.equal((await t.banto.db('banto_sync_crm')).length, 25);
      const [job] = await t.banto.db('banto_job_runs').where({ job: 'sync-crm' });
      assert.deepEqual([job.trigger, job.started_by, job.status], ['manual', ENGINEER, 'succeeded']);

      await emulator.pressButton({ userId: CLERK, channelId: 'C0GENERAL', actionId: 'sync_now', value: 'crm' });
      const refused = await waitForAuditRows(t.banto, 1, (r) => r.name === 'sync_now' && r.user_id === CLERK);
      assert.equal(refused[0]?.outcome, 'refused');
      assert.equal((await t.banto.db('banto_sync_runs')).length, 1, 'the clerk ran nothing');
    });

    it('shows the skipped records in a modal, and refuses a source that does not exist', async () => {
      const emulator = t.banto.emulator!;
      const opened = emulator.calls.length;
      await emulator.pressButton({
        userId: ENGINEER,
        channelId: 'C0ALERTS',
        actionId: 'sync_show_errors',
        value: 'crm',
      });
      const modal = await emulator.waitForCall('views.open', (c) => emulator.calls.indexOf(c) >= opened);
      const text = JSON.stringify(modal.args.view);
      assert.match(text, /c26/);
      assert.match(text, /plan: Too big: expected string to have <=16 characters/);

      const sent = emulator.calls.length;
      await emulator.pressButton({ userId: ENGINEER, channelId: 'C0ALERTS', actionId: 'sync_now', value: 'nope' });
      await answerAfter(sent, /nope/);
      const garbage = emulator.calls.length;
      await emulator.pressButton({
        userId: ENGINEER,
        channelId: 'C0ALERTS',
        actionId: 'sync_now',
        value: 'DROP TABLE',
      });
      const rows = await waitForAuditRows(t.banto, 1, (r) => r.name === 'sync_now' && r.outcome === 'error');
      assert.equal(rows[0]?.result, 'INVALID_INPUT');
      // The person hears it plainly (the gate answers after writing the row).
      await answerAfter(garbage, /"response_type":"ephemeral"/);
      assert.equal((await t.banto.db('banto_sync_runs')).length, 1, 'neither press ran anything');
    });
  });
}
