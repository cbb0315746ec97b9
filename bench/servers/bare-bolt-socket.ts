// The Socket Mode baseline: a bare Bolt app on Bolt's SocketModeReceiver whose command only acks.
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';

const [apiUrl = '', appToken = ''] = process.argv.slice(2);
const receiver = new SocketModeReceiver({
  appToken,
  logLevel: LogLevel.ERROR,
  installerOptions: { clientOptions: { slackApiUrl: apiUrl } },
});
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
await app.start();
process.stdout.write('listening\n');
process.on('SIGTERM', () => {
  void app.stop().then(() => process.exit(0));
});
// The benchmark asks for this process's CPU time over IPC.
process.on('message', () => process.send?.(process.cpuUsage()));
