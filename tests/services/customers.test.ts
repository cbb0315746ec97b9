import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrateLatest } from '../../src/db/migrate.js';
import { findCustomerReference } from '../../src/services/customers/index.js';
import { searchCustomers } from '../../src/services/customers/search.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';

describe('findCustomerReference', () => {
  it('takes the first e-mail address, else a user id written as one', () => {
    assert.equal(findCustomerReference('from <mailto:Taro@Example.jp|Taro@Example.jp> and b@c.jp'), 'taro@example.jp');
    assert.equal(findCustomerReference('会員番号: 123 の件'), '123');
    assert.equal(findCustomerReference('see #42 please'), '42');
    assert.equal(findCustomerReference('user id 7, paid ¥1,480 on 2026-11-25'), '7');
    assert.equal(findCustomerReference('paid ¥1,480 on 2026-11-25'), undefined, 'a bare number is no id');
  });
});

for (const kind of databaseKinds)
  describe(`searchCustomers (${kind})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(kind);
      await migrateLatest(t.db);
      const at = '2026-11-01 00:00:00.000';
      const user = (id: number, email: string, name: string) => ({
        id,
        email,
        name,
        password_hash: 'x',
        plan: 'free',
        created_at: at,
      });
      await t
        .db('users')
        .insert([
          user(1, 'taro@example.jp', 'Yamada Taro'),
          user(2, 'hanako@example.jp', '100% Hanako'),
          user(3, 'jiro@example.jp', 'Jiro_Suzuki'),
          user(4, 'ichiro@example.jp', 'JiroXSuzuki'),
          ...Array.from({ length: 12 }, (_, i) =>
            user(10 + i, `many${i}@example.jp`, `Many ${String(i).padStart(2, '0')}`),
          ),
        ]);
    });
    after(() => t.drop());

    it('by e-mail in any case, by id, by part of the name in any case', async () => {
      assert.deepEqual(await searchCustomers(t.db, 'TARO@example.JP'), {
        kind: 'one',
        customer: { id: '1', email: 'taro@example.jp', name: 'Yamada Taro' },
      });
      assert.equal(((await searchCustomers(t.db, '3')) as { customer: { name: string } }).customer.name, 'Jiro_Suzuki');
      assert.equal(((await searchCustomers(t.db, 'yamada')) as { customer: { id: string } }).customer.id, '1');
      assert.deepEqual(await searchCustomers(t.db, 'nobody@example.jp'), { kind: 'none' });
      assert.deepEqual(await searchCustomers(t.db, '999'), { kind: 'none' });
    });

    it('matches % and _ as themselves, and refuses one letter', async () => {
      assert.equal(((await searchCustomers(t.db, '100%')) as { customer: { id: string } }).customer.id, '2');
      assert.equal(((await searchCustomers(t.db, 'o_s')) as { customer: { id: string } }).customer.id, '3');
      assert.deepEqual(await searchCustomers(t.db, '%'), { kind: 'unusable', reason: 'too-short' });
      assert.deepEqual(await searchCustomers(t.db, '  '), { kind: 'unusable', reason: 'empty' });
      assert.deepEqual(await searchCustomers(t.db, "' or 1=1 --"), { kind: 'none' });
    });

    it('lists at most 10 matches and says there are more', async () => {
      const many = await searchCustomers(t.db, 'many');
      assert.equal(many.kind, 'many');
      assert.equal((many as { matches: unknown[] }).matches.length, 10);
      assert.equal((many as { more: boolean }).more, true);
    });
  });
