import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { createBantoCommand } from './banto.js';
import { createPaymentsCommand } from './payments.js';

export function registerCommands(app: App, deps: ListenerDeps): void {
  app.command('/banto', createBantoCommand(deps));
  app.command('/payments', createPaymentsCommand(deps));
}
