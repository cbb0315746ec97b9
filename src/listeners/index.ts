import type { App } from '@slack/bolt';
import type { ListenerDeps } from './deps.js';
import { registerEvents } from './events/index.js';
import { createAuthorizeAndAudit } from './middleware/authorize-and-audit.js';
import { commandsAllowedFor, registry } from './registry.js';

/** The gate first (it runs the registry's handlers), then Bolt listeners for events. Returns a wait for handlers still running. */
export function registerListeners(app: App, deps: ListenerDeps): { drain(): Promise<void> } {
  const handlerDeps = {
    ...deps,
    commandsFor: (roles: Parameters<typeof commandsAllowedFor>[0]) => commandsAllowedFor(roles),
  };
  const gate = createAuthorizeAndAudit({
    entries: registry,
    handlerDeps,
    roles: deps.roles,
    audit: deps.audit,
    clock: deps.clock,
    locale: deps.locale,
    logger: deps.logger,
    onFinished: deps.onRequestFinished,
  });
  app.use(gate);
  registerEvents(app, handlerDeps);
  return gate;
}
