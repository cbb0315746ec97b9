import type { App } from '@slack/bolt';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import type { ListenerDeps } from './deps.js';
import { registerEvents } from './events/index.js';
import { createAuthorizeAndAudit } from './middleware/authorize-and-audit.js';
import { createListenerRouter } from './router.js';

/** The gate first (it runs the routed handlers), then Bolt listeners for events. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  const router = createListenerRouter();
  registerCommands(router, deps);
  registerActions(router, deps);
  app.use(
    createAuthorizeAndAudit({
      router,
      roles: deps.roles,
      audit: deps.audit,
      clock: deps.clock,
      locale: deps.locale,
      logger: deps.logger,
      onFinished: deps.onRequestFinished,
    }),
  );
  registerEvents(app, deps);
}
