import type { Knex } from 'knex';
import { BantoError } from '../../errors.js';
import { keyColumn, type SyncField, type SyncSource } from './source.js';

/**
 * A column of Banto's own sync tables: how many times a sync has written the row. Every upsert raises it, so on
 * MySQL every existing row counts as changed, and the statement's affected-rows alone gives the exact inserted
 * and updated counts (an unchanged row would otherwise count as 0 or 1, like nothing or an insert).
 */
export const writesColumn = 'banto_sync_writes';

function addColumn(t: Knex.CreateTableBuilder, field: SyncField, isKey: boolean): void {
  const column = (() => {
    switch (field.type) {
      case 'string':
        return t.string(field.column, field.max);
      case 'text':
        return t.text(field.column);
      case 'integer':
        return t.bigInteger(field.column);
      case 'boolean':
        return t.boolean(field.column);
      case 'datetime':
        return t.datetime(field.column, { precision: 3 });
      case 'date':
        return t.date(field.column);
    }
  })();
  if (isKey) column.primary();
  else if (field.optional) column.nullable();
  else column.notNullable();
}

/**
 * Makes sure a source's table can take its records. A `banto_sync_<name>` table is Banto's own: created from the
 * fields on first use, its key the primary key, with the writes column. Any other table belongs to the business
 * schema: it must exist with every mapped column (and a unique key, which the upsert needs); Banto never alters
 * it. `countsWrites` says whether the table has the writes column.
 */
export async function prepareSyncTable(db: Knex, source: SyncSource): Promise<{ countsWrites: boolean }> {
  const key = keyColumn(source);
  if (!(await db.schema.hasTable(source.table))) {
    if (!source.table.startsWith('banto_sync_'))
      throw new BantoError('SYNC_TABLE_MISSING', `sync source ${source.name}: table ${source.table} does not exist`);
    try {
      await db.schema.createTable(source.table, (t) => {
        for (const field of source.fields) addColumn(t, field, field.column === key);
        t.integer(writesColumn).unsigned().notNullable().defaultTo(1);
      });
      return { countsWrites: true };
    } catch (error) {
      // Another replica created it a moment ago: check it like any existing table.
      if (!(await db.schema.hasTable(source.table))) throw error;
    }
  }
  const missing: string[] = [];
  for (const field of source.fields)
    if (!(await db.schema.hasColumn(source.table, field.column))) missing.push(field.column);
  if (missing.length > 0)
    throw new BantoError(
      'SYNC_TABLE_COLUMNS',
      `sync source ${source.name}: table ${source.table} has no column ${missing.join(', ')}`,
    );
  return { countsWrites: await db.schema.hasColumn(source.table, writesColumn) };
}
