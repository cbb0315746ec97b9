import { it } from 'node:test';
import { startTestBanto } from './helpers/banto.js';
it('dbg', async () => {
  const t = await startTestBanto('sqlite', { receiving: 'http' });
  try {
    const r = await t.banto.emulator!.sendRaw('interactive', { type: 'view_submission' });
    console.log('REPLY', JSON.stringify(r));
  } catch (e) {
    console.log('ERR', e);
  }
  await t.close();
});
