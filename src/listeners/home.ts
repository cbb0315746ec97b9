import { createHash } from 'node:crypto';
import type { AllMiddlewareArgs } from '@slack/bolt';
import { renderHome } from '../views/home.js';
import type { HandlerDeps } from './define.js';

export type HomeDeps = Pick<HandlerDeps, 'homeViews' | 'roles' | 'locale' | 'clock' | 'commandsFor'> & {
  home: Pick<HandlerDeps['home'], 'read'>;
};

/**
 * Publishes a person's Home for the roles they hold now: when they open the tab, when something of theirs changes
 * (a request of theirs decided), and from `refresh-homes` when what it shows has changed (`onlyIfChanged`: the hash
 * of the view against the last one published). The service reads only what those roles may see. True if published.
 */
export async function publishHome(
  { home, homeViews, roles, locale, clock, commandsFor }: HomeDeps,
  client: AllMiddlewareArgs['client'],
  userId: string,
  { opened = false, onlyIfChanged = false } = {},
): Promise<boolean> {
  const held = await roles.rolesOf(userId);
  const view = renderHome(await home.read(held, userId), commandsFor(held), locale, clock.zone);
  const hash = createHash('sha256').update(JSON.stringify(view)).digest('hex');
  if (onlyIfChanged && (await homeViews.lastHash(userId)) === hash) return false;
  await client.views.publish({ user_id: userId, view });
  await homeViews.record(userId, hash, opened);
  return true;
}
