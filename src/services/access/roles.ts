import type { Logger } from 'pino';
import { roleNames, type RoleMembers, type RoleName } from '../../config.js';

export type ListUsergroupMembers = (usergroupId: string) => Promise<string[]>;

export interface RoleResolverDeps {
  roles: Record<RoleName, RoleMembers>;
  listUsergroupMembers: ListUsergroupMembers;
  cacheSeconds: number;
  logger: Logger;
  /** Milliseconds since some epoch; injectable so cache expiry is testable. */
  now?: () => number;
}

export interface RoleResolver {
  rolesOf(userId: string): Promise<Set<RoleName>>;
  /** The same answer without waiting, when every group it depends on is cached; else undefined. */
  knownRolesOf(userId: string): Set<RoleName> | undefined;
}

interface CachedGroup {
  members: Set<string>;
  fetchedAt: number;
  refreshing?: Promise<void>;
}

/**
 * Resolves a user's roles from the config's user ids and user-group ids.
 * Group members are cached: a fresh entry answers at once, a stale one still
 * answers while one refresh runs behind it (so a slow Slack never slows a
 * command), and only a group never fetched makes the caller wait.
 */
export function createRoleResolver({
  roles,
  listUsergroupMembers,
  cacheSeconds,
  logger,
  now = Date.now,
}: RoleResolverDeps): RoleResolver {
  const groups = new Map<string, CachedGroup>();
  const inflight = new Map<string, Promise<CachedGroup>>();
  const ttlMs = cacheSeconds * 1000;

  const fetchGroup = (id: string): Promise<CachedGroup> => {
    const pending = inflight.get(id);
    if (pending) return pending;
    const started = listUsergroupMembers(id)
      .then((members) => {
        const entry: CachedGroup = { members: new Set(members), fetchedAt: now() };
        groups.set(id, entry);
        return entry;
      })
      .finally(() => inflight.delete(id));
    inflight.set(id, started);
    return started;
  };

  /** The cached members of a group (a stale list starts one refresh behind it), or undefined if never fetched. */
  const cachedMembersOf = (id: string): Set<string> | undefined => {
    const cached = groups.get(id);
    if (cached && now() - cached.fetchedAt >= ttlMs && !cached.refreshing) {
      cached.refreshing = fetchGroup(id).then(
        () => undefined,
        (error: unknown) => {
          logger.warn({ err: error, usergroup: id }, 'could not refresh user-group members; keeping the last list');
          cached.refreshing = undefined;
        },
      );
    }
    return cached?.members;
  };

  /** The user's roles, or undefined when `membersOf` does not know a group that decides one. */
  const collectRoles = (userId: string, membersOf: (id: string) => Set<string> | undefined) => {
    const held = new Set<RoleName>();
    for (const role of roleNames) {
      const { users, usergroups } = roles[role];
      if (users.includes(userId)) {
        held.add(role);
        continue;
      }
      for (const group of usergroups) {
        const members = membersOf(group);
        if (!members) return undefined;
        if (members.has(userId)) {
          held.add(role);
          break;
        }
      }
    }
    return held;
  };

  const knownRolesOf = (userId: string) => collectRoles(userId, cachedMembersOf);

  return {
    knownRolesOf,
    async rolesOf(userId) {
      const known = knownRolesOf(userId);
      if (known) return known;
      // Only groups never fetched make the caller wait: all of them at once.
      const fetched = new Map<string, Set<string>>();
      const missing = roleNames.flatMap((role) => roles[role].usergroups).filter((id) => !groups.has(id));
      await Promise.all(
        [...new Set(missing)].map((id) =>
          fetchGroup(id).then(
            (entry) => void fetched.set(id, entry.members),
            (error: unknown) => {
              // A group we cannot read grants nothing; the next request asks again.
              logger.warn({ err: error, usergroup: id }, 'could not list user-group members');
              fetched.set(id, new Set());
            },
          ),
        ),
      );
      return collectRoles(userId, (id) => cachedMembersOf(id) ?? fetched.get(id) ?? new Set()) ?? new Set();
    },
  };
}
