import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../define.js';
import { createAppHomeOpenedListener } from './app-home-opened.js';
import { createAppMentionListener } from './app-mention.js';

export function registerEvents(app: App, deps: HandlerDeps): void {
  app.event('app_mention', createAppMentionListener(deps));
  app.event('app_home_opened', createAppHomeOpenedListener(deps));
}
