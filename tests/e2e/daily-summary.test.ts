import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoWorkspace, type Workspace } from '../../src/local/workspace.js';
import { chartWidth } from '../../src/views/chart.js';
import { databaseKinds } from '../helpers/databases.js';
import { startTestBanto, type TestBanto } from '../helpers/banto.js';

/** Width and height from a PNG's IHDR chunk, after checking the signature (the upload may wrap it in a multipart body). */
function pngSize(body: Buffer): { width: number; height: number } {
  const at = body.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  assert.ok(at >= 0, 'a PNG signature');
  assert.equal(body.subarray(at + 12, at + 16).toString('latin1'), 'IHDR');
  return { width: body.readUInt32BE(at + 16), height: body.readUInt32BE(at + 20) };
}

for (const kind of databaseKinds) {
  describe(`the daily billing summary (${kind})`, () => {
    let t: TestBanto;
    before(async () => {
      t = await startTestBanto(kind, { users: 300 });
    });
    after(async () => t.close());

    it("posts yesterday's figures and a real 30-day chart to the guarded billing channel only", async () => {
      const emulator = t.banto.emulator!;
      const outcome = await t.banto.jobs.runNow('billing-daily-summary', 'U04ENG');
      assert.equal(outcome.status, 'succeeded', outcome.error);
      const posts = emulator.callsTo('chat.postMessage');
      assert.ok(posts.length >= 1);
      assert.ok(
        posts.every((p) => p.args.channel === 'C0BILLING'),
        'nothing outside the billing channel',
      );
      assert.match(String(posts[0]!.args.text), /\d{4}-\d{2}-\d{2} の決済: 成功 [\d,]+ 件 \/ 合計 ¥[\d,]+/);
      const complete = emulator.callsTo('files.completeUploadExternal');
      assert.equal(complete.length, 1);
      assert.equal(complete[0]!.args.channel_id, 'C0BILLING');
      assert.equal(complete[0]!.response.ok, true);
      const fileId = (complete[0]!.args.files as { id: string }[])[0]!.id;
      const upload = emulator.state.uploads.get(fileId)!;
      assert.match(upload.filename, /^payments-\d{4}-\d{2}-\d{2}\.png$/);
      const size = pngSize(upload.data!);
      assert.equal(size.width, chartWidth);
      assert.ok(size.height > 200 && size.height < 600, `height ${size.height}`);
    });
  });

  for (const [name, workspace] of [
    [
      'public',
      {
        ...demoWorkspace,
        channels: demoWorkspace.channels.map((c) => (c.id === 'C0BILLING' ? { ...c, isPrivate: false } : c)),
      },
    ],
    [
      'shared with a clerk',
      {
        ...demoWorkspace,
        channels: demoWorkspace.channels.map((c) =>
          c.id === 'C0BILLING' ? { ...c, members: [...c.members, 'U03CLERK'] } : c,
        ),
      },
    ],
  ] as [string, Workspace][]) {
    describe(`the daily billing summary when the billing channel is ${name} (${kind})`, () => {
      let t: TestBanto;
      before(async () => {
        t = await startTestBanto(kind, { users: 50, workspace });
      });
      after(async () => t.close());

      it('posts nothing there and alerts the engineers once', async () => {
        const emulator = t.banto.emulator!;
        await t.banto.jobs.runNow('billing-daily-summary', 'U04ENG');
        await t.banto.jobs.runNow('billing-daily-summary', 'U04ENG');
        const posts = emulator.callsTo('chat.postMessage');
        assert.equal(emulator.callsTo('files.completeUploadExternal').length, 0);
        assert.deepEqual(
          posts.map((p) => p.args.channel),
          ['C0ALERTS'],
        );
        assert.match(
          String(posts[0]!.args.text),
          /^<!subteam\^S0ONCALL> :lock: 請求チャンネル <#C0BILLING> に決済情報を投稿しませんでした/,
        );
        const runs = await t.banto.db('banto_job_runs').where({ job: 'billing-daily-summary' });
        assert.ok(runs.length >= 1);
        assert.ok(runs.every((r) => r.status === 'succeeded' && /^blocked/.test(r.result)));
      });
    });
  }
}
