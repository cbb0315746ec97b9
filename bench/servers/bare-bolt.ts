// The baseline: a bare Bolt app (HTTPReceiver, signature verification on) whose command only acks.
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const [port = '0', signingSecret = ''] = process.argv.slice(2);
const receiver = new HTTPReceiver({ signingSecret, logLevel: LogLevel.ERROR });
const app = new App({
  token: 'xoxb-bench',
  botId: 'B0BENCH',
  botUserId: 'U0BENCH',
  receiver,
  logLevel: LogLevel.ERROR,
});
app.command('/banto', async ({ ack }) => {
  await ack();
});
await app.start({ port: Number(port), host: '127.0.0.1' });
process.stdout.write('listening\n');
process.on('SIGTERM', () => {
  void app.stop().then(() => process.exit(0));
});
// The benchmark asks for this process's CPU time over IPC.
process.on('message', () => process.send?.(process.cpuUsage()));
