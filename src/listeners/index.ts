import type { App } from '@slack/bolt';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import type { ListenerDeps } from './deps.js';
import { registerEvents } from './events/index.js';
import { createAuthorizeAndAudit } from './middleware/authorize-and-audit.js';
import { createListenerRouter } from './router.js';
import { registerViews } from './views/index.js';

/** The gate first (it runs the routed handlers), then Bolt listeners for events. Returns a wait for handlers still running. */
export function registerListeners(app: App, deps: ListenerDeps): { drain(): Promise<void> } {
  const router = createListenerRouter();
  registerCommands(router, deps);
  registerActions(router, deps);
  registerViews(router, deps);
  const gate = createAuthorizeAndAudit({
      router,
      roles: deps.roles,
      audit: deps.audit,
      clock: deps.clock,
      locale: deps.locale,
      logger: deps.logger,
    onFinished: deps.onRequestFinished,
  });
  app.use(gate);
  registerEvents(app, deps);
  return gate;
}
