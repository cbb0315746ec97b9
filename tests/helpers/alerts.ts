import { webApi } from '@slack/bolt';
import type { SlackEmulator } from '../../src/local/emulator.js';
import { createSlackNotifier } from '../../src/notifier/slack.js';

/** The Slack notifier the app uses, talking to the emulator: alerts to C0ALERTS, mentioning the on-call group. */
export function emulatorNotifier(slack: SlackEmulator) {
  return createSlackNotifier({
    client: new webApi.WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
    alertsChannel: 'C0ALERTS',
    oncallUsergroup: 'S0ONCALL',
  });
}

/** Every message posted through the emulator: where, what, in which thread, and its ts. */
export function postedMessages(slack: SlackEmulator) {
  return slack.callsTo('chat.postMessage').map((c) => ({
    channel: c.args.channel,
    text: String(c.args.text),
    thread: c.args.thread_ts,
    ts: c.response.ts,
  }));
}
