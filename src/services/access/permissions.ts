import type { RoleName } from '../../config.js';

/**
 * Who may do what: the one place that says it. A request whose key is not
 * listed here is refused, so a new command or button is closed until a row
 * names the roles that may use it. `anyone` still requires a Slack user.
 */
export type Audience = readonly RoleName[] | 'anyone';

export const permissions = {
  commands: {
    '/banto help': 'anyone',
    '/payments': ['exec', 'accounting'],
    '/jobs': ['engineer'],
    '/banto templates': ['exec', 'engineer'],
    '/banto mail-status': ['exec', 'accounting', 'clerk', 'engineer'],
    '/resend-mail': ['clerk', 'accounting'],
  },
  actions: {
    jobs_run_now: ['engineer'],
    // Only executives decide what customers read.
    template_review: ['exec'],
    template_approve: ['exec'],
    template_reject: ['exec'],
    template_send_test: ['exec'],
    resend_bulk_approve: ['clerk', 'accounting'],
  },
  views: {
    resend_find: ['clerk', 'accounting'],
    resend_pick: ['clerk', 'accounting'],
    resend_confirm: ['clerk', 'accounting'],
  },
} satisfies Record<'commands' | 'actions' | 'views', Record<string, Audience>>;

export type RequestKind = 'command' | 'action' | 'view' | 'shortcut';

const tableOf: Record<RequestKind, Record<string, Audience>> = {
  command: permissions.commands,
  action: permissions.actions,
  view: permissions.views,
  shortcut: {},
};

export interface Decision {
  allowed: boolean;
  /** The roles that would be allowed; empty when the request is unknown. */
  requiredRoles: readonly RoleName[];
  reason?: 'missing-role' | 'unknown-request';
}

export function decide(kind: RequestKind, key: string, roles: ReadonlySet<RoleName>): Decision {
  const audience = tableOf[kind][key];
  if (audience === undefined) return { allowed: false, requiredRoles: [], reason: 'unknown-request' };
  if (audience === 'anyone') return { allowed: true, requiredRoles: [] };
  return audience.some((r) => roles.has(r))
    ? { allowed: true, requiredRoles: audience }
    : { allowed: false, requiredRoles: audience, reason: 'missing-role' };
}

/** Commands the holder of `roles` may run, in table order (for `/banto help`). */
export function commandsAllowedFor(roles: ReadonlySet<RoleName>): string[] {
  return Object.keys(permissions.commands).filter((key) => decide('command', key, roles).allowed);
}
