import type { Logger } from 'pino';
import type { Notifier } from '../services/alerts/alerts.js';

/** Where there is no Slack (the CLI without a bot token): alerts are written to the log. */
export function createLogNotifier(logger: Logger): Notifier {
  let sequence = 0;
  return {
    async postAlert(text, alsoNotify = []) {
      logger.warn({ alert: text, alsoNotify }, 'alert');
      return { channelId: 'log', ts: String(++sequence) };
    },
    async postReply(_channelId, threadTs, text) {
      logger.info({ alert: threadTs, reply: text }, 'alert resolved');
    },
    async updateAlert(_channelId, ts, text) {
      logger.warn({ alert: ts, update: text }, 'alert updated');
    },
  };
}
