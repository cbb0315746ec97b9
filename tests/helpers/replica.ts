// One Banto process for the replicas test: local mode, the demo config, plus a
// job due every second whose run writes one effect row naming this process.
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { startBanto } from '../../src/app.js';
import { parseConfig } from '../../src/config-load.js';
import { openDatabase } from '../../src/db/connect.js';
import { effectJob } from './jobs.js';
import { demoConfigPath, repoRoot } from './banto.js';

const [databaseUrl = '', name = 'replica'] = process.argv.slice(2);
const config = parseConfig({
  env: { DATABASE_URL: databaseUrl, PORT: '0', BANTO_CONFIG: demoConfigPath, LOG_LEVEL: 'warn' },
  cwd: repoRoot,
});
const effectsDb = openDatabase(databaseUrl);
const job = effectJob(effectsDb, { name: 'every-second', cron: '* * * * * *' }, name);
const banto = await startBanto({ config, logger: pino({ level: 'warn' }), seedIfEmpty: false, extraJobs: [job] });
process.stdout.write(`ready ${DateTime.now().toISO()}\n`);
process.on('SIGTERM', () => {
  void banto.stop().then(async () => {
    await effectsDb.destroy();
    process.exit(0);
  });
});
