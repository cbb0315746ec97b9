import type { AllMiddlewareArgs } from '@slack/bolt';
import { renderHome } from '../views/home.js';
import type { ListenerDeps } from './deps.js';
import { commandsAllowedFor } from './registry.js';

/**
 * Publishes a person's Home for the roles they hold now: when they open the tab, and when something of theirs
 * changes (a request of theirs decided). The service reads only what those roles may see.
 */
export async function publishHome(
  { home, roles, locale, clock }: Pick<ListenerDeps, 'home' | 'roles' | 'locale' | 'clock'>,
  client: AllMiddlewareArgs['client'],
  userId: string,
): Promise<void> {
  const held = await roles.rolesOf(userId);
  const data = await home.read(held, userId);
  await client.views.publish({ user_id: userId, view: renderHome(data, commandsAllowedFor(held), locale, clock.zone) });
}
