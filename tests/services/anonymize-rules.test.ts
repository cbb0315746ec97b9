import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { anonymize, prove } from '../../src/services/refresh/anonymize.js';
import { fakeHash, mysqlEngine, sqliteEngine, type Engine } from '../../src/services/refresh/engine.js';
import { loadRules, looksPersonal, rulesSchema } from '../../src/services/refresh/rules.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases.js';

describe('anonymize rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'banto-rules-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const rulesIn = (text: string) => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(path, text);
    return () => loadRules(path);
  };

  it('knows a personal column by its words, and leaves the others alone', () => {
    for (const name of [
      'email',
      'e_mail',
      'contact_email',
      'name',
      'last_name',
      'username',
      'name_kana',
      'phone',
      'tel',
      'address',
      'to_address',
      'postal_code',
      'zip',
      'birthday',
      'birth_date',
      'password_hash',
      'api_token',
      'ip',
      'last_ip',
    ])
      assert.ok(looksPersonal(name), name);
    for (const name of ['id', 'plan', 'amount', 'status', 'description', 'shipping_fee', 'paid_at', 'title', 'summary'])
      assert.ok(!looksPersonal(name), name);
  });

  it('refuses a file that is missing, not YAML, or names a strategy or column it cannot have', () => {
    assert.throws(() => loadRules(join(dir, 'none.yml')), { code: 'REFRESH_RULES', message: /does not exist/ });
    assert.throws(rulesIn('test_domain: [oops'), { code: 'REFRESH_RULES', message: /not valid YAML/ });
    assert.throws(rulesIn('test_domain: example.co.jp\ntables: { users: { email: scramble } }'), {
      code: 'REFRESH_RULES',
      message: /tables\.users\.email/,
    });
    assert.throws(rulesIn("test_domain: example.co.jp\ntables: { users: { email: { template: '{i d}@x' } } }"), {
      code: 'REFRESH_RULES',
      message: /\{i d\} is not a column name/,
    });
    assert.throws(rulesIn('tables: {}'), { code: 'REFRESH_RULES', message: /test_domain/ });
  });
});

const rules = rulesSchema.parse({
  test_domain: 'example.co.jp',
  chunk_rows: 100,
  tables: {
    customers: { email: { fake: 'email' }, name: { fake: 'name' } },
    orders: { contact_email: { fake: 'email' }, name: 'keep' },
  },
});

async function fill(engine: Engine) {
  await engine.run('create table customers (id integer primary key, email varchar(255), name varchar(255))');
  await engine.run('create table orders (id integer primary key, contact_email varchar(255), name varchar(255))');
  for (let i = 1; i <= 250; i++) {
    await engine.run('insert into customers (id, email, name) values (?, ?, ?)', [i, `c${i}@gmail.com`, `山田 ${i}`]);
    await engine.run('insert into orders (id, contact_email, name) values (?, ?, ?)', [
      i,
      i % 2 ? `c${i}@gmail.com` : null,
      'item',
    ]);
  }
}

for (const kind of databaseKinds) {
  describe(`deterministic fakes and chunked updates (${kind})`, () => {
    let database: TestDatabase | undefined;
    let sqlite: Database.Database | undefined;
    after(async () => {
      sqlite?.close();
      await database?.drop();
    });
    const engineFor = async (): Promise<Engine> => {
      if (kind === 'sqlite') return sqliteEngine((sqlite = new Database(':memory:')));
      database = await createTestDatabase('mariadb');
      return mysqlEngine(database.db, new URL(database.url).pathname.slice(1));
    };

    it('the same address gets the same fake in every table, keyed by the secret; nulls stay null; 100 rows an UPDATE', async () => {
      const engine = await engineFor();
      await fill(engine);
      const report = await anonymize(engine, rules, 'secret-1');
      assert.deepEqual(report.updated, [
        { table: 'customers', rows: 250, chunks: 3 },
        { table: 'orders', rows: 250, chunks: 3 },
      ]);
      const [customer] = await engine.column('select email from customers where id = 7');
      const [order] = await engine.column('select contact_email from orders where id = 7');
      assert.equal(customer, order, 'one input, one fake, in both tables');
      assert.equal(
        customer,
        `user-${fakeHash('secret-1', 'c7@gmail.com').slice(0, 12)}@example.co.jp`,
        'the same as Node computes it',
      );
      assert.deepEqual(await engine.column('select contact_email from orders where id = 8'), [null]);
      assert.deepEqual(await engine.column('select name from customers where id = 7'), [
        `Test ${fakeHash('secret-1', '山田 7').slice(0, 8)}`,
      ]);
      assert.deepEqual(await prove(engine, rules, 'secret-1'), []);
    });
  });
}
