import pg from 'pg';

/** What the store runs SQL on: its pool, a pooled client, or the caller's transaction client. */
export interface Queryable {
  query(config: pg.QueryConfig): Promise<pg.QueryResult<any>>;
}

/** A statement of one store instance: a `name` makes pg prepare it once per connection. */
export interface Statement {
  readonly name: string | undefined;
  readonly text: string;
}

// Times are bigint epoch ms; every one of them fits a double exactly, so int8 parses to a number.
const INT8_OID = 20;
const parseInt8 = (value: string): number => Number(value);

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): any {
    if (oid === INT8_OID) return parseInt8;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Runs one statement (as a named prepared statement when it has a name) and returns its rows. */
export async function run<Row = any>(db: Queryable, statement: Statement, values: unknown[]): Promise<Row[]> {
  const result = await db.query({
    name: statement.name,
    text: statement.text,
    values,
    types,
  } as pg.QueryConfig);
  return result.rows as Row[];
}

/** Runs one ad-hoc statement (DDL, rare paths) without preparing it. */
export async function runOnce<Row = any>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const result = await db.query({ text, values, types } as pg.QueryConfig);
  return result.rows as Row[];
}

/**
 * Runs `fn` in a transaction on a client of `pool`. A client whose connection
 * failed is destroyed rather than returned to the pool.
 */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A checked-out client whose connection drops between two queries emits 'error'; unheard, it would crash the process.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    // A ROLLBACK that fails means the connection itself is gone.
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken || undefined);
  }
}
