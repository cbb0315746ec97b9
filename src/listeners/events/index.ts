import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { createAppHomeOpenedListener } from './app-home-opened.js';
import { createAppMentionListener } from './app-mention.js';

export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event('app_mention', createAppMentionListener(deps));
  app.event('app_home_opened', createAppHomeOpenedListener(deps));
}
