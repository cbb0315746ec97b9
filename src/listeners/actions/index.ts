import { runJobActionId } from '../../views/jobs.js';
import type { ListenerDeps } from '../deps.js';
import type { ListenerRouter } from '../router.js';
import { createRunJobAction } from './run-job.js';

export function registerActions(router: ListenerRouter, deps: ListenerDeps): void {
  router.action(runJobActionId, createRunJobAction(deps));
}
