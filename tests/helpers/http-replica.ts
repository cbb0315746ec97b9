// One Banto replica in HTTP mode for the load-balancer test: configured from its environment as in
// production, plus a job due every second whose run writes one effect row naming this process.
import { pino } from 'pino';
import { startBanto } from '../../src/app.js';
import { parseConfig } from '../../src/config-load.js';
import { openDatabase } from '../../src/db/connect.js';
import { effectJob } from './jobs.js';
import { repoRoot } from './banto.js';

const [name = 'replica'] = process.argv.slice(2);
const config = parseConfig({ env: process.env, cwd: repoRoot });
const effectsDb = openDatabase(config.databaseUrl);
const job = effectJob(effectsDb, { name: 'every-second', cron: '* * * * * *' }, name);
const banto = await startBanto({ config, logger: pino({ level: 'warn' }), seedIfEmpty: false, extraJobs: [job] });
process.stdout.write(`ready ${banto.url}\n`);
process.on('SIGTERM', () => {
  void banto.stop().then(async () => {
    await effectsDb.destroy();
    process.exit(0);
  });
});
