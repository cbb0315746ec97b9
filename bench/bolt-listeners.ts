import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { pino } from 'pino';
import { createAuditLog } from '../src/services/audit/audit-log.js';
import { command } from '../src/listeners/define.js';
import { createAuthorizeAndAudit } from '../src/listeners/middleware/authorize-and-audit.js';
import { createSystemClock } from '../src/clock.js';
import { openDatabase } from '../src/db/connect.js';
import { migrateLatest } from '../src/db/migrate.js';

const events = 20_000;
const body = {
  team_id: 'T0DEMO',
  channel_id: 'C0BILLING',
  user_id: 'U01EXEC',
  command: '/banto',
  text: 'help',
  response_url: 'http://127.0.0.1:9/r',
  trigger_id: 'T1',
};

function newApp(): App {
  const receiver = new HTTPReceiver({ signingSecret: 'bench-signing-secret-0123456789', logLevel: LogLevel.ERROR });
  return new App({
    token: 'xoxb-bench',
    botId: 'B0',
    botUserId: 'U0',
    receiver,
    logLevel: LogLevel.ERROR,
    convoStore: false,
  });
}

/** CPU µs per event through Bolt's processEvent, 50 at a time, after a warm-up. */
async function cpuPerEvent(app: App): Promise<number> {
  const send = () => app.processEvent({ body: { ...body }, ack: async () => undefined } as never);
  for (let i = 0; i < 2_000; i++) await send();
  const start = process.cpuUsage();
  for (let i = 0; i < events; i += 50) await Promise.all(Array.from({ length: 50 }, send));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / events;
}

/** Bolt's listeners vs Banto's routed handlers, as the number of handlers grows (in-process, no HTTP). */
export async function benchBoltListeners(): Promise<string> {
  const db = openDatabase('sqlite::memory:');
  await migrateLatest(db);
  const logger = pino({ level: 'silent' });
  const rows: string[] = [];
  for (const handlers of [1, 10, 30]) {
    const bolt = newApp();
    for (let i = 0; i < handlers; i++) bolt.command(i === 0 ? '/banto' : `/other${i}`, async ({ ack }) => ack());

    const routed = newApp();
    const entries = Array.from({ length: handlers }, (_, i) =>
      command({
        key: i === 0 ? '/banto help' : `/other${i}`,
        roles: 'anyone',
        help: '/banto help',
        answers: 'ack',
        create:
          () =>
          async ({ ack }) =>
            ack(),
      }),
    );
    const audit = createAuditLog({ db, logger });
    routed.use(
      createAuthorizeAndAudit({
        entries,
        handlerDeps: {} as never,
        audit,
        logger,
        locale: 'ja',
        clock: createSystemClock('Asia/Tokyo'),
        roles: { rolesOf: async () => new Set(), knownRolesOf: () => new Set() },
      }),
    );
    const boltUs = await cpuPerEvent(bolt);
    const routedUs = await cpuPerEvent(routed);
    await audit.close();
    rows.push(`| ${handlers} | ${boltUs.toFixed(1)} | ${routedUs.toFixed(1)} |`);
  }
  await db.destroy();
  return [
    `### One command through Bolt's processEvent, by number of command handlers (${events.toLocaleString('en')} events, 50 at a time, in-process)`,
    '',
    "| handlers | Bolt listeners (app.command each): CPU µs per event | Banto's gate + registry (roles, permission, audit row): CPU µs per event |",
    '|---|---|---|',
    ...rows,
  ].join('\n');
}
