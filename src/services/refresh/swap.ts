import type { Knex } from 'knex';

/**
 * Puts the proven copy's tables in place of the target's, in one `RENAME TABLE` (atomic in MySQL): the target's
 * old tables are dropped first, except `banto_dev_refresh`, whose rows are the target's own history.
 */
export async function swapInto(server: Knex, from: string, to: string): Promise<void> {
  const tablesOf = async (database: string) =>
    (
      (await server.raw(
        "select table_name as t from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE'",
        [database],
      )) as [{ t: string }[]]
    )[0].map((r) => r.t);
  const q = (name: string) => `\`${name.replace(/`/g, '``')}\``;
  const moving = (await tablesOf(from)).filter((t) => t !== 'banto_dev_refresh');
  await server.transaction(async (trx) => {
    // Foreign keys between the old tables must not stop their drop; the setting is this connection's only.
    await trx.raw('set foreign_key_checks = 0');
    for (const table of (await tablesOf(to)).filter((t) => t !== 'banto_dev_refresh'))
      await trx.raw(`drop table ${q(to)}.${q(table)}`);
    if (moving.length > 0)
      await trx.raw(`rename table ${moving.map((t) => `${q(from)}.${q(t)} to ${q(to)}.${q(t)}`).join(', ')}`);
    await trx.raw('set foreign_key_checks = 1');
  });
}
