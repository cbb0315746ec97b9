import { renderMailStatus } from '../../views/mail.js';
import type { Handler, HandlerDeps } from '../define.js';

/** `/banto mail-status`: today's messages by state and the oldest one still waiting. */
export function createMailStatusCommand({ mail, clock, locale }: HandlerDeps): Handler<'command', 'later'> {
  return async ({ respond }) => {
    const day = clock.now().startOf('day');
    await respond({
      response_type: 'ephemeral',
      ...renderMailStatus(await mail.status(day, day.plus({ days: 1 })), locale, clock.zone),
    });
  };
}
