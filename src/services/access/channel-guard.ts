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
export interface ChannelGuardDeps {
  readChannel: (channelId: string) => Promise<ChannelFacts>;
  roles: RoleResolver;
  botUserId: () => string | undefined;
  /** Told every verdict, so whoever must hear of a channel that stopped (or started again) keeping billing data private does. */
  onVerdict?: (channelId: string, verdict: GuardVerdict) => Promise<void>;
}

export function createChannelGuard({ readChannel, roles, botUserId, onVerdict }: ChannelGuardDeps) {
  const judge = async (channelId: string): Promise<GuardVerdict> => {
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
  return async function checkBillingChannel(channelId: string): Promise<GuardVerdict> {
    const verdict = await judge(channelId);
    await onVerdict?.(channelId, verdict);
    return verdict;
  };
}

export type ChannelGuard = ReturnType<typeof createChannelGuard>;
