import type { Knex } from 'knex';

interface MysqlConnection {
  query(sql: string, callback: (error: Error | null, result: { affectedRows?: number }) => void): void;
}

const send = (connection: MysqlConnection, sql: string) =>
  new Promise<number>((resolve, reject) =>
    connection.query(sql, (error, result) => (error ? reject(error) : resolve(result.affectedRows ?? 0))),
  );

/**
 * MySQL: runs statements whose values are already in their text (mysql2's `format`), on one pooled connection,
 * in one transaction when there are several (a lone statement is its own). Returns the affected rows of all.
 * A caller builds the text ahead, while the database is busy with the statement before; knex would compile
 * and format it only at the moment of sending.
 */
export async function runFormatted(db: Knex, statements: readonly string[]): Promise<number> {
  const connection = (await db.client.acquireConnection()) as MysqlConnection;
  try {
    if (statements.length === 1) return await send(connection, statements[0]!);
    await send(connection, 'begin');
    try {
      let affected = 0;
      for (const sql of statements) affected += await send(connection, sql);
      await send(connection, 'commit');
      return affected;
    } catch (error) {
      await send(connection, 'rollback').catch(() => undefined);
      throw error;
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}
