import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { createMailFixture, reminderParams } from '../helpers/mail.js';

describe('mail without SMTP_URL', () => {
  it('writes each message to the output folder as an .eml file, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'banto-eml-'));
    const f = await createMailFixture('sqlite', { mail: { outputDir: dir } });
    try {
      const queued = await f.mail.enqueue({
        template: 'payment-reminder',
        to: 'hanako@example.jp',
        params: reminderParams,
        dedupeKey: 'eml:1',
      });
      assert.deepEqual(await f.mail.sender.drain(), { sent: 1, failed: 0, retrying: 0 });
      assert.deepEqual(await f.mail.sender.drain(), { sent: 0, failed: 0, retrying: 0 });
      const files = readdirSync(dir).filter((name) => name.endsWith('.eml'));
      assert.deepEqual(files, [`banto.${queued.id}@banto.local.eml`]);
      const mail = await simpleParser(readFileSync(join(dir, files[0] ?? '')));
      assert.equal(mail.headers.get('x-banto-original-to'), 'hanako@example.jp');
      assert.match(mail.subject ?? '', /¥980/);
      assert.equal((await f.mail.find(queued.id))?.providerMessageId, files[0]);
    } finally {
      await f.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
