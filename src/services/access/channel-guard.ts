import type { RoleName } from '../../config.js';
import type { RoleResolver } from './roles.js';

export interface ChannelFacts {
  isPrivate: boolean;
  members: string[];
}

export type GuardVerdict = { allowed: true } | { allowed: false; reason: 'public' | 'outsiders'; outsiders: string[] };

const billingRoles: RoleName[] = ['exec', 'accounting'];

/**
 * May billing figures be shown to everyone in this channel? Only if it is
 * private and every member (Banto itself aside) holds the exec or accounting
 * role. Channel facts come from the caller (conversations.info/members).
 */
export function createChannelGuard({ readChannel, roles, botUserId }: { readChannel: (channelId: string) => Promise<ChannelFacts>; roles: RoleResolver; botUserId: () => string | undefined }) {
  return async function checkBillingChannel(channelId: string): Promise<GuardVerdict> {
    const facts = await readChannel(channelId);
    if (!facts.isPrivate) return { allowed: false, reason: 'public', outsiders: [] };
    const outsiders: string[] = [];
    for (const member of facts.members) {
      if (member === botUserId()) continue;
      const held = await roles.rolesOf(member);
      if (!billingRoles.some((r) => held.has(r))) outsiders.push(member);
    }
    return outsiders.length === 0 ? { allowed: true } : { allowed: false, reason: 'outsiders', outsiders };
  };
}

export type ChannelGuard = ReturnType<typeof createChannelGuard>;
