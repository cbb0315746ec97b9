import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runBanto } from './helpers/cli.js';
import { startFakeDeepl, type FakeDeepl } from './helpers/fake-deepl.js';

// Run from a folder outside the project: an engineer translates wherever they are, without Banto's config.
const home = mkdtempSync(join(tmpdir(), 'banto-translate-'));
after(() => rmSync(home, { recursive: true, force: true }));

let deepl: FakeDeepl;
before(async () => (deepl = await startFakeDeepl()));
after(() => deepl.stop());
beforeEach(() => deepl.requests.splice(0));

const env = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  HOME: home,
  DEEPL_AUTH_KEY: 'test-key-1234:fx',
  DEEPL_SERVER_URL: deepl.url,
  ...extra,
});

describe('banto translate against a fake DeepL on loopback', () => {
  it('sends English to Japanese with the key, polite by default, the source left to DeepL', async () => {
    deepl.answer({ detected: 'EN', text: 'お支払いを確認しました。' });
    const run = await runBanto(['translate', 'We', 'received', 'your payment.'], { env: env(), cwd: home });
    assert.deepEqual(run, { status: 0, stdout: 'お支払いを確認しました。\n', stderr: '' });
    assert.equal(deepl.requests.length, 1);
    const [request] = deepl.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/v2/translate');
    assert.equal(request?.authorization, 'DeepL-Auth-Key test-key-1234:fx');
    assert.match(request?.contentType ?? '', /application\/x-www-form-urlencoded/);
    assert.deepEqual(request?.form.text, ['We received your payment.']);
    assert.deepEqual(request?.form.target_lang, ['ja']);
    assert.deepEqual(request?.form.formality, ['prefer_more']);
    assert.equal(request?.form.source_lang, undefined);
  });

  it('reads stdin; Japanese goes to English; --formality is passed as given', async () => {
    deepl.answer({ detected: 'JA', text: 'Your card was declined.\nPlease update it.' });
    const run = await runBanto(['translate', '--formality', 'less'], {
      env: env(),
      cwd: home,
      input: 'カードが拒否されました。\n更新してください。\n',
    });
    assert.deepEqual(run, { status: 0, stdout: 'Your card was declined.\nPlease update it.\n', stderr: '' });
    assert.deepEqual(deepl.requests[0]?.form.text, ['カードが拒否されました。\n更新してください。\n']);
    assert.deepEqual(deepl.requests[0]?.form.target_lang, ['en-US']);
    assert.deepEqual(deepl.requests[0]?.form.formality, ['less']);
  });

  it("uses the config's glossary for the direction, naming the source as DeepL requires", async () => {
    const project = join(home, 'project');
    mkdirSync(join(project, 'config'), { recursive: true });
    writeFileSync(
      join(project, 'config/banto.yml'),
      'translate:\n  formality: default\n  glossaries: { en-ja: 0d2d6e1f-5a59-4f3c-9c0c-1e2f3a4b5c6d }\n',
    );
    deepl.answer({ detected: 'EN', text: '請求' });
    const run = await runBanto(['translate', 'billing'], { env: env(), cwd: project });
    assert.equal(run.status, 0, run.stderr);
    const form = deepl.requests[0]?.form;
    assert.deepEqual(form?.glossary_id, ['0d2d6e1f-5a59-4f3c-9c0c-1e2f3a4b5c6d']);
    assert.deepEqual(form?.source_lang, ['en']);
    assert.equal(form?.formality, undefined, 'default sends no formality');
  });

  it('a text already in the guessed target goes the other way, without --to', async () => {
    deepl.answer({ detected: 'JA', text: 'OK' }, { detected: 'JA', text: 'Understood' });
    const run = await runBanto(['translate', 'OK'], { env: env(), cwd: home });
    assert.equal(run.stdout, 'Understood\n');
    assert.deepEqual(
      deepl.requests.map((r) => r.form.target_lang?.[0]),
      ['ja', 'en-US'],
    );
    deepl.answer({ detected: 'JA', text: 'OK' });
    const forced = await runBanto(['translate', '--to', 'ja', 'OK'], { env: env(), cwd: home });
    assert.equal(forced.stdout, 'OK\n', '--to is what the person asked for');
  });

  it('a used-up quota or a refused key: one clear line, exit 1, nothing on stdout, no retry', async () => {
    deepl.answer({ status: 456, message: 'Quota exceeded' });
    const quota = await runBanto(['translate', 'hello'], { env: env(), cwd: home });
    assert.deepEqual([quota.status, quota.stdout], [1, '']);
    assert.equal(quota.stderr, "banto: DeepL's character quota for this billing period is used up [TRANSLATE_QUOTA]\n");
    assert.equal(deepl.requests.length, 1);
    deepl.answer({ status: 403, message: 'Wrong key' });
    const refused = await runBanto(['translate', 'hello'], { env: env(), cwd: home });
    assert.deepEqual([refused.status, refused.stdout], [1, '']);
    assert.equal(refused.stderr, 'banto: DeepL refused the key: check DEEPL_AUTH_KEY [TRANSLATE_AUTH]\n');
  });

  it('without a key, or without text, says so before calling DeepL', async () => {
    const noKey = Object.fromEntries(Object.entries(env()).filter(([name]) => name !== 'DEEPL_AUTH_KEY'));
    const missing = await runBanto(['translate', 'hello'], { env: noKey, cwd: home });
    assert.deepEqual(missing, {
      status: 1,
      stdout: '',
      stderr: 'banto: translation needs DEEPL_AUTH_KEY (a DeepL API key) [TRANSLATE_NOT_CONFIGURED]\n',
    });
    const empty = await runBanto(['translate'], { env: env(), cwd: home, input: '  \n' });
    assert.deepEqual([empty.status, empty.stderr], [1, 'banto: there is no text to translate [TRANSLATE_EMPTY]\n']);
    const badTarget = await runBanto(['translate', '--to', 'fr', 'hello'], { env: env(), cwd: home });
    assert.equal(badTarget.status, 2);
    assert.match(badTarget.stderr, /argument 'fr' is invalid\. Allowed choices are ja, en/);
    assert.equal(deepl.requests.length, 0);
  });
});
