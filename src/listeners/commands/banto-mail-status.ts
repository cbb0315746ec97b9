import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderMailStatus } from '../../views/mail.js';
import type { ListenerDeps } from '../deps.js';

/** `/banto mail-status`: today's messages by state and the oldest one still waiting. */
export function createMailStatusCommand({ mail, clock, locale }: ListenerDeps) {
  return async ({ ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const day = clock.now().startOf('day');
    await respond({ response_type: 'ephemeral', ...renderMailStatus(await mail.status(day, day.plus({ days: 1 })), locale, clock.zone) });
  };
}
