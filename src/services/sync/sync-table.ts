import type { Knex } from 'knex';
import { BantoError } from '../../errors.js';
import { keyColumn, type SyncField, type SyncSource } from './source.js';

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
 * fields on first use, its key the primary key. Any other table belongs to the business schema: it must exist
 * with every mapped column (and a unique key, which the upsert needs); Banto never alters it.
 */
export async function prepareSyncTable(db: Knex, source: SyncSource): Promise<void> {
  const key = keyColumn(source);
  if (!(await db.schema.hasTable(source.table))) {
    if (!source.table.startsWith('banto_sync_'))
      throw new BantoError('SYNC_TABLE_MISSING', `sync source ${source.name}: table ${source.table} does not exist`);
    try {
      await db.schema.createTable(source.table, (t) => {
        for (const field of source.fields) addColumn(t, field, field.column === key);
      });
      return;
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
}
