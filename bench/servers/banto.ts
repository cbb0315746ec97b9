// Banto on a fresh SQLite file: in HTTP mode with its own emulator standing in for the Web API, or, given
// the bench's emulator URL and an app-level token, in Socket Mode against that emulator.
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { seedDemo } from '../../seeds/demo.js';
import { startBanto } from '../../src/app.js';
import { parseConfig } from '../../src/config-load.js';
import { openDatabase } from '../../src/db/connect.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { startSlackEmulator } from '../../src/local/emulator.js';
import { demoWorkspace } from '../../src/local/workspace.js';

const [port = '0', signingSecret = '', databaseUrl = '', configPath = '', socketApiUrl = '', appToken = ''] =
  process.argv.slice(2);
const db = openDatabase(databaseUrl);
await migrateLatest(db);
await seedDemo(db, { now: DateTime.now().setZone('Asia/Tokyo'), zone: 'Asia/Tokyo', users: 200, force: true });
await db.destroy();

const slack = socketApiUrl ? undefined : await startSlackEmulator({ workspace: demoWorkspace, signingSecret });
const receiving = socketApiUrl ? { SLACK_APP_TOKEN: appToken } : { SLACK_SIGNING_SECRET: signingSecret };
const config = parseConfig({
  env: {
    DATABASE_URL: databaseUrl,
    PORT: port,
    BANTO_CONFIG: configPath,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_API_URL: socketApiUrl || slack?.apiUrl,
    ...receiving,
  },
  cwd: process.cwd(),
});
const banto = await startBanto({ config, logger: pino({ level: 'error' }), seedIfEmpty: false, host: '127.0.0.1' });
process.stdout.write('listening\n');
process.on('SIGTERM', () => {
  void banto
    .stop()
    .then(() => slack?.stop())
    .then(() => process.exit(0));
});
// The benchmark asks for this process's CPU time over IPC.
process.on('message', () => process.send?.(process.cpuUsage()));
