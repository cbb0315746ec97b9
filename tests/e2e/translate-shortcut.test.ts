import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { translateShortcutId } from '../../src/listeners/registry.js';
import { startTestBanto, waitForAuditRows, type TestBanto } from '../helpers/banto.js';
import { startFakeDeepl, type FakeDeepl } from '../helpers/fake-deepl.js';

const CLERK = 'U03CLERK';
const GUEST = 'U05GUEST';
const customerMail = {
  text: 'Hi, I was charged twice this month. Could you refund one?',
  user: 'U05GUEST',
  ts: '1796090000.000200',
};

// The shortcut reads no business data: one database kind is enough to carry its audit rows.
describe('the "Translate" message shortcut through the emulator, signed HTTP', () => {
  let t: TestBanto;
  let deepl: FakeDeepl;
  before(async () => {
    deepl = await startFakeDeepl();
    t = await startTestBanto('sqlite', {
      receiving: 'http',
      users: 5,
      env: { DEEPL_AUTH_KEY: 'slack-test-key:fx', DEEPL_SERVER_URL: deepl.url },
    });
  });
  after(async () => {
    await t.close();
    await deepl.stop();
  });
  beforeEach(() => deepl.requests.splice(0));

  const shortcutBy = async (userId: string) => {
    const emulator = t.banto.emulator!;
    const sent = emulator.calls.length;
    const reply = await emulator.messageShortcut({
      userId,
      channelId: 'C0GENERAL',
      callbackId: translateShortcutId,
      message: customerMail,
    });
    assert.equal(reply.status, 200);
    const answer = await emulator.waitForCall('response_url', (c) => emulator.calls.indexOf(c) >= sent);
    return answer.args as { response_type?: string; replace_original?: boolean; text?: string; blocks?: unknown[] };
  };

  it('answers a clerk privately with the translation, and audits which message without its words', async () => {
    deepl.answer({ detected: 'EN', text: '今月二重に請求されました。一件返金していただけますか。' });
    const answer = await shortcutBy(CLERK);
    assert.equal(answer.response_type, 'ephemeral');
    assert.equal(answer.replace_original, false);
    assert.equal(answer.text, '今月二重に請求されました。一件返金していただけますか。');
    assert.match(JSON.stringify(answer.blocks), /英語から日本語への翻訳 \(DeepL、あなたにだけ表示\)/);
    assert.deepEqual(deepl.requests[0]?.form.text, [customerMail.text]);
    assert.equal(deepl.requests[0]?.authorization, 'DeepL-Auth-Key slack-test-key:fx');
    const [row] = await waitForAuditRows(t.banto, 1, (r) => r.kind === 'shortcut' && r.user_id === CLERK);
    assert.equal(row?.name, translateShortcutId);
    assert.equal(row?.outcome, 'allowed');
    assert.equal(row?.arguments, customerMail.ts);
    assert.equal(row?.result, `en to ja, ${customerMail.text.length} characters`);
    assert.doesNotMatch(JSON.stringify(row), /charged twice/);
  });

  it('refuses someone with no Banto role, before DeepL is asked', async () => {
    const answer = await shortcutBy(GUEST);
    assert.equal(answer.response_type, 'ephemeral');
    assert.match(answer.text ?? '', /"Translate"/);
    const [row] = await waitForAuditRows(t.banto, 1, (r) => r.kind === 'shortcut' && r.user_id === GUEST);
    assert.equal(row?.outcome, 'refused');
    assert.equal(deepl.requests.length, 0);
  });

  it("says plainly when DeepL's quota is used up, and audits the code", async () => {
    deepl.answer({ status: 456, message: 'Quota exceeded' });
    const answer = await shortcutBy(CLERK);
    assert.equal(answer.text, '今月の DeepL の翻訳文字数を使い切りました。エンジニアに連絡してください。');
    await waitForAuditRows(t.banto, 1, (r) => r.kind === 'shortcut' && r.result === 'TRANSLATE_QUOTA');
    assert.equal(deepl.requests.length, 1, 'a quota error is not retried');
  });
});
