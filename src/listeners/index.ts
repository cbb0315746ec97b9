import type { App } from '@slack/bolt';
import { registerCommands } from './commands/index.js';
import type { ListenerDeps } from './deps.js';
import { registerEvents } from './events/index.js';
import { createAuthorizeAndAudit } from './middleware/authorize-and-audit.js';

/** Registers the global gate first, then every listener group. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  app.use(
    createAuthorizeAndAudit({
      roles: deps.roles,
      audit: deps.audit,
      clock: deps.clock,
      locale: deps.locale,
      logger: deps.logger,
      onFinished: deps.onRequestFinished,
    }),
  );
  registerCommands(app, deps);
  registerEvents(app, deps);
}
