import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createRoleResolver } from '../../src/services/access/roles.js';

const roles = {
  exec: { users: ['U01EXEC'], usergroups: [] },
  accounting: { users: [], usergroups: ['S0ACCT'] },
  clerk: { users: ['U03CLERK'], usergroups: [] },
  engineer: { users: ['U04ENG'], usergroups: ['S0ONCALL'] },
};

function setup(groups: Record<string, string[]>, cacheSeconds = 60) {
  let clock = 0;
  const asked: string[] = [];
  const resolver = createRoleResolver({
    roles,
    cacheSeconds,
    logger: pino({ level: 'silent' }),
    now: () => clock,
    listUsergroupMembers: async (id) => {
      asked.push(id);
      const members = groups[id];
      if (!members) throw new Error('no_such_subteam');
      return [...members];
    },
  });
  return { resolver, asked, advance: (ms: number) => (clock += ms), groups };
}

describe('role resolution', () => {
  it('combines user ids and user-group membership', async () => {
    const { resolver } = setup({ S0ACCT: ['U02ACCT'], S0ONCALL: ['U04ENG', 'U06ONCALL'] });
    assert.deepEqual([...(await resolver.rolesOf('U01EXEC'))], ['exec']);
    assert.deepEqual([...(await resolver.rolesOf('U02ACCT'))], ['accounting']);
    assert.deepEqual([...(await resolver.rolesOf('U06ONCALL'))], ['engineer']);
    assert.deepEqual([...(await resolver.rolesOf('U05GUEST'))], []);
  });

  it('asks Slack for a group once per cache period, then refreshes behind the answer', async () => {
    const t = setup({ S0ACCT: ['U02ACCT'], S0ONCALL: [] });
    await t.resolver.rolesOf('U02ACCT');
    await t.resolver.rolesOf('U02ACCT');
    assert.deepEqual(t.asked, ['S0ACCT', 'S0ONCALL']);
    t.groups.S0ACCT = [];
    t.advance(61_000);
    assert.ok((await t.resolver.rolesOf('U02ACCT')).has('accounting'), 'the stale list answers while it refreshes');
    await new Promise((r) => setImmediate(r));
    assert.ok(!(await t.resolver.rolesOf('U02ACCT')).has('accounting'), 'the refreshed list has the removal');
  });

  it('grants nothing through a group that cannot be read', async () => {
    const { resolver } = setup({ S0ONCALL: ['U04ENG'] });
    assert.deepEqual([...(await resolver.rolesOf('U02ACCT'))], []);
  });

  it('answers from the cache without a wait once every group is known, the same as rolesOf', async () => {
    const t = setup({ S0ACCT: ['U02ACCT'], S0ONCALL: ['U06ONCALL'] });
    assert.deepEqual([...(t.resolver.knownRolesOf('U01EXEC') ?? ['not known'])], ['not known'], 'groups unread yet');
    assert.deepEqual(t.asked, [], 'knownRolesOf never asks Slack');
    await t.resolver.rolesOf('U01EXEC');
    for (const user of ['U01EXEC', 'U02ACCT', 'U06ONCALL', 'U05GUEST']) {
      assert.deepEqual([...(t.resolver.knownRolesOf(user) ?? ['not known'])], [...(await t.resolver.rolesOf(user))]);
    }
    assert.deepEqual(t.asked, ['S0ACCT', 'S0ONCALL'], 'each group asked once');
    // A stale list still answers at once, and starts its refresh.
    t.groups.S0ACCT = [];
    t.advance(61_000);
    assert.ok(t.resolver.knownRolesOf('U02ACCT')?.has('accounting'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(t.asked, ['S0ACCT', 'S0ONCALL', 'S0ACCT', 'S0ONCALL']);
    assert.ok(!t.resolver.knownRolesOf('U02ACCT')?.has('accounting'), 'the refreshed list has the removal');
  });

  it('a group that cannot be read stays unknown, so the next request asks again', async () => {
    const t = setup({ S0ONCALL: ['U04ENG'] });
    await t.resolver.rolesOf('U02ACCT');
    assert.equal(t.resolver.knownRolesOf('U02ACCT'), undefined);
    await t.resolver.rolesOf('U02ACCT');
    assert.deepEqual(t.asked, ['S0ACCT', 'S0ONCALL', 'S0ACCT']);
  });
});
