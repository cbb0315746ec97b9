import type { AllMiddlewareArgs } from '@slack/bolt';
import { renderHome } from '../views/home.js';
import type { HandlerDeps } from './define.js';

/**
 * Publishes a person's Home for the roles they hold now: when they open the tab, and when something of theirs
 * changes (a request of theirs decided). The service reads only what those roles may see.
 */
export async function publishHome(
  { home, roles, locale, clock, commandsFor }: Pick<HandlerDeps, 'home' | 'roles' | 'locale' | 'clock' | 'commandsFor'>,
  client: AllMiddlewareArgs['client'],
  userId: string,
): Promise<void> {
  const held = await roles.rolesOf(userId);
  const data = await home.read(held, userId);
  await client.views.publish({ user_id: userId, view: renderHome(data, commandsFor(held), locale, clock.zone) });
}
